/**
 * Per-frame scratch memory of the MRZ engine. A fresh typed array is dear in Chromium (measured in
 * headless Chromium 156: a Float32Array and a Uint8Array of 200k elements allocated and filled
 * took 7x or more as long as filling reused ones, several times Node's cost): a frame's ink maps, masks
 * and cell profiles, allocated anew for every frame, cost more there than the loops that fill them.
 * Inside {@link withFramePool} the engine's per-frame buffers come from pools kept between frames
 * instead: a request gets the shortest free buffer of its kind that is long enough (a new one when
 * none is), and keeps it until the frame ends, so a frame never hands out the same memory twice and
 * the next frame reuses it. Outside a scope every request is a fresh array.
 *
 * Pooled buffers are NOT zeroed: callers write every element before they read it, or ask for a
 * `zeroed` one. Nothing allocated from the pool may outlive the scope (the engine returns only
 * strings, numbers and points).
 * @module
 */

type Pooled = Float32Array | Float64Array | Uint8Array | Int32Array | Uint32Array;

interface Entry<T extends Pooled> {
  readonly buf: T;
  /** The last frame that took it. */
  last: number;
}

interface Slots<T extends Pooled> {
  readonly make: (n: number) => T;
  readonly bytes: number;
  /** Buffers free in this frame, shortest first. */
  free: Entry<T>[];
  /** Buffers taken in this frame. */
  readonly used: Entry<T>[];
}

const f32: Slots<Float32Array> = { make: (n) => new Float32Array(n), bytes: 4, free: [], used: [] };
const f64: Slots<Float64Array> = { make: (n) => new Float64Array(n), bytes: 8, free: [], used: [] };
const u8: Slots<Uint8Array> = { make: (n) => new Uint8Array(n), bytes: 1, free: [], used: [] };
const i32: Slots<Int32Array> = { make: (n) => new Int32Array(n), bytes: 4, free: [], used: [] };
const u32: Slots<Uint32Array> = { make: (n) => new Uint32Array(n), bytes: 4, free: [], used: [] };
const ALL = [f32, f64, u8, i32, u32] as Slots<Pooled>[];

/** Most bytes the pools keep; requests beyond it get fresh arrays (a rare, costly frame must not pin its memory). */
const MAX_RETAINED = 32 << 20;
/** Frames a buffer may stay unused before it is let go (the pools follow the recent frames' needs). */
const MAX_IDLE = 32;

let active = false;
let retained = 0;
let frame = 0;

function take<T extends Pooled>(s: Slots<T>, n: number, zeroed: boolean): T {
  if (!active) return s.make(n);
  // The shortest free buffer that holds n elements.
  const free = s.free;
  let lo = 0;
  let hi = free.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((free[mid] as Entry<T>).buf.length < n) lo = mid + 1;
    else hi = mid;
  }
  let e = free[lo];
  let fresh = false;
  if (e) free.splice(lo, 1);
  else {
    // Rounded up to a size class (a quarter of a power of two), so the buffer fits the similar
    // requests of later frames (band widths vary a little from frame to frame).
    const step = n <= 64 ? 64 : 2 ** (Math.floor(Math.log2(n)) - 2);
    const len = Math.ceil(n / step) * step;
    if (retained + len * s.bytes > MAX_RETAINED) return s.make(n);
    e = { buf: s.make(len), last: 0 };
    retained += len * s.bytes;
    fresh = true;
  }
  e.last = frame;
  s.used.push(e);
  const out = e.buf.length === n ? e.buf : (e.buf.subarray(0, n) as T);
  // Fresh memory is zero already.
  if (zeroed && !fresh) out.fill(0);
  return out;
}

/** Hands every buffer back for the next frame; lets go of the ones idle for long. */
function nextFrame(): void {
  frame++;
  for (const s of ALL) {
    const all = s.free.concat(s.used);
    s.used.length = 0;
    s.free = all.filter((e) => {
      if (frame - e.last <= MAX_IDLE) return true;
      retained -= e.buf.length * s.bytes;
      return false;
    });
    s.free.sort((a, b) => a.buf.length - b.buf.length);
  }
}

/** A Float32Array of `n` elements (pooled inside {@link withFramePool}: not zeroed unless `zeroed`). */
export function float32(n: number, zeroed = false): Float32Array {
  return take(f32, n, zeroed);
}

/** A Float64Array of `n` elements (pooled inside {@link withFramePool}: not zeroed unless `zeroed`). */
export function float64(n: number, zeroed = false): Float64Array {
  return take(f64, n, zeroed);
}

/** A Uint8Array of `n` elements (pooled inside {@link withFramePool}: not zeroed unless `zeroed`). */
export function uint8(n: number, zeroed = false): Uint8Array {
  return take(u8, n, zeroed);
}

/** An Int32Array of `n` elements (pooled inside {@link withFramePool}: not zeroed unless `zeroed`). */
export function int32(n: number, zeroed = false): Int32Array {
  return take(i32, n, zeroed);
}

/** A Uint32Array of `n` elements (pooled inside {@link withFramePool}: not zeroed unless `zeroed`). */
export function uint32(n: number, zeroed = false): Uint32Array {
  return take(u32, n, zeroed);
}

/**
 * Runs `fn` as one frame: the buffers it takes from the pools are handed out again once it
 * returns (or throws). A nested call runs inside the outer frame.
 */
export function withFramePool<T>(fn: () => T): T {
  if (active) return fn();
  active = true;
  nextFrame();
  try {
    return fn();
  } finally {
    active = false;
  }
}

/**
 * Test aid: fills every pooled buffer with the byte `value`, so a buffer read before it is written
 * shows as a changed result.
 * @internal
 */
export function fillPools(value: number): void {
  for (const s of ALL) {
    for (const e of [...s.free, ...s.used]) new Uint8Array(e.buf.buffer, e.buf.byteOffset, e.buf.byteLength).fill(value);
  }
}
