import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { ContextConsumer } from '@lit/context';
import { timporaContext } from '../shared/context.ts';
import { LocalizeController } from '../shared/localize.ts';
import type { TimporaClient } from '../../sdk/client.ts';
import type { SyncState, SyncStatus } from '../../sdk/sync/types.ts';
import { messages, type SyncStatusMessageKey } from './messages.ts';
import { styles } from './sync-status.styles.ts';

/**
 * What the element reads: the sync engine (`TimporaSync`) or anything with the same `status` and
 * `statuschange` event (e.g. a mirror of it in another framework).
 */
export interface SyncStatusSource extends EventTarget {
  /** The current status; the element re-reads it on every `statuschange` event the source dispatches. */
  readonly status: SyncStatus;
  /** Optional: enables the "sync now" button. */
  syncNow?(): Promise<void>;
}

/** State shown by the element: the engine's states plus `off` (no sync configured). */
export type SyncStatusDisplayState = SyncState | 'off';

function isSource(value: unknown): value is SyncStatusSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    'status' in value &&
    typeof (value as { addEventListener?: unknown }).addEventListener === 'function'
  );
}

/**
 * Shows the offline-sync state for a portal header: online or offline, syncing, changes waiting to be sent,
 * conflicts and refused writes, and when the last sync finished. State changes are announced politely to
 * screen readers; the state is also given by an icon shape and text, never by colour alone.
 *
 * Takes the engine from the `sync` property, otherwise from the client provided by `<timpora-provider>`
 * (`client.sync`).
 *
 * @summary Sync status indicator (online/offline, syncing, pending, conflicts) for a portal header.
 *
 * @attr state - Reflects the shown state: `idle`, `pending`, `syncing`, `offline`, `error` or `off`. Read-only.
 * @attr compact - Show only the icon and the short label.
 * @attr lang - Language of the element (`id` default, `en`); inherited from ancestors when absent.
 *
 * @event timpora-sync-show-conflicts - The person asked to review conflicts or refused changes. `detail`:
 *   `{ conflicts: number, failed: number }`. The app opens its resolution view (`sync.conflicts()`, `sync.failed()`).
 *
 * @csspart base - The outer pill.
 * @csspart indicator - The state icon.
 * @csspart label - The short state label.
 * @csspart details - Counts and the last sync time.
 * @csspart message - Explanation shown when offline or when something needs attention.
 * @csspart sync-button - The "sync now" button.
 * @csspart review-button - The "review" button shown with conflicts or refused changes.
 *
 * @cssproperty --timpora-sync-status-idle-color - Icon colour when everything is sent.
 * @cssproperty --timpora-sync-status-pending-color - Icon colour while syncing or waiting.
 * @cssproperty --timpora-sync-status-offline-color - Icon colour when offline.
 * @cssproperty --timpora-sync-status-error-color - Icon and message colour when attention is needed.
 * @cssproperty --timpora-sync-status-background - Background of the pill.
 */
export class TimporaSyncStatus extends LitElement {
  /** @internal */
  static override styles = styles;

  /** Lit reactive property declarations (documented on each field below). @internal */
  static override properties = {
    sync: { attribute: false },
    compact: { type: Boolean, reflect: true },
    state: { type: String, reflect: true },
    _status: { state: true },
  };

  /** The sync engine to show. When unset, `client.sync` of the provided client is used. */
  declare sync: SyncStatusSource | undefined;
  /** Show only the icon and the short label. */
  declare compact: boolean;
  /** The shown state (reflected as attribute for styling). Set by the element. */
  declare state: SyncStatusDisplayState;
  declare private _status: SyncStatus | null;

  private readonly l10n = new LocalizeController(this);
  private contextClient: TimporaClient | undefined;
  private attached: SyncStatusSource | null = null;
  private announced = '';
  private readonly onStatus = (event: Event): void => {
    const detail = (event as CustomEvent<SyncStatus>).detail;
    this._status = detail ?? this.attached?.status ?? null;
  };

  constructor() {
    super();
    this.sync = undefined;
    this.compact = false;
    this.state = 'off';
    this._status = null;
    new ContextConsumer(this, {
      context: timporaContext,
      subscribe: true,
      callback: (client) => {
        this.contextClient = client ?? undefined;
        this.attach();
      },
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.attach();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.detach();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('sync')) this.attach();
    const status = this._status;
    this.state = status ? status.state : 'off';
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('lang' as keyof TimporaSyncStatus)) this.l10n.refresh();
  }

  private source(): SyncStatusSource | null {
    if (this.sync) return this.sync;
    const fromClient = this.contextClient?.sync;
    return isSource(fromClient) ? fromClient : null;
  }

  private attach(): void {
    if (!this.isConnected) return;
    const next = this.source();
    if (next === this.attached) return;
    this.detach();
    this.attached = next;
    if (next) {
      next.addEventListener('statuschange', this.onStatus);
      this._status = next.status;
    } else {
      this._status = null;
    }
  }

  private detach(): void {
    this.attached?.removeEventListener('statuschange', this.onStatus);
    this.attached = null;
  }

  private t(key: SyncStatusMessageKey, params?: Record<string, string | number>): string {
    return this.l10n.t(messages, key, params);
  }

