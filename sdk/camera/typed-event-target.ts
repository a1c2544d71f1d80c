/**
 * A small `EventTarget` whose `addEventListener` / `removeEventListener` know the event type of each
 * event name, so listeners get `CustomEvent<Detail>` without casts. Used by `CameraSession` and
 * `MrzCameraScanner`.
 * @module
 */

/**
 * `EventTarget` typed by an event map (`{ name: EventType }`).
 *
 * @example
 * ```ts
 * interface Map { tick: CustomEvent<number> }
 * class Clock extends TypedEventTarget<Map> {}
 * new Clock().addEventListener('tick', (e) => e.detail.toFixed(0));
 * ```
 */
export class TypedEventTarget<M extends { [K in keyof M]: Event }> extends EventTarget {
  /** Adds a listener typed by the event map (other names fall back to plain `Event`). */
  override addEventListener<K extends keyof M & string>(
    type: K,
    listener: ((ev: M[K]) => void) | { handleEvent(ev: M[K]): void } | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: unknown, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  /** Removes a listener added with {@link TypedEventTarget.addEventListener}. */
  override removeEventListener<K extends keyof M & string>(
    type: K,
    listener: ((ev: M[K]) => void) | { handleEvent(ev: M[K]): void } | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
  override removeEventListener(type: string, listener: unknown, options?: boolean | EventListenerOptions): void {
    super.removeEventListener(type, listener as EventListenerOrEventListenerObject | null, options);
  }

  /** Dispatches `new CustomEvent(type, { detail })` for a `CustomEvent` entry of the map. */
  protected emit<K extends keyof M & string>(type: K, detail: M[K] extends CustomEvent<infer D> ? D : never): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
