import { TimporaProvider } from './provider.ts';

export { TimporaProvider, provideTimpora, type TimporaProvision } from './provider.ts';

if (!customElements.get('timpora-provider')) customElements.define('timpora-provider', TimporaProvider);

declare global {
  interface HTMLElementTagNameMap {
    'timpora-provider': TimporaProvider;
  }
}
