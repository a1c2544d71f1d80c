/**
 * {@link TimporaSync}: the offline sync engine. One tab leads (Web Locks) and runs push + pull cycles; the
 * other tabs follow, mirror its status over a BroadcastChannel and forward "sync now" requests to it.
 * @module
 */
import type { BackoffOptions } from './backoff.ts';
import { backoffDelay } from './backoff.ts';
import { entityKey } from './entity-key.ts';
import { SyncError, toSyncError, type SyncErrorInfo } from './errors.ts';
import { defaultLocks, LeaderElection, type LockManagerLike } from './leader.ts';
import { pushOutbox, type PushReport } from './outbox-sender.ts';
import { pull, type PullReport } from './puller.ts';
import {
  discardFailed,
  listConflicts,
  listFailed,
  resolveConflict,
  retryFailed,
  type ConflictChoice,
} from './resolution.ts';
import type { LocalChange, SyncStorage } from './storage.ts';
import type { Transport } from './transport.ts';
import type { FailedWrite, SyncConflict, SyncEntity, SyncState, SyncStatus } from './types.ts';

/** Where the engine learns whether the device is online. */
export interface NetworkMonitor {
  /** True while the browser believes it is online. */
  readonly online: boolean;
  /** Call `listener` on every change; returns an unsubscribe. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** `navigator.onLine` plus the window's `online`/`offline` events (always online where they do not exist). */
export function browserNetworkMonitor(): NetworkMonitor {
  const g = globalThis as { navigator?: { onLine?: boolean }; addEventListener?: Window['addEventListener'] };
  return {
    get online() {
      return g.navigator?.onLine ?? true;
    },
    subscribe(listener) {
      if (typeof g.addEventListener !== 'function') return () => undefined;
      const on = (): void => listener(true);
      const off = (): void => listener(false);
      globalThis.addEventListener('online', on);
      globalThis.addEventListener('offline', off);
      return () => {
        globalThis.removeEventListener('online', on);
        globalThis.removeEventListener('offline', off);
      };
    },
  };
}

/** Options of {@link TimporaSync}. */
export interface TimporaSyncOptions {
  /** Local storage (entities, outbox, meta). */
  storage: SyncStorage;
  /** Server access. */
  transport: Transport;
  /** Web Lock name shared by the tabs of one database (default `timpora-sync`). */
  lockName?: string;
  /** BroadcastChannel name for status between tabs (default `timpora-sync`). */
  channelName?: string;
  /** Lock manager; default `navigator.locks`; `null` = this instance always leads. */
  locks?: LockManagerLike | null;
  /** Requests in flight for different entities (default 6). */
  concurrency?: number;
  /**
   * Writes of different entities per request when the transport can batch (`Transport.writeBatch`, e.g.
   * `POST /batch`); default 100, 1 = one request per write.
   */
  batchSize?: number;
  /** Pull the change feed this often while leading, ms (default 30,000; 0 = only on demand). */
  pullIntervalMs?: number;
  /** Retry backoff of failing writes and of the connection. */
  backoff?: BackoffOptions;
  /** Online/offline source (default: the browser's). */
  network?: NetworkMonitor;
  /** Clock and randomness (tests). */
  now?: () => number;
  /** Randomness of the backoff jitter (tests). */
  random?: () => number;
}

/** Events of {@link TimporaSync}; all are `CustomEvent`s. */
export interface TimporaSyncEventMap {
  /** The status changed; `detail` is the new {@link SyncStatus}. */
  statuschange: CustomEvent<SyncStatus>;
  /** A write met a newer server version; `detail` carries both versions. Heard in every tab. */
  conflict: CustomEvent<SyncConflict>;
  /** The server refused a write (validation, forbidden); `detail` says why. Heard in every tab. */
  failed: CustomEvent<FailedWrite>;
  /** Remote changes were written into the local cache (this tab leads). */
  change: CustomEvent<LocalChange[]>;
}

type ChannelMessage =
  | { type: 'status'; status: Pick<SyncStatus, 'online' | 'syncing' | 'error' | 'lastSyncedAt'> }
  | { type: 'conflict'; conflict: SyncConflict }
  | { type: 'failed'; failed: FailedWrite }
  | { type: 'kick'; ignoreBackoff: boolean }
  | { type: 'counts' }
  | { type: 'hello' };

/**
 * The offline sync engine.
 *
 * ```ts
 * const sync = new TimporaSync({ storage, transport: new HttpTransport({ baseUrl, token }) });
 * sync.addEventListener('conflict', (e) => showConflict(e.detail));
 * sync.start();
 * ```
 */
export class TimporaSync extends EventTarget {
  readonly #storage: SyncStorage;
  readonly #transport: Transport;
  readonly #concurrency: number;
  readonly #batchSize: number;
  readonly #pullIntervalMs: number;
  readonly #backoff: BackoffOptions;
  readonly #network: NetworkMonitor;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #channelName: string;
  readonly #election: LeaderElection;