  private async syncNow(): Promise<void> {
    try {
      await this.attached?.syncNow?.();
    } catch {
      // The engine reports failures through its status; nothing to add here.
    }
  }

  private showConflicts(): void {
    const s = this._status;
    this.dispatchEvent(
      new CustomEvent('timpora-sync-show-conflicts', {
        detail: { conflicts: s?.conflicts ?? 0, failed: s?.failed ?? 0 },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private icon(state: SyncStatusDisplayState): ReturnType<typeof svg> {
    switch (state) {
      case 'idle':
        return svg`<path d="M8 0a8 8 0 1 1 0 16A8 8 0 0 1 8 0Zm3.6 4.6L6.8 9.4 4.4 7 3.3 8.1l3.5 3.5 5.9-5.9-1.1-1.1Z" fill="currentColor"/>`;
      case 'syncing':
        return svg`<path d="M8 1.5A6.5 6.5 0 0 0 1.5 8H0l2.5 3L5 8H3a5 5 0 0 1 8.6-3.5l1-1A6.5 6.5 0 0 0 8 1.5Zm5.5 3.5L11 8h2a5 5 0 0 1-8.6 3.5l-1 1A6.5 6.5 0 0 0 14.5 8H16l-2.5-3Z" fill="currentColor"/>`;
      case 'pending':
        return svg`<path d="M8 0a8 8 0 1 1 0 16A8 8 0 0 1 8 0Zm0 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2Zm.8 2v3.7l2.6 1.6-.8 1.3L7.2 8.5V4h1.6Z" fill="currentColor"/>`;
      case 'offline':
        return svg`<path d="M1.7.3.3 1.7l2.4 2.4A11 11 0 0 0 0 6l1.4 1.4a9 9 0 0 1 2.7-1.9l1.6 1.6a6 6 0 0 0-2.9 1.7l1.4 1.4a4 4 0 0 1 3.2-1.2L14.3 16l1.4-1.4L1.7.3ZM8 12a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3Zm0-9c-.8 0-1.6.1-2.4.3l1.8 1.7H8a9 9 0 0 1 6.6 2.4L16 6a11 11 0 0 0-8-3Zm2.6 4.3 2.2 2.2.9-.9a6 6 0 0 0-3.1-1.3Z" fill="currentColor"/>`;
      case 'error':
        return svg`<path d="M8 0 0 15h16L8 0Zm-.9 5h1.8v5H7.1V5Zm.9 6.5a1 1 0 1 1 0 2 1 1 0 0 1 0-2Z" fill="currentColor"/>`;
      default:
        return svg`<path d="M8 0a8 8 0 1 1 0 16A8 8 0 0 1 8 0Zm0 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2Zm-4 5h8v2H4V7Z" fill="currentColor"/>`;
    }
  }

  private errorMessage(s: SyncStatus): string | null {
    if (s.state === 'offline') return this.t('offlineHint');
    if (s.error) {
      switch (s.error.code) {
        case 'unauthorized':
          return this.t('error_unauthorized');
        case 'forbidden':
          return this.t('error_forbidden');
        case 'validation':
          return this.t('error_validation');
        case 'server':
        case 'timeout':
          return this.t('error_server');
        default:
          return this.t('error_other');
      }
    }
    if (s.failed > 0) return this.t('error_validation');
    return null;
  }

  override render(): unknown {
    const s = this._status;
    const state: SyncStatusDisplayState = s ? s.state : 'off';
    const label = this.t(`state_${state}` as SyncStatusMessageKey);
    // Announce only changes of the short state, not every count update.
    const announce = label !== this.announced ? label : this.announced;
    this.announced = announce;
    const details: string[] = [];
    if (s) {
      if (s.pending > 0) details.push(this.t('pending', { count: this.l10n.formatNumber(s.pending) }));
      if (s.conflicts > 0) details.push(this.t('conflicts', { count: this.l10n.formatNumber(s.conflicts) }));
      if (s.failed > 0) details.push(this.t('failed', { count: this.l10n.formatNumber(s.failed) }));
      details.push(
        s.lastSyncedAt !== null
          ? this.t('lastSynced', { time: this.l10n.formatDate(new Date(s.lastSyncedAt), { timeStyle: 'short' }) })
          : this.t('neverSynced'),
      );
    }
    const message = s ? this.errorMessage(s) : null;
    const canSync = !!s && !!this.attached?.syncNow && s.online && !s.syncing;
    return html`<div part="base" role="group" aria-label=${this.t('label')}>
      <svg part="indicator" viewBox="0 0 16 16" aria-hidden="true" focusable="false">${this.icon(state)}</svg>
      <span part="label" role="status" aria-live="polite" aria-atomic="true">${announce}</span>
      ${details.length > 0 ? html`<span part="details">${details.map((d) => html`<span>${d}</span>`)}</span>` : nothing}
      ${s && (s.conflicts > 0 || s.failed > 0)
        ? html`<button part="review-button" type="button" @click=${this.showConflicts}>${this.t('showConflicts')}</button>`
        : nothing}
      ${s && this.attached?.syncNow
        ? html`<button part="sync-button" type="button" ?disabled=${!canSync} @click=${this.syncNow}>${this.t('syncNow')}</button>`
        : nothing}
      ${message ? html`<span part="message">${message}</span>` : nothing}
    </div>`;
  }
}
