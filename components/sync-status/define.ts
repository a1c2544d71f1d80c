import { TimporaSyncStatus } from './sync-status.ts';

export { TimporaSyncStatus, type SyncStatusSource, type SyncStatusDisplayState } from './sync-status.ts';

if (!customElements.get('timpora-sync-status')) customElements.define('timpora-sync-status', TimporaSyncStatus);

declare global {
  interface HTMLElementTagNameMap {
    'timpora-sync-status': TimporaSyncStatus;
  }
  interface HTMLElementEventMap {
    'timpora-sync-show-conflicts': CustomEvent<{ conflicts: number; failed: number }>;
  }
}
