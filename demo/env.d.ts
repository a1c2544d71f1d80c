/// <reference types="vite/client" />
interface ImportMetaEnv {
  /** Reference server URL, set by `npm start`. */
  readonly VITE_TIMPORA_SERVER?: string;
}