  #running = false;
  #abort = new AbortController();
  #channel: BroadcastChannel | null = null;
  #unsubscribers: Array<() => void> = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #localWriteTimer: ReturnType<typeof setTimeout> | null = null;
  #loop: Promise<void> | null = null;
  #wanted = false;
  #ignoreBackoff = false;
  #networkFailures = 0;
  #lastPush: PushReport | null = null;
  #lastPull: PullReport | null = null;
  #status: SyncStatus;
  #progressTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: TimporaSyncOptions) {
    super();
    this.#storage = options.storage;
    this.#transport = options.transport;
    this.#concurrency = options.concurrency ?? 6;
    this.#batchSize = options.batchSize ?? 100;
    this.#pullIntervalMs = options.pullIntervalMs ?? 30_000;
    this.#backoff = options.backoff ?? {};
    this.#network = options.network ?? browserNetworkMonitor();
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#channelName = options.channelName ?? 'timpora-sync';
    const locks = options.locks === undefined ? defaultLocks() : options.locks;
    this.#election = new LeaderElection(options.lockName ?? 'timpora-sync', locks, (leading) =>
      this.#onLeadership(leading),
    );
    this.#status = {
      state: 'idle',
      online: this.#network.online,
      leader: false,
      syncing: false,
      pending: 0,
      failed: 0,
      conflicts: 0,
      error: null,
      lastSyncedAt: null,
    };
    this.#status.state = deriveState(this.#status);
  }

  /** The current status snapshot (also sent as `statuschange`). */
  get status(): SyncStatus {
    return { ...this.#status };
  }

  /** This tab leads syncing. */
  get leader(): boolean {
    return this.#election.leading;
  }

  /** Reports of the last push and pull in this tab (diagnostics, benchmarks). */
  get lastReports(): {
    /** Last push. */
    push: PushReport | null;
    /** Last pull. */
    pull: PullReport | null;
  } {
    return { push: this.#lastPush, pull: this.#lastPull };
  }

  /** Start: join the leader election, listen to the network, other tabs and local writes. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#abort = new AbortController();
    if (typeof BroadcastChannel === 'function') {
      this.#channel = new BroadcastChannel(this.#channelName);
      this.#channel.onmessage = (event: MessageEvent<ChannelMessage>) => this.#onMessage(event.data);
      this.#post({ type: 'hello' });
    }
    this.#unsubscribers.push(
      this.#network.subscribe((online) => {
        if (online) {
          this.#networkFailures = 0;
          this.#update({ online: true });
          this.#request(true);
        } else {
          this.#update({ online: false });
        }
      }),
      this.#storage.onLocalWrite(() => this.#onLocalWrite()),
    );
    void this.#refreshCounts();
    this.#election.start();
  }

  /** Stop syncing in this tab: aborts requests in flight, releases leadership to another tab. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#abort.abort();
    this.#clearTimer();
    if (this.#localWriteTimer) clearTimeout(this.#localWriteTimer);
    if (this.#progressTimer) clearTimeout(this.#progressTimer);
    this.#localWriteTimer = null;
    this.#progressTimer = null;
    for (const off of this.#unsubscribers.splice(0)) off();
    try {
      await this.#loop;
    } catch {
      // already reported through status
    }
    this.#election.stop();
    this.#channel?.close();
    this.#channel = null;
  }

  /**
   * Push and pull now, ignoring backoff. In the leading tab resolves when the cycle is done; in a follower
   * it asks the leader and resolves at once.
   */
  async syncNow(): Promise<void> {
    if (!this.#running) throw new SyncError('aborted', 'Sync is not started.');
    if (!this.#election.leading) {
      this.#post({ type: 'kick', ignoreBackoff: true });
      return;
    }
    await this.#request(true);
  }

  /** Unresolved conflicts (persisted; survive reload). */
  conflicts(): Promise<SyncConflict[]> {
    return listConflicts(this.#storage);
  }

  /** Writes the server refused and that wait for the app (persisted). */
  failed(): Promise<FailedWrite[]> {
    return listFailed(this.#storage);
  }

  /**
   * Settle the conflict of entity `id`: `'local'` (our version wins, sent on top of the server's),
   * `'remote'` (take the server's), or a merged entity (stored and sent).
   * @param collection needed only when the same id is in conflict in two collections
   */
  async resolve(id: string, choice: ConflictChoice, collection?: string): Promise<void> {
    await resolveConflict(this.#storage, id, choice, collection);
    await this.#afterUserAction();
  }

  /** Send a failed write again, optionally corrected. */
  async retry(seq: number, corrected?: SyncEntity): Promise<void> {
    await retryFailed(this.#storage, seq, corrected);
    await this.#afterUserAction();
  }

  /** Give up a failed write (see {@link discardFailed} for what happens to the local copy). */
  async discard(seq: number): Promise<void> {
    await discardFailed(this.#storage, seq);
    await this.#afterUserAction();
  }

  /** Typed `addEventListener`. Returns a function that removes the listener. */
  on<K extends keyof TimporaSyncEventMap>(type: K, listener: (event: TimporaSyncEventMap[K]) => void): () => void {
    const handler = listener as EventListener;
    this.addEventListener(type, handler);
    return () => this.removeEventListener(type, handler);
  }

  // ---- internals ----

  async #afterUserAction(): Promise<void> {
    await this.#refreshCounts();
    this.#post({ type: 'counts' });
    if (!this.#running) return;
    if (this.#election.leading) void this.#request(true);
    else this.#post({ type: 'kick', ignoreBackoff: true });
  }

  #onLeadership(leading: boolean): void {
    this.#update({ leader: leading });
    if (leading && this.#running) void this.#request(true);
    if (!leading) this.#clearTimer();
  }

  #onLocalWrite(): void {
    if (this.#localWriteTimer) return;
    this.#localWriteTimer = setTimeout(() => {
      this.#localWriteTimer = null;
      void this.#refreshCounts();
      if (this.#election.leading) void this.#request(false);
    }, 15);
  }

  #onMessage(message: ChannelMessage): void {
    switch (message.type) {
      case 'status':
        if (!this.#election.leading) {
          this.#update({ ...message.status });
          void this.#refreshCounts();
        }
        return;
      case 'conflict':
        this.dispatchEvent(new CustomEvent('conflict', { detail: message.conflict }));
        void this.#refreshCounts();
        return;
      case 'failed':
        this.dispatchEvent(new CustomEvent('failed', { detail: message.failed }));
        void this.#refreshCounts();
        return;
      case 'counts':
        void this.#refreshCounts();
        return;
      case 'kick':
        if (this.#election.leading) void this.#request(message.ignoreBackoff);
        return;
      case 'hello':
        if (this.#election.leading) this.#broadcastStatus();
        return;
    }
  }

  #post(message: ChannelMessage): void {
    try {
      this.#channel?.postMessage(message);
    } catch {
      // channel closed
    }
  }

  #broadcastStatus(): void {
    const { online, syncing, error, lastSyncedAt } = this.#status;
    this.#post({ type: 'status', status: { online, syncing, error, lastSyncedAt } });
  }

  /** Ask for a cycle; cycles never overlap, a request during one schedules another. */
  #request(ignoreBackoff: boolean): Promise<void> {
    if (!this.#running || !this.#election.leading) return Promise.resolve();
    this.#wanted = true;
    this.#ignoreBackoff ||= ignoreBackoff;
    if (!this.#loop) {
      this.#loop = (async () => {
        try {
          while (this.#wanted && this.#running && this.#election.leading) {
            this.#wanted = false;
            const ignore = this.#ignoreBackoff;
            this.#ignoreBackoff = false;
            await this.#cycle(ignore);
          }
        } finally {
          this.#loop = null;
        }
      })();
    }
    return this.#loop;
  }

  async #cycle(ignoreBackoff: boolean): Promise<void> {
    this.#clearTimer();
    if (!this.#network.online) {
      this.#update({ online: false });
      return;
    }
    this.#update({ syncing: true });
    let error: SyncError | null = null;
    let nextAttemptAt: number | null = null;
    try {
      const push = await pushOutbox({
        storage: this.#storage,
        transport: this.#transport,
        concurrency: this.#concurrency,
        batchSize: this.#batchSize,
        backoff: this.#backoff,
        ignoreBackoff,
        signal: this.#abort.signal,
        now: this.#now,
        random: this.#random,
        onConflict: (conflict) => {
          this.dispatchEvent(new CustomEvent('conflict', { detail: conflict }));
          this.#post({ type: 'conflict', conflict });
        },
        onFailed: (failed) => {
          this.dispatchEvent(new CustomEvent('failed', { detail: failed }));
          this.#post({ type: 'failed', failed });
        },
        onAcknowledged: () => this.#progress(),
      });
      this.#lastPush = push;
      nextAttemptAt = push.nextAttemptAt;
      error = push.stoppedBy;
      if (!error || error.code === 'server') {
        const pulled = await pull({
          storage: this.#storage,
          transport: this.#transport,
          signal: this.#abort.signal,
          onApplied: (changes) => this.dispatchEvent(new CustomEvent('change', { detail: changes })),
        });
        this.#lastPull = pulled;
      }
    } catch (thrown) {
      error = toSyncError(thrown);
    }
    await this.#refreshCounts();
    if (error?.code === 'aborted') {
      this.#update({ syncing: false });
      return;
    }
    if (error && (error.code === 'network' || error.code === 'timeout')) {
      this.#networkFailures += 1;
      this.#update({ syncing: false, online: false, error: null });
      this.#schedule(backoffDelay(this.#networkFailures, this.#backoff, this.#random));
      return;
    }
    this.#networkFailures = 0;
    if (error) {
      this.#update({ syncing: false, online: true, error: error.toJSON() });
    } else {
      this.#update({ syncing: false, online: true, error: null, lastSyncedAt: this.#now() });
    }
    if (error?.code === 'unauthorized') return; // wait for syncNow() (e.g. after signing in again)
    let delay = this.#pullIntervalMs > 0 ? this.#pullIntervalMs : Number.POSITIVE_INFINITY;
    if (nextAttemptAt !== null) delay = Math.min(delay, Math.max(0, nextAttemptAt - this.#now()));
    if (error?.code === 'server') delay = Math.min(delay, backoffDelay(1, this.#backoff, this.#random));
    if (Number.isFinite(delay)) this.#schedule(delay);
  }

  #progress(): void {
    if (this.#status.pending > 0) this.#status.pending -= 1;
    if (this.#progressTimer) return;
    this.#progressTimer = setTimeout(() => {
      this.#progressTimer = null;
      this.#update({});
    }, 100);
  }

  #schedule(delay: number): void {
    this.#clearTimer();
    if (!this.#running) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#request(false);
    }, delay);
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #refreshCounts(): Promise<void> {
    try {
      const entries = await this.#storage.transaction([], 'readonly', (tx) => tx.outbox());
      const conflicted = new Set<string>();
      let failed = 0;
      for (const e of entries) {
        if (e.state === 'failed') failed += 1;
        if (e.state === 'conflict') conflicted.add(entityKey(e));
      }
      this.#update({ pending: entries.length, failed, conflicts: conflicted.size });
    } catch {
      // storage closed (tab going away)
    }
  }

  #update(patch: Partial<SyncStatus>): void {
    const next: SyncStatus = { ...this.#status, ...patch };
    if (patch.online === true && !this.#network.online) next.online = false;
    next.state = deriveState(next);
    const changed = (Object.keys(next) as Array<keyof SyncStatus>).some(
      (k) => !sameValue(next[k], this.#status[k]),
    );
    this.#status = next;
    if (!changed && Object.keys(patch).length > 0) return;
    this.dispatchEvent(new CustomEvent('statuschange', { detail: this.status }));
    if (this.#election.leading) this.#broadcastStatus();
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The summary state from the flags, in priority order. */
export function deriveState(s: Omit<SyncStatus, 'state'>): SyncState {
  if (!s.online) return 'offline';
  if (s.syncing) return 'syncing';
  if (s.error || s.failed > 0 || s.conflicts > 0) return 'error';
  if (s.pending > 0) return 'pending';
  return 'idle';
}

export type { SyncErrorInfo };
