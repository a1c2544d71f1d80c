import { LitElement, css, html } from 'lit';
import { ContextProvider, ContextRoot } from '@lit/context';
import { timporaContext } from '../shared/context.ts';
import { createTimporaClient, type TimporaClient } from '../../sdk/client.ts';
import { createSyncFactory } from '../../sdk/sync/client-factory.ts';

// Widgets connected before any provider exists (script pages that call provideTimpora later) get the client
// when it appears: a ContextRoot replays their pending requests. One per page, even with two copies of the kit.
const ROOT = Symbol.for('timpora-context-root');
const pageGlobal = globalThis as { [ROOT]?: ContextRoot };
if (typeof document !== 'undefined' && !pageGlobal[ROOT]) {
  pageGlobal[ROOT] = new ContextRoot();
  pageGlobal[ROOT].attach(document.documentElement);
}

/**
 * Hands one Timpora client to every widget nested inside it.
 *
 * Script pages set the `client` property; markup-only pages (PHP, JSP, plain HTML) give attributes and the
 * provider creates the client itself, working offline on IndexedDB when no `server-url` is given.
 *
 * @summary Provides the Timpora client to nested widgets.
 * @tag timpora-provider
 * @slot - The portal content holding Timpora widgets.
 * @event timpora-client-ready - The client is available; `detail.client` is the {@link TimporaClient}.
 */
export class TimporaProvider extends LitElement {
  /** @internal */
  static override styles = css`
    :host {
      display: contents;
    }
  `;

  /** Lit reactive property declarations (documented on each field below). @internal */
  static override properties = {
    client: { attribute: false },
    dbName: { type: String, attribute: 'db-name' },
    agency: { type: String },
    serverUrl: { type: String, attribute: 'server-url' },
    getToken: { attribute: false },
  };

  /** The client handed down; set it directly, or let the provider create one from the attributes. */
  declare client: TimporaClient | undefined;
  /** IndexedDB database name used when the provider creates the client. */
  declare dbName: string | undefined;
  /** Agency the signed-in officer belongs to (owner of new entities). */
  declare agency: string | undefined;
  /** Base URL of a backend implementing the Timpora HTTP contract; offline-only when absent. */
  declare serverUrl: string | undefined;
  /**
   * Returns the bearer token for the backend (e.g. from the portal's sign-in). Set it before the provider
   * connects; without it requests carry no `Authorization` header (for backends behind a session cookie proxy).
   */
  declare getToken: (() => Promise<string> | string) | undefined;

  private readonly provider = new ContextProvider(this, { context: timporaContext });
  private ownsClient = false;

  constructor() {
    super();
    this.client = undefined;
    this.dbName = undefined;
    this.agency = undefined;
    this.serverUrl = undefined;
    this.getToken = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.client) {
      this.client = createTimporaClient({
        ...(this.dbName ? { dbName: this.dbName } : {}),
        ...(this.agency ? { agencyId: this.agency } : {}),
        // With a backend, writes go through the outbox and sync (offline-first); without, IndexedDB only.
        ...(this.serverUrl
          ? { server: { baseUrl: this.serverUrl, ...(this.getToken ? { token: this.getToken } : {}) }, sync: createSyncFactory() }
          : {}),
      });
      this.ownsClient = true;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A client we created ourselves is ours to close; one handed to us belongs to the page.
    if (this.ownsClient && this.client) {
      void this.client.close();
      this.client = undefined;
      this.ownsClient = false;
    }
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('client')) {
      this.provider.setValue(this.client);
      if (this.client) {
        this.dispatchEvent(new CustomEvent('timpora-client-ready', { detail: { client: this.client }, bubbles: true, composed: true }));
      }
    }
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}

/** What {@link provideTimpora} returns: swap the client, or withdraw it from the subtree. */
export interface TimporaProvision {
  /** Hand a different client to every subscribed widget. */
  setClient(client: TimporaClient | undefined): void;
}

/**
 * Provide a client to the widgets inside any element, for pages that build their DOM from script.
 * Widgets already connected below `element` are told at once; later ones ask when they connect.
 */
export function provideTimpora(element: HTMLElement, client: TimporaClient): TimporaProvision {
  const provider = new ContextProvider(element, { context: timporaContext, initialValue: client });
  // Plain elements are not controller hosts: announce the provider ourselves so waiting widgets re-request.
  provider.hostConnected();
  return { setClient: (next) => provider.setValue(next) };
}
