/**
 * Per-frame scratch memory of the MRZ engine. A fresh typed array is dear in Chromium (measured in
 * headless Chromium 156: a Float32Array and a Uint8Array of 200k elements allocated and filled
 * took 7x or more as long as filling reused ones, several times Node's cost): a frame's ink maps, masks
 * and cell profiles, allocated anew for every frame, cost more there than the loops that fill them.
 * Inside {@link withFramePool} the engine's per-frame buffers come from pools kept between frames
 * instead: a request gets the shortest free buffer of its kind that is long enough (a new one when
 * none is; the free ones are kept in buckets by length, so neither a request nor the end of a frame
 * walks all of them), and keeps it until the frame ends, so a frame never hands out the same memory
 * twice and the next frame reuses it. Outside a scope every request is a fresh array.
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
  /**
   * Free buffers by length (every pooled length is a size class, see {@link classLength}), each
   * bucket in the order the buffers came back, so least recently taken first.
   */
  readonly free: Map<number, Entry<T>[]>;
  /** The bucket lengths, ascending. */
  readonly lengths: number[];
  /** Buffers taken in this frame. */
  readonly used: Entry<T>[];
}

function slots<T extends Pooled>(make: (n: number) => T, bytes: number): Slots<T> {
  return { make, bytes, free: new Map(), lengths: [], used: [] };
}

const f32 = slots((n) => new Float32Array(n), 4);
const f64 = slots((n) => new Float64Array(n), 8);
const u8 = slots((n) => new Uint8Array(n), 1);
const i32 = slots((n) => new Int32Array(n), 4);
const u32 = slots((n) => new Uint32Array(n), 4);
const ALL = [f32, f64, u8, i32, u32] as Slots<Pooled>[];

/** Most bytes the pools keep; requests beyond it get fresh arrays (a rare, costly frame must not pin its memory). */
const MAX_RETAINED = 32 << 20;
/** Frames a buffer may stay unused before it is let go (the pools follow the recent frames' needs). */
const MAX_IDLE = 32;

let active = false;
let retained = 0;
let frame = 0;

/**
 * The length a pooled buffer for `n` elements gets: `n` rounded up to a size class (a quarter of a
 * power of two, at least 64), so the buffer fits the similar requests of later frames (band widths
 * vary a little from frame to frame). No class lies between `n` and its class, so the bucket of the
 * first class at or above it holds the shortest pooled buffers that fit.
 */
function classLength(n: number): number {
  if (n <= 64) return 64;
  const step = 2 ** (Math.floor(Math.log2(n)) - 2);
  return Math.ceil(n / step) * step;
}

function take<T extends Pooled>(s: Slots<T>, n: number, zeroed: boolean): T {
  if (!active) return s.make(n);
  const len = classLength(n);
  // The shortest free buffer that holds n elements: the first non-empty bucket from len up.
  const lengths = s.lengths;
  let lo = 0;
  let hi = lengths.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((lengths[mid] as number) < len) lo = mid + 1;
    else hi = mid;
  }
  let e: Entry<T> | undefined;
  for (let i = lo; i < lengths.length && !e; i++) e = s.free.get(lengths[i] as number)?.pop();
  let fresh = false;
  if (!e) {
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
    for (const e of s.used) {
      const len = e.buf.length;
      let bucket = s.free.get(len);
      if (!bucket) {
        bucket = [];
        s.free.set(len, bucket);
        s.lengths.push(len);
        s.lengths.sort((a, b) => a - b);
      }
      bucket.push(e);
    }
    s.used.length = 0;
    // A bucket runs from least to most recently taken: the idle ones are at its front.
    for (const [len, bucket] of s.free) {
      let idle = 0;
      while (idle < bucket.length && frame - (bucket[idle] as Entry<Pooled>).last > MAX_IDLE) idle++;
      if (idle === 0) continue;
      bucket.splice(0, idle);
      retained -= idle * len * s.bytes;
    }
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
    for (const e of [...[...s.free.values()].flat(), ...s.used]) new Uint8Array(e.buf.buffer, e.buf.byteOffset, e.buf.byteLength).fill(value);
  }
}
