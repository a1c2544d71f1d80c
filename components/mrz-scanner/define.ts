/** Registers `<timpora-mrz-scanner>` (once, even when two bundles load it). */
import { TimporaMrzScanner } from './mrz-scanner.ts';
import type { MrzReadEventDetail, MrzErrorEventDetail } from './mrz-scanner.ts';

export { TimporaMrzScanner };
export type { MrzReadEventDetail, MrzErrorEventDetail, MrzReadSource } from './mrz-scanner.ts';

if (!customElements.get('timpora-mrz-scanner')) customElements.define('timpora-mrz-scanner', TimporaMrzScanner);

declare global {
  interface HTMLElementTagNameMap {
    'timpora-mrz-scanner': TimporaMrzScanner;
  }
  interface HTMLElementEventMap {
    'timpora-mrz-read': CustomEvent<MrzReadEventDetail>;
    'timpora-mrz-error': CustomEvent<MrzErrorEventDetail>;
  }
}
