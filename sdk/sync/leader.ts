/**
 * Leader election across tabs with the Web Locks API: the tab holding the lock syncs, the others wait in the
 * lock's queue and take over the moment the leader's tab closes (the browser releases its locks).
 * @module
 */

/** The part of `LockManager` we use (injectable for tests and for environments without Web Locks). */
export interface LockManagerLike {
  /** Same contract as `navigator.locks.request`. */
  request(
    name: string,
    options: { mode?: 'exclusive' | 'shared'; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<unknown>,
  ): Promise<unknown>;
}

/** The browser's lock manager, or `null` where Web Locks are missing (then every instance leads). */
export function defaultLocks(): LockManagerLike | null {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks ?? null;
}

/** Holds or waits for the sync lock. */
export class LeaderElection {
  /** The Web Lock name. */
  readonly name: string;
  #locks: LockManagerLike | null;
  #leading = false;
  #abort: AbortController | null = null;
  #release: (() => void) | null = null;
  #onChange: (leading: boolean) => void;

  /**
   * @param name lock name, e.g. `timpora-sync`
   * @param onChange called with `true` when this instance becomes leader and `false` when it stops leading
   */
  constructor(name: string, locks: LockManagerLike | null, onChange: (leading: boolean) => void) {
    this.name = name;
    this.#locks = locks;
    this.#onChange = onChange;
  }

  /** True while this instance holds the lock. */
  get leading(): boolean {
    return this.#leading;
  }

  /** Join the election (idempotent). */
  start(): void {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    if (!this.#locks) {
      this.#set(true);
      return;
    }
    this.#locks
      .request(this.name, { mode: 'exclusive', signal: abort.signal }, async () => {
        if (abort.signal.aborted) return;
        this.#set(true);
        await new Promise<void>((resolve) => {
          this.#release = resolve;
        });
      })
      .catch(() => {
        // AbortError when stop() is called while still waiting: nothing to do.
      });
  }

  /** Leave the election; releases the lock if held so another tab takes over. */
  stop(): void {
    const abort = this.#abort;
    if (!abort) return;
    this.#abort = null;
    abort.abort();
    const release = this.#release;
    this.#release = null;
    release?.();
    this.#set(false);
  }

  #set(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    this.#onChange(leading);
  }
}
