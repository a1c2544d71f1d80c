/**
 * WebAssembly SIMD kernels of the engine's hottest plain loops, each giving the JavaScript path's
 * exact values (tested bit for bit), in four modules:
 * - the first module (a memory per net for its layer; one for the image kernels, grown as a call needs):
 *   - the MLP's first layer (classify.ts `hiddenFour`): four hidden units of four glyphs per pass
 *     over the inputs, two units per f64x2 lane pair. Each sum starts at its unit's bias and adds
 *     `weight * input` in input order, every product and sum rounded to double as JavaScript's
 *     `s += w * x` (f64x2.mul and f64x2.add are plain IEEE operations per lane, never fused);
 *   - the locate pass's black-hat (image.ts `blackHat8`): byte-wise maxima over the whole window,
 *     16 pixels per instruction, the image zero-padded (equal to the clamped window for pixels >= 0);
 *   - the ink map background's max filter (image.ts `rectFilter(.., true)`): four floats per
 *     i32x4.max_s on their bit patterns, only for values that are all +0 or positive, not NaN;
 *   - image.ts `blockMax`'s int32 maxima of the bit patterns over 4x4 blocks (`simdBlockMax4`);
 * - the frame kernels (session 19), with a memory of their own that grows only per frame: the
 *   engine's grey frame lives there (`frameBuffer`), converted from RGBA with its first level
 *   (`simdGray`), downscaled by 2 (`simdHalf`), and rectify.ts' rows are sampled from it (`simdRect`);
 * - the ink map kernels (session 19, {@link simdInk}, a memory of their own): segment.ts `inkMap`'s
 *   background upsampling (scalar), the ink against the background and the normalised ink with its
 *   mask (two pixels per f64x2: the JavaScript's operations in its order, f64x2.pmax / pmin as its
 *   `?:`, f32x4.demote as Math.fround), the ink histogram's bins (counted by scalar stores) and the
 *   count of values above a threshold;
 * - the second-opinion CNN (session 22, {@link simdCnn}, a memory per net): cnn.ts `fastLogits` of
 *   a whole line of glyphs per call, both convolutions with their ReLU and pool (two neighbouring
 *   pixels per f64x2, every tap in the reference's order) and both dense layers over their nonzero
 *   inputs, parameterised by the net's plane size and channel counts.
 *
 * The modules are assembled here from their instructions (nothing fetched, nothing shipped as a
 * binary) and compiled synchronously on first use, the others only where the first compiled.
 * Where WebAssembly or its SIMD is missing, or a Content Security Policy forbids compiling (a page
 * or worker needs `'wasm-unsafe-eval'` in `script-src`, which demo/csp.js and docs/en/security.md
 * give; without it Chromium throws a CompileError and reports one `wasm-eval` violation per
 * worker), {@link simdLayer}, {@link frameBuffer}, {@link simdInk} and {@link simdCnn} return null and the image
 * kernels false, and the callers keep their JavaScript loops (the same reads, about 1.6x slower).
 * @module
 */

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (the i32.const immediates). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes.
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const I32_CONST = 0x41;
const I32_NE = 0x47;
const I32_ADD = 0x6a;
const I32_SUB = 0x6b;
const I32_SHL = 0x74;
const LOOP = 0x03;
const BR_IF = 0x0d;
const END = 0x0b;
const EMPTY = 0x40;
const I32 = 0x7f;
const V128 = 0x7b;
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** Adds the constant `step` to i32 local `local`. */
const addTo = (local: number, step: number): number[] => [LOCAL_GET, local, I32_CONST, ...sleb(step), I32_ADD, LOCAL_SET, local];
/** A loop's back edge: decrements i32 local `counter` and repeats the loop while it is not zero. */
const countDown = (counter: number): number[] => [LOCAL_GET, counter, I32_CONST, ...sleb(1), I32_SUB, LOCAL_TEE, counter, BR_IF, 0];
/** v128 load / store with an alignment hint (log2 bytes; 4: 16-byte aligned, 0: any). */
const V128_LOAD = (offset: number, align = 4): number[] => [...simd(0), align, ...uleb(offset)];
const V128_STORE = (offset: number, align = 4): number[] => [...simd(11), align, ...uleb(offset)];
const I8X16_SPLAT = simd(15);
const V128_XOR = simd(81);
const I8X16_SUB = simd(113);
const I8X16_MAX_U = simd(121);
const I32X4_MAX_S = simd(184);
const I8X16_SHUFFLE = (lanes: number[]): number[] => [...simd(13), ...lanes];
/** Lanes 2, 3 of the first operand into lanes 0, 1 (i32x4 or f32x4: the high pair for a convert or promote). */
const HIGH_HALF = I8X16_SHUFFLE([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15]);
const I32X4_EXTRACT_LANE0 = [...simd(27), 0];
const I32_STORE = [0x36, 2, 0];
/** i32.store with no alignment hint (any address). */
const I32_STORE_ANY = [0x36, 0, 0];
const I32_MUL = 0x6c;
const V128_LOAD64_SPLAT = (offset: number): number[] => [...simd(10), 3, ...uleb(offset)];
const F64X2_ADD = simd(240);
const F64X2_MUL = simd(242);
const F64 = 0x7c;
const F64_CONST = 0x44;
const F64_ADD = 0xa0;
const I32X4_SPLAT = simd(17);
const F64X2_SPLAT = simd(20);
const I32X4_EXTRACT_LANE = (lane: number): number[] => [...simd(27), lane];
const F64X2_REPLACE_LANE = (lane: number): number[] => [...simd(34), lane];
const V128_AND = simd(78);
const V128_LOAD16_LANE = (lane: number): number[] => [...simd(85), 0, 0, lane];
const V128_STORE64_LANE0 = [...simd(91), 0, 0, 0];
const F32X4_DEMOTE_F64X2_ZERO = simd(94);
const I32X4_SHR_U = simd(173);
const I32X4_SUB = simd(177);
const I32X4_MUL = simd(181);
const I32X4_ADD = simd(174);
const I32X4_MIN_U = simd(183);
const I32X4_LT_S = simd(57);
const F64X2_PMIN = simd(246);
const F64X2_PMAX = simd(247);
const V128_LOAD8_LANE = (lane: number): number[] => [...simd(84), 0, 0, lane];
const F64X2_SUB = simd(241);
const F64X2_DIV = simd(243);
const I32X4_TRUNC_SAT_F64X2_S_ZERO = simd(252);
const F64X2_CONVERT_LOW_I32X4_S = simd(254);
const I32_GT_U = 0x4b;
const I32_EQ = 0x46;
const I32_LT_U = 0x49;
const I32_SHR_U = 0x76;
const SELECT = 0x1b;
const BLOCK = 0x02;
const BR = 0x0c;
const I32_LOAD16_U = (offset: number): number[] => [0x2f, 1, ...uleb(offset)];
const I32_STORE8 = [0x3a, 0, 0];
const I8X16_NARROW_I16X8_U = simd(102);
const I16X8_NARROW_I32X4_U = simd(134);
const I16X8_EXTEND_LOW_I8X16_U = simd(137);
const I16X8_EXTEND_HIGH_I8X16_U = simd(138);
const I16X8_ADD = simd(142);
const I16X8_SPLAT = simd(16);
const I16X8_SHR_U = simd(141);
const I16X8_EXTADD_PAIRWISE_I8X16_U = simd(125);
const I32_LOAD = [0x28, 2, 0];
const F32_LOAD = [0x2a, 2, 0];
const F64_STORE = [0x39, 3, 0];
const F64_PROMOTE_F32 = 0xbb;
const F64_SUB = 0xa1;
const F64_MUL = 0xa2;
const V128_OR = simd(80);
const V128_ANY_TRUE = simd(83);
const F64X2_GT = simd(74);
const F64X2_PROMOTE_LOW_F32X4 = simd(95);
const I32X4_SHL = simd(171);
const V128_CONST_I32X4 = (lanes: readonly number[]): number[] => [...simd(12), ...new Uint8Array(new Int32Array(lanes).buffer)];

/**
 * `layer(w, b, x, out, quads, inputs)` (byte addresses, all 16-byte aligned):
 * - `w`: weights, quad-major: for quad q (units 4q..4q+3) and input i, the four units' doubles;
 * - `b`: the biases (doubles, unit order);
 * - `x`: four glyphs interleaved: input i of glyph g at double `4 i + g`;
 * - `out`: pre-activation sums, unit 4q+u of glyph g at double `16 q + 4 g + u`.
 */
function kernelBytes(): Uint8Array<ArrayBuffer> {
  // Locals: params w 0, b 1, x 2, out 3, quads 4, inputs 5; xEnd 6, xp 7; acc 8..15 (glyph g: 8+2g
  // units 4q, 4q+1; 9+2g units 4q+2, 4q+3); wLo 16, wHi 17, splat 18.
  const body: number[] = [];
  const op = (...b: (number | number[])[]): void => {
    for (const x of b) if (typeof x === 'number') body.push(x);
    else body.push(...x);
  };
  op(LOCAL_GET, 2, LOCAL_GET, 5, I32_CONST, ...sleb(5), I32_SHL, I32_ADD, LOCAL_SET, 6);
  op(LOOP, EMPTY);
  for (let g = 0; g < 4; g++) {
    op(LOCAL_GET, 1, V128_LOAD(0), LOCAL_SET, 8 + 2 * g);
    op(LOCAL_GET, 1, V128_LOAD(16), LOCAL_SET, 9 + 2 * g);
  }
  op(LOCAL_GET, 2, LOCAL_SET, 7);
  op(LOOP, EMPTY);
  op(LOCAL_GET, 0, V128_LOAD(0), LOCAL_SET, 16);
  op(LOCAL_GET, 0, V128_LOAD(16), LOCAL_SET, 17);
  for (let g = 0; g < 4; g++) {
    op(LOCAL_GET, 8 + 2 * g, LOCAL_GET, 16, LOCAL_GET, 7, V128_LOAD64_SPLAT(8 * g), LOCAL_TEE, 18, F64X2_MUL, F64X2_ADD, LOCAL_SET, 8 + 2 * g);
    op(LOCAL_GET, 9 + 2 * g, LOCAL_GET, 17, LOCAL_GET, 18, F64X2_MUL, F64X2_ADD, LOCAL_SET, 9 + 2 * g);
  }
  op(addTo(0, 32));
  op(LOCAL_GET, 7, I32_CONST, ...sleb(32), I32_ADD, LOCAL_TEE, 7, LOCAL_GET, 6, I32_NE, BR_IF, 0);
  op(END);
  for (let g = 0; g < 4; g++) {
    op(LOCAL_GET, 3, LOCAL_GET, 8 + 2 * g, V128_STORE(32 * g));
    op(LOCAL_GET, 3, LOCAL_GET, 9 + 2 * g, V128_STORE(32 * g + 16));
  }
  op(addTo(3, 128));
  op(addTo(1, 32));
  op(countDown(4));
  op(END);
  op(END);
  const layer = [...vec([[...uleb(2), I32], [...uleb(11), V128]]), ...body];
  const windowMax = windowMaxCode(I8X16_MAX_U);
  const windowMax32 = windowMaxCode(I32X4_MAX_S);
  const blockMax4 = blockMax4Code();
  const subtract = subtractCode();
  const i32s = (n: number): number[] => vec(Array.from({ length: n }, () => [I32]));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...i32s(6), ...vec([])], [0x60, ...i32s(9), ...vec([])], [0x60, ...i32s(3), ...vec([])], [0x60, ...i32s(5), ...vec([])]])),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0], [1], [2], [1], [3]])),
    ...section(7, vec([[...name('layer'), 0x00, 0], [...name('windowMax'), 0x00, 1], [...name('subtract'), 0x00, 2], [...name('windowMax32'), 0x00, 3], [...name('blockMax4'), 0x00, 4]])),
    ...section(10, vec([[...uleb(layer.length), ...layer], [...uleb(windowMax.length), ...windowMax], [...uleb(subtract.length), ...subtract], [...uleb(windowMax32.length), ...windowMax32], [...uleb(blockMax4.length), ...blockMax4]])),
  ]);
}

/**
 * `windowMax(src, dst, first, rows, vecs, stride, r, step, invert)` (byte addresses and counts):
 * for `rows` rows `stride` bytes apart from byte `first`, and `vecs` runs of 16 bytes each from a
 * row's start, the byte-wise maximum of the `2 r + 1` runs `step` bytes apart centred on it in
 * `src` (r >= 1), stored at the same place of `dst` (inverted, 255 minus it, when `invert` is -1;
 * 0: as is). `windowMax32` is the same with signed 32-bit lanes (`maxOp` i32x4.max_s).
 */
function windowMaxCode(maxOp: number[]): number[] {
  // Locals: params src 0, dst 1, first 2, rows 3, vecs 4, stride 5, r 6, step 7, invert 8;
  // p 9, end 10, q 11, qEnd 12, span 13; acc 14, mask 15.
  const { body, op } = emitter();
  op(LOCAL_GET, 8, I8X16_SPLAT, LOCAL_SET, 15);
  op(LOCAL_GET, 6, LOCAL_GET, 7, I32_MUL, LOCAL_SET, 13);
  op(LOOP, EMPTY);
  op(LOCAL_GET, 2, LOCAL_SET, 9);
  op(LOCAL_GET, 2, LOCAL_GET, 4, I32_CONST, ...sleb(4), I32_SHL, I32_ADD, LOCAL_SET, 10);
  op(LOOP, EMPTY);
  op(LOCAL_GET, 0, LOCAL_GET, 9, I32_ADD, LOCAL_GET, 13, I32_SUB, LOCAL_TEE, 11, V128_LOAD(0, 0), LOCAL_SET, 14);
  op(LOCAL_GET, 0, LOCAL_GET, 9, I32_ADD, LOCAL_GET, 13, I32_ADD, LOCAL_SET, 12);
  op(LOOP, EMPTY);
  op(LOCAL_GET, 14, LOCAL_GET, 11, LOCAL_GET, 7, I32_ADD, LOCAL_TEE, 11, V128_LOAD(0, 0), maxOp, LOCAL_SET, 14);
  op(LOCAL_GET, 11, LOCAL_GET, 12, I32_NE, BR_IF, 0);
  op(END);
  op(LOCAL_GET, 1, LOCAL_GET, 9, I32_ADD, LOCAL_GET, 14, LOCAL_GET, 15, V128_XOR, V128_STORE(0, 0));
  op(LOCAL_GET, 9, I32_CONST, ...sleb(16), I32_ADD, LOCAL_TEE, 9, LOCAL_GET, 10, I32_NE, BR_IF, 0);
  op(END);
  op(LOCAL_GET, 2, LOCAL_GET, 5, I32_ADD, LOCAL_SET, 2);
  op(countDown(3));
  op(END);
  op(END);
  return [...vec([[...uleb(5), I32], [...uleb(2), V128]]), ...body];
}

/**
 * `blockMax4(src, dst, groups, vecs, stride)` (byte addresses and counts): for `groups` groups of
 * four rows `stride` bytes apart from `src`, and each of a row's `vecs` runs of four int32, the
 * signed maximum of the 16 values and 0, stored as one int32 at `dst` onwards (block order).
 */
function blockMax4Code(): number[] {
  // Locals: params src 0, dst 1, groups 2, vecs 3, stride 4; p 5, end 6; acc 7, zero 8 (never set).
  const { body, op } = emitter();
  const high = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
  const odd = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];
  op(LOOP, EMPTY);
  op(LOCAL_GET, 0, LOCAL_SET, 5);
  op(LOCAL_GET, 0, LOCAL_GET, 3, I32_CONST, ...sleb(4), I32_SHL, I32_ADD, LOCAL_SET, 6);
  op(LOOP, EMPTY);
  op(LOCAL_GET, 5, V128_LOAD(0, 0));
  op(LOCAL_GET, 5, LOCAL_GET, 4, I32_ADD, V128_LOAD(0, 0), I32X4_MAX_S);
  op(LOCAL_GET, 5, LOCAL_GET, 4, I32_CONST, ...sleb(1), I32_SHL, I32_ADD, V128_LOAD(0, 0), I32X4_MAX_S);
  op(LOCAL_GET, 5, LOCAL_GET, 4, I32_CONST, ...sleb(3), I32_MUL, I32_ADD, V128_LOAD(0, 0), I32X4_MAX_S);
  op(LOCAL_GET, 8, I32X4_MAX_S, LOCAL_TEE, 7);
  op(LOCAL_GET, 7, LOCAL_GET, 7, I8X16_SHUFFLE(high), I32X4_MAX_S, LOCAL_TEE, 7);
  op(LOCAL_GET, 7, LOCAL_GET, 7, I8X16_SHUFFLE(odd), I32X4_MAX_S, LOCAL_SET, 7);
  op(LOCAL_GET, 1, LOCAL_GET, 7, I32X4_EXTRACT_LANE0, I32_STORE);
  op(addTo(1, 4));
  op(LOCAL_GET, 5, I32_CONST, ...sleb(16), I32_ADD, LOCAL_TEE, 5, LOCAL_GET, 6, I32_NE, BR_IF, 0);
  op(END);
  op(LOCAL_GET, 0, LOCAL_GET, 4, I32_CONST, ...sleb(2), I32_SHL, I32_ADD, LOCAL_SET, 0);
  op(countDown(2));
  op(END);
  op(END);
  return [...vec([[...uleb(2), I32], [...uleb(2), V128]]), ...body];
}

/** `subtract(a, c, vecs)`: byte-wise `c -= a` (wrapping) over `vecs` runs of 16 bytes. */
function subtractCode(): number[] {
  const { body, op } = emitter();
  op(LOOP, EMPTY);
  op(LOCAL_GET, 1, LOCAL_GET, 1, V128_LOAD(0, 0), LOCAL_GET, 0, V128_LOAD(0, 0), I8X16_SUB, V128_STORE(0, 0));
  op(addTo(0, 16));
  op(addTo(1, 16));
  op(countDown(2));
  op(END);
  op(END);
  return [...vec([]), ...body];
}

/** The body's instruction stream and an appender. */
function emitter(): { body: number[]; op: (...b: (number | number[])[]) => void } {
  const body: number[] = [];
  return {
    body,
    op: (...b) => {
      for (const x of b) if (typeof x === 'number') body.push(x);
      else body.push(...x);
    },
  };
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled kernel; null where it cannot be compiled (no WebAssembly or SIMD, or a CSP). */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(kernelBytes()) : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

/** One net's first layer in WebAssembly memory: the weights copied once, the glyphs per call. */
export interface SimdLayer {
  /** Four glyphs' inputs, interleaved (input i of glyph g at `4 i + g`): fill, then call {@link run}. */
  readonly x: Float64Array;
  /** Pre-activation sums after {@link run}: unit `4 q + u` of glyph g at `16 q + 4 g + u`. */
  readonly out: Float64Array;
  readonly run: () => void;
}

/**
 * The first layer (`hidden` x `inputs`, row-major weights `w`, biases `b`) as a SIMD kernel, or
 * null when `hidden` is not a multiple of four or the kernel cannot be compiled here.
 */
export function simdLayer(w: ArrayLike<number>, b: ArrayLike<number>, hidden: number, inputs: number): SimdLayer | null {
  if (hidden % 4 !== 0 || hidden === 0 || inputs === 0) return null;
  const mod = kernelModule();
  if (!mod) return null;
  const bAt = 0;
  const wAt = align16(bAt + 8 * hidden);
  const xAt = align16(wAt + 8 * hidden * inputs);
  const outAt = align16(xAt + 32 * inputs);
  const bytes = outAt + 32 * hidden;
  try {
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    const instance = new WebAssembly.Instance(mod, { e: { m: memory } });
    const layer = instance.exports.layer as (w: number, b: number, x: number, out: number, quads: number, inputs: number) => void;
    const buf = memory.buffer;
    new Float64Array(buf, bAt, hidden).set(Array.from({ length: hidden }, (_, j) => b[j] as number));
    const wq = new Float64Array(buf, wAt, hidden * inputs);
    for (let q = 0; q < hidden / 4; q++) {
      for (let i = 0; i < inputs; i++) for (let u = 0; u < 4; u++) wq[(q * inputs + i) * 4 + u] = w[(4 * q + u) * inputs + i] as number;
    }
    const quads = hidden / 4;
    return {
      x: new Float64Array(buf, xAt, 4 * inputs),
      out: new Float64Array(buf, outAt, 4 * hidden),
      run: () => layer(wAt, bAt, xAt, outAt, quads, inputs),
    };
  } catch {
    return null;
  }
}

function align16(n: number): number {
  return (n + 15) & ~15;
}

/** The image kernels' instance and memory (one frame at a time: the engine is synchronous). */
interface ImageKernels {
  readonly memory: WebAssembly.Memory;
  readonly windowMax: (src: number, dst: number, first: number, rows: number, vecs: number, stride: number, r: number, step: number, invert: number) => void;
  readonly subtract: (a: number, c: number, vecs: number) => void;
  readonly windowMax32: ImageKernels['windowMax'];
  readonly blockMax4: (src: number, dst: number, groups: number, vecs: number, stride: number) => void;
}

let imageKernels: ImageKernels | null | undefined;

function imageKernelsOf(): ImageKernels | null {
  if (imageKernels !== undefined) return imageKernels;
  imageKernels = null;
  const mod = kernelModule();
  if (!mod) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { exports } = new WebAssembly.Instance(mod, { e: { m: memory } });
    imageKernels = {
      memory,
      windowMax: exports.windowMax as ImageKernels['windowMax'],
      subtract: exports.subtract as ImageKernels['subtract'],
      windowMax32: exports.windowMax32 as ImageKernels['windowMax'],
      blockMax4: exports.blockMax4 as ImageKernels['blockMax4'],
    };
  } catch {
    imageKernels = null;
  }
  return imageKernels;
}

/**
 * Morphological black-hat of `w` x `h` bytes `data` (row-major) with a square of `2^m + 1` pixels
 * (m = 1, 2 or 3) into `out`: image.ts `blackHat8`'s bytes, by SIMD kernels. Each pass is the
 * byte-wise maximum over the whole window with zero padding, which equals the window clamped to the
 * image (pixels are >= 0 and the clamped window holds every pixel the padded one does); the
 * erosion is 255 minus the dilation of the inverse. False (nothing written) where the kernels
 * cannot be compiled.
 */
export function simdBlackHat(data: Uint8Array, w: number, h: number, m: number, out: Uint8Array): boolean {
  const k = imageKernelsOf();
  if (!k || w <= 0 || h <= 0) return false;
  const r = 1 << (m - 1);
  // Rows: 16 zero bytes, the pixels and zeros up to whole runs of 16, 32 zero bytes; 4 zero rows above and below.
  const vecs = (w + 15) >> 4;
  const stride = 16 + 16 * vecs + 32;
  const plane = stride * (h + 8);
  const first = 4 * stride + 16;
  const need = 3 * plane;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Uint8Array(k.memory.buffer, 0, need);
  const a = 0;
  const b = plane;
  const c = 2 * plane;
  mem.fill(0);
  for (let y = 0; y < h; y++) mem.set(data.subarray(y * w, y * w + w), a + first + y * stride);
  // Dilation along x then y (inverted), and again on the inverse: the closing.
  k.windowMax(a, b, first, h, vecs, stride, r, 1, 0);
  k.windowMax(b, c, first, h, vecs, stride, r, stride, -1);
  // The inverse's padding must be zero for the next pass along x: the bytes past each row's end.
  for (let y = 0; y < h; y++) mem.fill(0, c + first + y * stride + w, c + first + y * stride + w + 32);
  k.windowMax(c, b, first, h, vecs, stride, r, 1, 0);
  k.windowMax(b, c, first, h, vecs, stride, r, stride, -1);
  // Closing minus image (never negative).
  k.subtract(a + first, c + first, (h * stride) >> 4);
  for (let y = 0; y < h; y++) out.set(mem.subarray(c + first + y * stride, c + first + y * stride + w), y * w);
  return true;
}


/**
 * Separable max filter (odd `kx` x `ky` window, clamped at the edges) of `w` x `h` floats `data`
 * into `out`: image.ts `rectFilter(.., true)`'s values, by the SIMD window maxima on the floats' bit
 * patterns (i32x4.max_s). Only for values that are all +0 or positive and not NaN (the ink map's
 * block maxima): their patterns, read as int32, order like the values, and every window holds its
 * own pixel, so zero padding (+0) equals the clamped window. False (nothing written) where a value
 * is negative, -0 or NaN, or the kernels cannot be compiled.
 */
export function simdMaxFilter(data: Float32Array, w: number, h: number, kx: number, ky: number, out: Float32Array): boolean {
  if (w <= 0 || h <= 0 || data.length < w * h) return false;
  const bits = new Int32Array(data.buffer, data.byteOffset, w * h);
  for (let i = 0; i < w * h; i++) {
    const b = bits[i] as number;
    if (b < 0 || b > 0x7f800000) return false;
  }
  const k = imageKernelsOf();
  if (!k) return false;
  const rx = kx >> 1;
  const ry = ky >> 1;
  // Rows: rx floats of zeros (rounded up to 16 bytes), the floats and zeros up to whole runs of 16
  // bytes, as many zeros again; ry zero rows above and below. Strides and addresses in bytes.
  const pad = (4 * rx + 15) & ~15;
  const vecs = (4 * w + 15) >> 4;
  const stride = pad + 16 * vecs + pad;
  const plane = stride * (h + 2 * ry);
  const first = ry * stride + pad;
  const need = 2 * plane;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Float32Array(k.memory.buffer, 0, need >> 2);
  mem.fill(0);
  const a = 0;
  const b = plane;
  for (let y = 0; y < h; y++) mem.set(data.subarray(y * w, y * w + w), (a + first + y * stride) >> 2);
  // Along x (a to b), then along y (b to a; a's padding is still zero).
  let at = a;
  if (rx > 0) {
    k.windowMax32(a, b, first, h, vecs, stride, rx, 4, 0);
    at = b;
  }
  if (ry > 0) {
    k.windowMax32(at, at === a ? b : a, first, h, vecs, stride, ry, stride, 0);
    at = at === a ? b : a;
  }
  for (let y = 0; y < h; y++) out.set(mem.subarray((at + first + y * stride) >> 2, (at + first + y * stride + 4 * w) >> 2), y * w);
  return true;
}

/**
 * Maxima of `w` x `h` floats' bit patterns (as int32) and 0 over 4 x 4 blocks into `outBits`
 * (`ceil(w / 4)` x `ceil(h / 4)`): image.ts `blockMax`'s int32 loop for blocks of four, the
 * clipped last blocks zero-padded (0 is where its maxima start). False (nothing written) where the
 * kernels cannot be compiled.
 */
export function simdBlockMax4(bits: Int32Array, w: number, h: number, outBits: Int32Array): boolean {
  if (w <= 0 || h <= 0 || bits.length < w * h) return false;
  const k = imageKernelsOf();
  if (!k) return false;
  const vecs = (w + 3) >> 2;
  const groups = (h + 3) >> 2;
  const stride = 16 * vecs;
  const src = 0;
  const dst = 4 * groups * stride;
  const need = dst + 4 * vecs * groups;
  const have = k.memory.buffer.byteLength;
  if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  const mem = new Int32Array(k.memory.buffer, 0, need >> 2);
  if (w === 4 * vecs) mem.set(bits.subarray(0, w * h));
  else {
    const sw = 4 * vecs;
    for (let y = 0; y < h; y++) {
      mem.set(bits.subarray(y * w, y * w + w), y * sw);
      mem.fill(0, y * sw + w, y * sw + sw);
    }
  }
  mem.fill(0, h * 4 * vecs, 4 * groups * 4 * vecs);
  k.blockMax4(src, dst, groups, vecs, stride);
  outBits.set(mem.subarray(dst >> 2, (dst >> 2) + vecs * groups));
  return true;
}

// ---------------------------------------------------------------------------------------------
// Frame kernels (session 19): the engine's grey frame lives in a WebAssembly memory of its own
// (`frameBuffer`), where rectify.ts's rows are sampled by SIMD (`simdRect`). A module and memory
// apart from the kernels above: their memory grows per call, which would detach the frame's view.
// ---------------------------------------------------------------------------------------------

const f64Const = (x: number): number[] => [F64_CONST, ...new Uint8Array(new Float64Array([x]).buffer)];

/**
 * Rectification row kernels, two output pixels per pass (f64x2 lanes holding pixels x and x + 1),
 * each pixel's arithmetic that of rectify.ts' unclamped JavaScript loops, in the same order:
 * - `persp(src, sw, limit, dst, pairs, nx, ny, dd, ax, ay, ad, invF)`: the perspective row; the
 *   running numerators and denominator advance by adding `ax` (`ay`, `ad`) twice per pass, so each
 *   lane holds the JavaScript's running sums exactly;
 * - `rot(src, sw, limit, dst, pairs, axp, ayp, vs, vc, f)` (and `rot1`, no division: x / 1 is x):
 *   the rotated row from the column terms at byte addresses `axp`, `ayp` (doubles).
 * `src`: the source's first pixel (row length `sw`); samples read a pixel and its right and lower
 * neighbours, from the index `min_u(y0 sw + x0, limit)` (so a pass past the row's end, a sample
 * anywhere, reads inside the source); `dst`: where the row's floats go (`2 pairs` of them).
 * The `...Clamped` kernels clamp the samples as sampleAt does (`limit`: the source's last row).
 * And image.ts' grey frame and first level (see `toGrayLevels`):
 * - `luma(src, dst, n)`: the BT.601 luma bytes of `n >= 16` RGBA pixels (image.ts `lumaOfWord`:
 *   i32x4.mul wraps as Math.imul; the sum, wrapped, shifted right by 24 is the JavaScript's `>>> 24`);
 *   16 pixels per pass, the last pass ending at the last pixel (overlapping, the same bytes again);
 * - `blocks3(g, W, w, fine, acc, cs)`: for the three grey rows of `W` bytes from `g`, the sums of
 *   `w` 3x3 blocks (u32 at `acc`) and their rounded means `((s + 4) 7282) >>> 16` (bytes at
 *   `fine`), by column sums of 16 columns at once (u16 at `cs`);
 * - `means2(src, W, dst, w, h)`: image.ts `downscale(.., 2)`: the rounded means `(s + 2) >> 2` of
 *   the `w` x `h` 2x2 blocks of the rows of `W` bytes from `src`, into rows of `w` bytes from `dst`
 *   (`w >= 8`); 8 blocks per pass, the last pass ending at the row's last block.
 */
function frameKernelBytes(): Uint8Array<ArrayBuffer> {
  const kinds = ['persp', 'rotF', 'rot1'] as const;
  const bodies = [false, true].flatMap((clamp) => kinds.map((kind) => rectRowCode(kind, clamp)));
  const p = (n: number, t: number): number[] => Array.from({ length: n }, () => t);
  const type = (params: number[]): number[] => [0x60, ...vec(params.map((t) => [t])), ...vec([])];
  bodies.push(lumaCode(), blocks3Code(), means2Code());
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([type([...p(5, I32), ...p(7, F64)]), type([...p(7, I32), ...p(3, F64)]), type(p(3, I32)), type(p(6, I32)), type(p(5, I32))])),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0], [1], [1], [0], [1], [1], [2], [3], [4]])),
    ...section(7, vec(['persp', 'rot', 'rot1', 'perspClamped', 'rotClamped', 'rot1Clamped', 'luma', 'blocks3', 'means2'].map((n, i) => [...name(n), 0x00, i]))),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ]);
}

/** One row kernel's body (see {@link frameKernelBytes}). */
function rectRowCode(kind: 'persp' | 'rotF' | 'rot1', clamp: boolean): number[] {
  const { body, op } = emitter();
  const isPersp = kind === 'persp';
  // Params: src 0, sw 1, limit 2, dst 3, pairs 4; persp: nx 5, ny 6, dd 7, ax 8, ay 9, ad 10,
  // invF 11; rot: axp 5, ayp 6, vs 7, vc 8, f 9.
  const nParams = isPersp ? 12 : 10;
  let next = nParams;
  const local = (): number => next++;
  const p0 = local();
  const p1 = local();
  const firstV128 = next;
  const [NX, NY, DD, AXV, AYV, ADV, INVF, HALF, SWV, LIM, M255, FX, FY, XI, YI, TX, TY, IDX, V, ZERO, LO, D, TOP, BOT, VS, VC, FV, ONE] = Array.from({ length: 28 }, local) as number[] as [number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const [SW1, SH1, SW1F, SH1F, ONES, IB, IC, W2] = Array.from({ length: 8 }, local) as number[] as [number, number, number, number, number, number, number, number];
  op(f64Const(0.5), F64X2_SPLAT, LOCAL_SET, HALF);
  op(LOCAL_GET, 1, I32X4_SPLAT, LOCAL_SET, SWV);
  op(LOCAL_GET, 2, I32X4_SPLAT, LOCAL_SET, LIM);
  if (clamp) {
    // `limit` is the last row's index here: the bounds as integers (x0 < sw1, y0 < sh1) and doubles.
    op(LOCAL_GET, 1, I32_CONST, ...sleb(1), I32_SUB, I32X4_SPLAT, LOCAL_TEE, SW1, F64X2_CONVERT_LOW_I32X4_S, LOCAL_SET, SW1F);
    op(LOCAL_GET, 2, I32X4_SPLAT, LOCAL_TEE, SH1, F64X2_CONVERT_LOW_I32X4_S, LOCAL_SET, SH1F);
    op(I32_CONST, ...sleb(1), I32X4_SPLAT, LOCAL_SET, ONES);
  }
  op(I32_CONST, ...sleb(255), I32X4_SPLAT, LOCAL_SET, M255);
  if (isPersp) {
    // Lanes: the row's first pixel and the next (its sums plus one step).
    for (const [acc, start, step, stepV] of [[NX, 5, 8, AXV], [NY, 6, 9, AYV], [DD, 7, 10, ADV]] as const) {
      op(LOCAL_GET, step, F64X2_SPLAT, LOCAL_SET, stepV);
      op(LOCAL_GET, start, F64X2_SPLAT, LOCAL_GET, start, LOCAL_GET, step, F64_ADD, F64X2_REPLACE_LANE(1), LOCAL_SET, acc);
    }
    op(LOCAL_GET, 11, F64X2_SPLAT, LOCAL_SET, INVF);
  } else {
    op(LOCAL_GET, 7, F64X2_SPLAT, LOCAL_SET, VS);
    op(LOCAL_GET, 8, F64X2_SPLAT, LOCAL_SET, VC);
    op(LOCAL_GET, 9, F64X2_SPLAT, LOCAL_SET, FV);
    op(f64Const(1), F64X2_SPLAT, LOCAL_SET, ONE);
  }
  op(LOOP, EMPTY);
  if (isPersp) {
    // id = invF / dd; fx = nx id - 0.5; fy = ny id - 0.5; then nx += ax (twice), ny, dd alike.
    op(LOCAL_GET, INVF, LOCAL_GET, DD, F64X2_DIV, LOCAL_SET, TX);
    op(LOCAL_GET, NX, LOCAL_GET, TX, F64X2_MUL, LOCAL_GET, HALF, F64X2_SUB, LOCAL_SET, FX);
    op(LOCAL_GET, NY, LOCAL_GET, TX, F64X2_MUL, LOCAL_GET, HALF, F64X2_SUB, LOCAL_SET, FY);
    for (const [acc, stepV] of [[NX, AXV], [NY, AYV], [DD, ADV]] as const) op(LOCAL_GET, acc, LOCAL_GET, stepV, F64X2_ADD, LOCAL_GET, stepV, F64X2_ADD, LOCAL_SET, acc);
  } else {
    // fx = (ax - vs) / f - 0.5; fy = (ay + vc) / f - 0.5 (rot1: no division).
    const div = kind === 'rotF' ? [LOCAL_GET, FV, ...F64X2_DIV] : [];
    op(LOCAL_GET, 5, V128_LOAD(0, 0), LOCAL_GET, VS, F64X2_SUB, div, LOCAL_GET, HALF, F64X2_SUB, LOCAL_SET, FX);
    op(LOCAL_GET, 6, V128_LOAD(0, 0), LOCAL_GET, VC, F64X2_ADD, div, LOCAL_GET, HALF, F64X2_SUB, LOCAL_SET, FY);
    op(addTo(5, 16));
    op(addTo(6, 16));
  }
  if (clamp) {
    // rectify.ts' sampleAt: fx < 0 gives 0, fx > sw1 gives sw1 (NaN stays), fy alike
    // (pmax(a, b) is a < b ? b : a, pmin(a, b) is b < a ? b : a).
    op(LOCAL_GET, FX, LOCAL_GET, ZERO, F64X2_PMAX, LOCAL_GET, SW1F, F64X2_PMIN, LOCAL_SET, FX);
    op(LOCAL_GET, FY, LOCAL_GET, ZERO, F64X2_PMAX, LOCAL_GET, SH1F, F64X2_PMIN, LOCAL_SET, FY);
  }
  // x0 = fx | 0, y0 = fy | 0 (lanes 0 and 1); tx = fx - x0, ty = fy - y0.
  op(LOCAL_GET, FX, I32X4_TRUNC_SAT_F64X2_S_ZERO, LOCAL_SET, XI);
  op(LOCAL_GET, FY, I32X4_TRUNC_SAT_F64X2_S_ZERO, LOCAL_SET, YI);
  op(LOCAL_GET, FX, LOCAL_GET, XI, F64X2_CONVERT_LOW_I32X4_S, F64X2_SUB, LOCAL_SET, TX);
  op(LOCAL_GET, FY, LOCAL_GET, YI, F64X2_CONVERT_LOW_I32X4_S, F64X2_SUB, LOCAL_SET, TY);
  if (!clamp) {
    op(LOCAL_GET, YI, LOCAL_GET, SWV, I32X4_MUL, LOCAL_GET, XI, I32X4_ADD, LOCAL_GET, LIM, I32X4_MIN_U, LOCAL_SET, IDX);
    op(LOCAL_GET, 0, LOCAL_GET, IDX, I32X4_EXTRACT_LANE(0), I32_ADD, LOCAL_SET, p0);
    op(LOCAL_GET, 0, LOCAL_GET, IDX, I32X4_EXTRACT_LANE(1), I32_ADD, LOCAL_SET, p1);
    // Each pixel pair (little-endian 16 bits) into the low half of an i32 lane: ab of x, ab of x + 1, ce of x, ce of x + 1.
    op(LOCAL_GET, p0, LOCAL_GET, ZERO, V128_LOAD16_LANE(0));
    op(LOCAL_SET, V, LOCAL_GET, p1, LOCAL_GET, V, V128_LOAD16_LANE(2));
    op(LOCAL_SET, V, LOCAL_GET, p0, LOCAL_GET, 1, I32_ADD, LOCAL_GET, V, V128_LOAD16_LANE(4));
    op(LOCAL_SET, V, LOCAL_GET, p1, LOCAL_GET, 1, I32_ADD, LOCAL_GET, V, V128_LOAD16_LANE(6), LOCAL_SET, V);
    // lo = a, a', c, c'; d = b - a, b' - a', e - c, e' - c'.
    op(LOCAL_GET, V, LOCAL_GET, M255, V128_AND, LOCAL_SET, LO);
    op(LOCAL_GET, V, I32_CONST, 8, I32X4_SHR_U, LOCAL_GET, LO, I32X4_SUB, LOCAL_SET, D);
  } else {
    // i0 = y0 sw + x0; the right neighbour only when x0 < sw1, the lower only when y0 < sh1.
    op(LOCAL_GET, YI, LOCAL_GET, SWV, I32X4_MUL, LOCAL_GET, XI, I32X4_ADD, LOCAL_TEE, IDX);
    op(LOCAL_GET, XI, LOCAL_GET, SW1, I32X4_LT_S, LOCAL_GET, ONES, V128_AND, LOCAL_TEE, W2, I32X4_ADD, LOCAL_SET, IB);
    op(LOCAL_GET, IDX, LOCAL_GET, YI, LOCAL_GET, SH1, I32X4_LT_S, LOCAL_GET, SWV, V128_AND, I32X4_ADD, LOCAL_TEE, IC, LOCAL_GET, W2, I32X4_ADD, LOCAL_SET, W2);
    // lo = a, a', c, c' and hi = b, b', e, e' (one byte per i32 lane); d = hi - lo.
    const gather = (pairs: [number, number][], into: number): void => {
      op(LOCAL_GET, ZERO, LOCAL_SET, into);
      pairs.forEach(([vecLocal, lane], i) => op(LOCAL_GET, 0, LOCAL_GET, vecLocal, I32X4_EXTRACT_LANE(lane), I32_ADD, LOCAL_GET, into, V128_LOAD8_LANE(4 * i), LOCAL_SET, into));
    };
    gather([[IDX, 0], [IDX, 1], [IC, 0], [IC, 1]], LO);
    gather([[IB, 0], [IB, 1], [W2, 0], [W2, 1]], V);
    op(LOCAL_GET, V, LOCAL_GET, LO, I32X4_SUB, LOCAL_SET, D);
  }
  // top = a + d tx; bottom = c + d' tx.
  op(LOCAL_GET, LO, F64X2_CONVERT_LOW_I32X4_S, LOCAL_GET, D, F64X2_CONVERT_LOW_I32X4_S, LOCAL_GET, TX, F64X2_MUL, F64X2_ADD, LOCAL_SET, TOP);
  op(LOCAL_GET, LO, LOCAL_GET, LO, HIGH_HALF, F64X2_CONVERT_LOW_I32X4_S, LOCAL_GET, D, LOCAL_GET, D, HIGH_HALF, F64X2_CONVERT_LOW_I32X4_S, LOCAL_GET, TX, F64X2_MUL, F64X2_ADD, LOCAL_SET, BOT);
  op(LOCAL_GET, 3);
  if (isPersp) op(LOCAL_GET, TOP, LOCAL_GET, BOT, LOCAL_GET, TOP, F64X2_SUB, LOCAL_GET, TY, F64X2_MUL, F64X2_ADD);
  else op(LOCAL_GET, TOP, LOCAL_GET, ONE, LOCAL_GET, TY, F64X2_SUB, F64X2_MUL, LOCAL_GET, BOT, LOCAL_GET, TY, F64X2_MUL, F64X2_ADD);
  op(F32X4_DEMOTE_F64X2_ZERO, V128_STORE64_LANE0);
  op(addTo(3, 8));
  op(countDown(4));
  op(END);
  op(END);
  return [...vec([[...uleb(2), I32], [...uleb(next - firstV128), V128]]), ...body];
}

/** The frame memory and its row kernels (see {@link frameBuffer}). */
interface FrameKernels {
  readonly memory: WebAssembly.Memory;
  readonly persp: (src: number, sw: number, limit: number, dst: number, pairs: number, nx: number, ny: number, dd: number, ax: number, ay: number, ad: number, invF: number) => void;
  readonly rot: (src: number, sw: number, limit: number, dst: number, pairs: number, axp: number, ayp: number, vs: number, vc: number, f: number) => void;
  readonly rot1: FrameKernels['rot'];
  /** The same with rectify.ts' sampleAt clamps (`limit`: the source's last row). */
  readonly perspClamped: FrameKernels['persp'];
  readonly rotClamped: FrameKernels['rot'];
  readonly rot1Clamped: FrameKernels['rot'];
  readonly luma: (src: number, dst: number, n: number) => void;
  readonly blocks3: (g: number, W: number, w: number, fine: number, acc: number, cs: number) => void;
  readonly means2: (src: number, W: number, dst: number, w: number, h: number) => void;
  /** Bytes of frame, floats of window and doubles per column array the memory holds now. */
  frameBytes: number;
  windowFloats: number;
  columns: number;
  /** Views of the current buffer (remade after it grows). */
  views: FrameViews | null;
}

interface FrameViews {
  readonly frame: Uint8Array;
  /** The frame's 2x2 block level (see {@link simdHalf}). */
  readonly half: Uint8Array;
  readonly window: Float32Array;
  readonly ax: Float64Array;
  readonly ay: Float64Array;
}

let frameKernels: FrameKernels | null | undefined;

/**
 * An instance of a module of the session-19 kernels (`bytes` assembles it) with a memory of its
 * own; null where it fails, and not tried where the first module did not compile (a CSP without
 * 'wasm-unsafe-eval' then reports one refused compile per worker, not one per module).
 */
function instanceWithMemory(bytes: () => Uint8Array<ArrayBuffer>): { memory: WebAssembly.Memory; exports: WebAssembly.Exports } | null {
  if (!kernelModule()) return null;
  try {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes()), { e: { m: memory } });
    return { memory, exports };
  } catch {
    return null;
  }
}

function frameKernelsOf(): FrameKernels | null {
  if (frameKernels !== undefined) return frameKernels;
  const inst = instanceWithMemory(frameKernelBytes);
  if (!inst) return (frameKernels = null);
  const { memory, exports } = inst;
  frameKernels = {
    memory,
    persp: exports.persp as FrameKernels['persp'],
    rot: exports.rot as FrameKernels['rot'],
    rot1: exports.rot1 as FrameKernels['rot'],
    perspClamped: exports.perspClamped as FrameKernels['persp'],
    rotClamped: exports.rotClamped as FrameKernels['rot'],
    rot1Clamped: exports.rot1Clamped as FrameKernels['rot'],
    luma: exports.luma as FrameKernels['luma'],
    blocks3: exports.blocks3 as FrameKernels['blocks3'],
    means2: exports.means2 as FrameKernels['means2'],
    frameBytes: 0,
    windowFloats: 0,
    columns: 0,
    views: null,
  };
  return frameKernels;
}

/**
 * A buffer of `bytes` bytes for the engine's grey frame, in the frame kernels' WebAssembly memory
 * (so {@link simdRect} samples it in place), with room for rectified windows of up to `window`
 * pixels; null where the kernels cannot be compiled. The memory grows only here: a call that
 * grows it detaches the buffer an earlier call returned (call once per frame, before reading it).
 */
export function frameBuffer(bytes: number, window: number): Uint8Array | null {
  const k = frameKernelsOf();
  if (!k || !(bytes >= 0) || !(window >= 0)) return null;
  // A pass writes up to one float past a window's end and reads one double past a column array's.
  const floats = window + 4;
  const columns = window / 8 + 4;
  if (k.views && bytes <= k.frameBytes && floats <= k.windowFloats && columns <= k.columns) return k.views.frame.subarray(0, bytes);
  k.frameBytes = Math.max(bytes, k.frameBytes);
  k.windowFloats = Math.max(floats, k.windowFloats);
  k.columns = Math.ceil(Math.max(columns, k.columns));
  const { halfAt, windowAt, axAt, ayAt, end } = frameLayout(k);
  const have = k.memory.buffer.byteLength;
  try {
    if (end > have) k.memory.grow(Math.ceil((end - have) / 65536));
  } catch {
    frameKernels = null;
    return null;
  }
  const buf = k.memory.buffer;
  k.views = {
    frame: new Uint8Array(buf, 0, k.frameBytes),
    half: new Uint8Array(buf, halfAt, k.frameBytes >> 2),
    window: new Float32Array(buf, windowAt, k.windowFloats),
    ax: new Float64Array(buf, axAt, k.columns),
    ay: new Float64Array(buf, ayAt, k.columns),
  };
  return k.views.frame.subarray(0, bytes);
}

function frameLayout(k: FrameKernels): { halfAt: number; windowAt: number; axAt: number; ayAt: number; end: number } {
  const halfAt = align16(k.frameBytes);
  const windowAt = align16(halfAt + (k.frameBytes >> 2));
  const axAt = align16(windowAt + 4 * k.windowFloats);
  const ayAt = align16(axAt + 8 * k.columns);
  return { halfAt, windowAt, axAt, ayAt, end: ayAt + 8 * k.columns };
}

/** Rectification rows sampled by SIMD from a source in the frame memory (see {@link simdRect}). */
export interface SimdRect {
  /** The output window (at least `W * H + 1` floats): the kernels write rows here, callers the rest. */
  readonly window: Float32Array;
  /** The rotated path's column terms (`cx + u c`, `cy + u s`; at least `W + 1` each). */
  readonly ax: Float64Array;
  readonly ay: Float64Array;
  /**
   * The perspective row of `n` pixels from float `at` of the window: rectify.ts' loop from running
   * sums `nx`, `ny`, `dd` with steps `ax`, `ay`, `ad`, its samples clamped to the source as
   * sampleAt's (`clamped`), or all at least a pixel inside it. Writes one float past the row when
   * `n` is odd.
   */
  persp(at: number, n: number, nx: number, ny: number, dd: number, ax: number, ay: number, ad: number, invF: number, clamped: boolean): void;
  /** The rotated row of `n` pixels from float `at`, offsets `vs`, `vc`, source factor `f` (as {@link persp}). */
  rot(at: number, n: number, vs: number, vc: number, f: number, clamped: boolean): void;
}

/**
 * The row kernels for a `width` x `height` source whose pixels `data` lies in the frame memory
 * (see {@link frameBuffer}), with windows of `pixels` pixels `columns` wide; null when it does not,
 * the window does not fit, the source is under 3 x 3 pixels (no sample is a pixel inside it), or
 * the kernels cannot be compiled. Valid until the next {@link frameBuffer} call.
 */
export function simdRect(data: Uint8Array, width: number, height: number, pixels: number, columns: number): SimdRect | null {
  const k = frameKernels;
  const v = k?.views;
  if (!k || !v || data.buffer !== k.memory.buffer || width < 3 || height < 3 || data.length < width * height) return null;
  if (pixels + 1 > v.window.length || columns + 1 > v.ax.length) return null;
  const src = data.byteOffset;
  const windowAt = v.window.byteOffset;
  const axAt = v.ax.byteOffset;
  const ayAt = v.ay.byteOffset;
  // The largest index a sample a pixel inside the source reads from (its pair's lower row included).
  const limit = width * height - width - 2;
  return {
    window: v.window,
    ax: v.ax,
    ay: v.ay,
    persp: (at, n, nx, ny, dd, ax, ay, ad, invF, clamped) =>
      (clamped ? k.perspClamped : k.persp)(src, width, clamped ? height - 1 : limit, windowAt + 4 * at, (n + 1) >> 1, nx, ny, dd, ax, ay, ad, invF),
    rot: (at, n, vs, vc, f, clamped) =>
      (clamped ? (f === 1 ? k.rot1Clamped : k.rotClamped) : f === 1 ? k.rot1 : k.rot)(src, width, clamped ? height - 1 : limit, windowAt + 4 * at, (n + 1) >> 1, axAt, ayAt, vs, vc, f),
  };
}

/** `luma(src, dst, n)` (see {@link frameKernelBytes}). */
function lumaCode(): number[] {
  // Params: src 0, dst 1, n 2; last 3 (the last pass's src), lastDst 4; M1 5, K1 6, M2 7, K2 8.
  const { body, op } = emitter();
  op(LOCAL_GET, 0, LOCAL_GET, 2, I32_CONST, ...sleb(16), I32_SUB, I32_CONST, ...sleb(2), I32_SHL, I32_ADD, LOCAL_SET, 3);
  op(LOCAL_GET, 1, LOCAL_GET, 2, I32_ADD, I32_CONST, ...sleb(16), I32_SUB, LOCAL_SET, 4);
  for (const [local, c] of [[5, 0xff00ff], [6, 0x4d001d], [7, 0xff00], [8, 0x9600]] as const) op(I32_CONST, ...sleb(c), I32X4_SPLAT, LOCAL_SET, local);
  op(BLOCK, EMPTY, LOOP, EMPTY);
  op(LOCAL_GET, 1);
  for (let k = 0; k < 4; k++) {
    // ((v & 0xff00ff) * 0x4d001d + (v & 0xff00) * 0x9600) >>> 24, four pixels.
    op(LOCAL_GET, 0, V128_LOAD(16 * k, 0), LOCAL_GET, 5, V128_AND, LOCAL_GET, 6, I32X4_MUL);
    op(LOCAL_GET, 0, V128_LOAD(16 * k, 0), LOCAL_GET, 7, V128_AND, LOCAL_GET, 8, I32X4_MUL, I32X4_ADD, I32_CONST, 24, I32X4_SHR_U);
    if (k % 2 === 1) op(I16X8_NARROW_I32X4_U);
  }
  op(I8X16_NARROW_I16X8_U, V128_STORE(0, 0));
  op(LOCAL_GET, 0, LOCAL_GET, 3, I32_EQ, BR_IF, 1);
  // Next 16 pixels, or the last 16 when fewer remain.
  op(addTo(0, 64));
  op(addTo(1, 16));
  op(LOCAL_GET, 4, LOCAL_GET, 1, LOCAL_GET, 0, LOCAL_GET, 3, I32_GT_U, SELECT, LOCAL_SET, 1);
  op(LOCAL_GET, 3, LOCAL_GET, 0, LOCAL_GET, 0, LOCAL_GET, 3, I32_GT_U, SELECT, LOCAL_SET, 0);
  op(BR, 0, END, END, END);
  return [...vec([[...uleb(2), I32], [...uleb(4), V128]]), ...body];
}

/** `blocks3(g, W, w, fine, acc, cs)` (see {@link frameKernelBytes}). */
function blocks3Code(): number[] {
  // Params: g 0, W 1, w 2, fine 3, acc 4, cs 5; x 6, end 7, s 8.
  const { body, op } = emitter();
  // Column sums of columns 0 .. 3w - 1 (and up to 15 more), 16 per pass.
  op(LOCAL_GET, 0, LOCAL_GET, 2, I32_CONST, ...sleb(3), I32_MUL, I32_ADD, LOCAL_SET, 7);
  op(LOCAL_GET, 0, LOCAL_SET, 6);
  op(LOOP, EMPTY);
  for (const [ext, at] of [[I16X8_EXTEND_LOW_I8X16_U, 0], [I16X8_EXTEND_HIGH_I8X16_U, 16]] as const) {
    op(LOCAL_GET, 5, LOCAL_GET, 6, LOCAL_GET, 0, I32_SUB, I32_CONST, ...sleb(1), I32_SHL, I32_ADD);
    op(LOCAL_GET, 6, V128_LOAD(0, 0), ext);
    op(LOCAL_GET, 6, LOCAL_GET, 1, I32_ADD, V128_LOAD(0, 0), ext, I16X8_ADD);
    op(LOCAL_GET, 6, LOCAL_GET, 1, I32_CONST, ...sleb(1), I32_SHL, I32_ADD, V128_LOAD(0, 0), ext, I16X8_ADD);
    op(V128_STORE(at, 0));
  }
  op(LOCAL_GET, 6, I32_CONST, ...sleb(16), I32_ADD, LOCAL_TEE, 6, LOCAL_GET, 7, I32_LT_U, BR_IF, 0);
  op(END);
  // Per block: s = three column sums; fine = ((s + 4) 7282) >>> 16; acc = s.
  op(LOOP, EMPTY);
  op(LOCAL_GET, 5, I32_LOAD16_U(0), LOCAL_GET, 5, I32_LOAD16_U(2), I32_ADD, LOCAL_GET, 5, I32_LOAD16_U(4), I32_ADD, LOCAL_SET, 8);
  op(LOCAL_GET, 3, LOCAL_GET, 8, I32_CONST, ...sleb(4), I32_ADD, I32_CONST, ...sleb(7282), I32_MUL, I32_CONST, 16, I32_SHR_U, I32_STORE8);
  op(LOCAL_GET, 4, LOCAL_GET, 8, I32_STORE);
  op(addTo(5, 6));
  op(addTo(3, 1));
  op(addTo(4, 4));
  op(countDown(2));
  op(END);
  op(END);
  return [...vec([[...uleb(3), I32]]), ...body];
}

/** image.ts' grey frame and 3x3 block level by SIMD, into a grey frame in the frame memory (see {@link simdGray}). */
export interface SimdGray {
  /** Converts RGBA rows `y0` to `y1 - 1` of `rgba` (its bytes) into the grey frame's rows. */
  luma(rgba: Uint8Array, y0: number, y1: number): void;
  /**
   * The 3x3 blocks `0..w-1` of block row `by` (grey rows `3 by` to `3 by + 2`, converted): their
   * rounded means into `fine` from `at`, and their sums, returned (valid until the next call).
   */
  blocks(by: number, w: number, fine: Uint8Array, at: number): Uint32Array;
}

/**
 * The SIMD grey conversion for a `width` x `height` frame into `gray` (its bytes, in the frame
 * memory: see {@link frameBuffer}); null when `gray` lies elsewhere or is short, the frame is
 * under 16 pixels wide, or its rows do not fit the staging space. Valid until the next
 * {@link frameBuffer} call.
 */
export function simdGray(gray: Uint8Array, width: number, height: number): SimdGray | null {
  const k = frameKernels;
  const v = k?.views;
  if (!k || !v || gray.buffer !== k.memory.buffer || width < 16 || !(height >= 1) || gray.length < width * height) return null;
  // Staging in the window space (free while a frame is converted): three RGBA rows, the column
  // sums (one pass past the last block), the block sums and means.
  const w = Math.floor(width / 3);
  const stage = v.window.byteOffset;
  const cs = align16(stage + 12 * width);
  const acc = align16(cs + 2 * (3 * w + 32));
  const fineAt = align16(acc + 4 * w);
  if (fineAt + w > v.window.byteOffset + v.window.byteLength) return null;
  const buf = k.memory.buffer;
  const stageBytes = new Uint8Array(buf, stage, 12 * width);
  const sums = new Uint32Array(buf, acc, w);
  const means = new Uint8Array(buf, fineAt, w);
  const g = gray.byteOffset;
  return {
    luma: (rgba, y0, y1) => {
      for (let y = y0; y < y1; y += 3) {
        const rows = Math.min(3, y1 - y);
        stageBytes.set(rgba.subarray(4 * width * y, 4 * width * (y + rows)));
        k.luma(stage, g + y * width, rows * width);
      }
    },
    blocks: (by, bw, fine, at) => {
      k.blocks3(g + 3 * by * width, width, bw, fineAt, acc, cs);
      fine.set(bw === w ? means : means.subarray(0, bw), at);
      return sums;
    },
  };
}

/** `means2(src, W, dst, w, h)` (see {@link frameKernelBytes}). */
function means2Code(): number[] {
  // Params: src 0, W 1, dst 2, w 3, h 4; p 5 (a pass's first source byte), q 6, last 7 (the row's
  // last pass's q), two 8 (splat 2).
  const { body, op } = emitter();
  op(I32_CONST, 2, I16X8_SPLAT, LOCAL_SET, 8);
  op(LOOP, EMPTY);
  op(LOCAL_GET, 0, LOCAL_SET, 5, LOCAL_GET, 2, LOCAL_SET, 6);
  op(LOCAL_GET, 2, LOCAL_GET, 3, I32_ADD, I32_CONST, ...sleb(8), I32_SUB, LOCAL_SET, 7);
  op(BLOCK, EMPTY, LOOP, EMPTY);
  // (two rows' pairwise sums + 2) >> 2, narrowed to bytes, eight stored.
  op(LOCAL_GET, 6);
  op(LOCAL_GET, 5, V128_LOAD(0, 0), I16X8_EXTADD_PAIRWISE_I8X16_U, LOCAL_GET, 5, LOCAL_GET, 1, I32_ADD, V128_LOAD(0, 0), I16X8_EXTADD_PAIRWISE_I8X16_U, I16X8_ADD);
  op(LOCAL_GET, 8, I16X8_ADD, I32_CONST, 2, I16X8_SHR_U, LOCAL_TEE, 9, LOCAL_GET, 9, I8X16_NARROW_I16X8_U, V128_STORE64_LANE0);
  op(LOCAL_GET, 6, LOCAL_GET, 7, I32_EQ, BR_IF, 1);
  // Next 8 blocks, or the row's last 8 when fewer remain.
  op(addTo(5, 16));
  op(addTo(6, 8));
  op(LOCAL_GET, 5, LOCAL_GET, 6, LOCAL_GET, 7, I32_GT_U, LOCAL_GET, 6, LOCAL_GET, 7, I32_SUB, I32_CONST, ...sleb(1), I32_SHL, I32_MUL, I32_SUB, LOCAL_SET, 5);
  op(LOCAL_GET, 7, LOCAL_GET, 6, LOCAL_GET, 6, LOCAL_GET, 7, I32_GT_U, SELECT, LOCAL_SET, 6);
  op(BR, 0, END, END);
  op(LOCAL_GET, 0, LOCAL_GET, 1, I32_CONST, ...sleb(1), I32_SHL, I32_ADD, LOCAL_SET, 0);
  op(LOCAL_GET, 2, LOCAL_GET, 3, I32_ADD, LOCAL_SET, 2);
  op(countDown(4));
  op(END, END);
  return [...vec([[...uleb(3), I32], [...uleb(2), V128]]), ...body];
}

/**
 * `downscale(frame, 2)` of the `width` x `height` grey frame `src` by SIMD, into the frame
 * memory's level space: its bytes, or null when `src` is not the frame at the memory's start
 * (see {@link frameBuffer}), its level is under 8 pixels wide or empty, or the kernels cannot be
 * compiled. Valid until the next {@link frameBuffer} or `simdHalf` call.
 */
export function simdHalf(src: Uint8Array, width: number, height: number): Uint8Array | null {
  const k = frameKernels;
  const v = k?.views;
  const w = Math.floor(width / 2);
  const h = Math.floor(height / 2);
  if (!k || !v || src.buffer !== k.memory.buffer || src.byteOffset !== 0 || w < 8 || h < 1 || src.length < width * height || w * h > v.half.length) return null;
  k.means2(0, width, v.half.byteOffset, w, h);
  return v.half.subarray(0, w * h);
}

// ---------------------------------------------------------------------------------------------
// Ink map kernels (segment.ts `inkMap`): a module and instance of their own, with their own memory.
// ---------------------------------------------------------------------------------------------

const V128_CONST_F64X2 = (v: number): number[] => {
  const b = new Uint8Array(new Float64Array([v, v]).buffer);
  return [...simd(12), ...b];
};
/** Lanes 0, 1 of each operand (two f32x4 demotes' results) as one f32x4. */
const LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
/** Byte 0 of each 64-bit lane of two f64x2 masks, in bytes 0-3. */
const MASK_BYTES = [0, 8, 16, 24, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

/**
 * `inkRow(h0, h1, d, o, vecs, uy, ty)`: for `vecs` runs of four pixels (byte addresses h0, h1 of
 * doubles, d, o of floats, no alignment needed), inkMap's first pass: b = fround(h0 uy + h1 ty),
 * v = (b - d) / (b > 24 ? b : 24), o = fround(v > 0 ? v : 0). Every operation is the JavaScript's,
 * per lane and in its order (f64x2.pmax(c, x) is `c < x ? x : c`, so NaN gives c as the `?:`).
 */
function inkRowCode(): number[] {
  // Locals: params h0 0, h1 1, d 2, o 3, vecs 4, uy 5, ty 6; uyv 7, tyv 8, b01 9, b23 10, dv 11.
  const { body, op } = emitter();
  op(LOCAL_GET, 5, F64X2_SPLAT, LOCAL_SET, 7);
  op(LOCAL_GET, 6, F64X2_SPLAT, LOCAL_SET, 8);
  const fround = [F32X4_DEMOTE_F64X2_ZERO, F64X2_PROMOTE_LOW_F32X4];
  const bg = (offset: number, local: number): number[][] => [
    [LOCAL_GET, 0], V128_LOAD(offset, 0), [LOCAL_GET, 7], F64X2_MUL,
    [LOCAL_GET, 1], V128_LOAD(offset, 0), [LOCAL_GET, 8], F64X2_MUL, F64X2_ADD, ...fround, [LOCAL_SET, local],
  ];
  // v = pmax(0, (b - d) / pmax(24, b)), demoted.
  const ink = (b: number, d: number[][]): number[][] => [
    V128_CONST_F64X2(0), [LOCAL_GET, b], ...d, F64X2_SUB, V128_CONST_F64X2(24), [LOCAL_GET, b], F64X2_PMAX, F64X2_DIV, F64X2_PMAX, F32X4_DEMOTE_F64X2_ZERO,
  ];
  op(LOOP, EMPTY);
  op(...bg(0, 9), ...bg(16, 10));
  op(LOCAL_GET, 2, V128_LOAD(0, 0), LOCAL_SET, 11);
  op(LOCAL_GET, 3);
  op(...ink(9, [[LOCAL_GET, 11], F64X2_PROMOTE_LOW_F32X4]));
  op(...ink(10, [[LOCAL_GET, 11, LOCAL_GET, 11], HIGH_HALF, F64X2_PROMOTE_LOW_F32X4]));
  op(I8X16_SHUFFLE(LOW_HALVES), V128_STORE(0, 0));
  for (const [local, step] of [[0, 32], [1, 32], [2, 16], [3, 16]] as const) op(addTo(local, step));
  op(countDown(4));
  op(END);
  op(END);
  return [...vec([[...uleb(5), V128]]), ...body];
}

/**
 * `inkHist(ink, lanes, vecs) -> above1`: segment.ts `inkHistogram`'s bins of `vecs` runs of four
 * floats from `ink` (z = 255 f, r = trunc(z + 0.5), r - 1 where r - 0.5 > z, which is never), counted in four
 * interleaved int32 tables at `lanes` (table j of lane j: bin b at `lanes + 16 b + 4 j`; zeroed by
 * the caller). Returns non-zero when a value is above 1 (its bin then need not be the
 * JavaScript's, which wraps at 2^31; the caller bins in JavaScript). Values >= 0, not NaN.
 */
function inkHistCode(): number[] {
  // Locals: params ink 0, lanes 1 (then each count's address), vecs 2; iv 3, f 4, above 5, idx 6, base 7.
  const { body, op } = emitter();
  op(LOCAL_GET, 1, I32X4_SPLAT, V128_CONST_I32X4([0, 4, 8, 12]), I32X4_ADD, LOCAL_SET, 7);
  // The bin of one f64x2 (on the stack) as i32 lanes 0, 1: trunc(z + 0.5). The JavaScript's
  // fix-up (r - 1 where r - 0.5 > z) never applies to a float f in [0, 1]: z = 255 f is exact, and
  // so is z + 0.5 for f >= 2^-20 (52 bits at most, from z's lowest, >= 2^-44, to 2^7); below,
  // z + 0.5 rounds to less than 1 and both give 0.
  const bins = (): number[][] => [
    [LOCAL_SET, 4, LOCAL_GET, 5, LOCAL_GET, 4], V128_CONST_F64X2(1), F64X2_GT, V128_OR, [LOCAL_SET, 5],
    [LOCAL_GET, 4], V128_CONST_F64X2(255), F64X2_MUL, V128_CONST_F64X2(0.5), F64X2_ADD, I32X4_TRUNC_SAT_F64X2_S_ZERO,
  ];
  op(LOOP, EMPTY);
  op(LOCAL_GET, 0, V128_LOAD(0, 0), LOCAL_TEE, 3, F64X2_PROMOTE_LOW_F32X4, ...bins());
  op(LOCAL_GET, 3, LOCAL_GET, 3, HIGH_HALF, F64X2_PROMOTE_LOW_F32X4, ...bins());
  op(I8X16_SHUFFLE(LOW_HALVES), I32_CONST, 4, I32X4_SHL, LOCAL_GET, 7, I32X4_ADD, LOCAL_SET, 6);
  for (let j = 0; j < 4; j++) {
    op(LOCAL_GET, 6, I32X4_EXTRACT_LANE(j), LOCAL_TEE, 1, LOCAL_GET, 1, I32_LOAD, I32_CONST, 1, I32_ADD, I32_STORE);
  }
  op(addTo(0, 16));
  op(countDown(2));
  op(END);
  op(LOCAL_GET, 5, V128_ANY_TRUE);
  op(END);
  return [...vec([[...uleb(5), V128]]), ...body];
}

/**
 * `inkNorm(ink, bin, vecs, level, t)`: inkMap's second pass over `vecs` runs of four floats, in
 * place: v = f / level, 1 where v > 1 (f64x2.pmin(v, 1) is `1 < v ? 1 : v`), stored as float, and
 * bytes `v > t ? 1 : 0` from `bin` (four a step, any alignment).
 */
function inkNormCode(): number[] {
  // Locals: params ink 0, bin 1, vecs 2, level 3, t 4; lv 5, tv 6, iv 7, v01 8, v23 9.
  const { body, op } = emitter();
  op(LOCAL_GET, 3, F64X2_SPLAT, LOCAL_SET, 5);
  op(LOCAL_GET, 4, F64X2_SPLAT, LOCAL_SET, 6);
  op(LOOP, EMPTY);
  op(LOCAL_GET, 0, V128_LOAD(0, 0), LOCAL_SET, 7);
  op(LOCAL_GET, 7, F64X2_PROMOTE_LOW_F32X4, LOCAL_GET, 5, F64X2_DIV, V128_CONST_F64X2(1), F64X2_PMIN, LOCAL_SET, 8);
  op(LOCAL_GET, 7, LOCAL_GET, 7, HIGH_HALF, F64X2_PROMOTE_LOW_F32X4, LOCAL_GET, 5, F64X2_DIV, V128_CONST_F64X2(1), F64X2_PMIN, LOCAL_SET, 9);
  op(LOCAL_GET, 0, LOCAL_GET, 8, F32X4_DEMOTE_F64X2_ZERO, LOCAL_GET, 9, F32X4_DEMOTE_F64X2_ZERO, I8X16_SHUFFLE(LOW_HALVES), V128_STORE(0, 0));
  op(LOCAL_GET, 1);
  op(LOCAL_GET, 8, LOCAL_GET, 6, F64X2_GT, LOCAL_GET, 9, LOCAL_GET, 6, F64X2_GT, I8X16_SHUFFLE(MASK_BYTES));
  op(I32_CONST, 1, I8X16_SPLAT, V128_AND, I32X4_EXTRACT_LANE0, I32_STORE_ANY);
  op(addTo(0, 16));
  op(addTo(1, 4));
  op(countDown(2));
  op(END);
  op(END);
  return [...vec([[...uleb(5), V128]]), ...body];
}

/**
 * `inkCount(ink, vecs, t) -> count`: how many of `vecs` runs of four floats from `ink` are above
 * `t` (compared as doubles, as JavaScript's `f > t`). Each f64x2.gt mask, read as i32x4, adds 2
 * per value above t to the lanes; their sum halved is the count (below 2^30 values).
 */
function inkCountCode(): number[] {
  // Locals: params ink 0, vecs 1, t 2; tv 3, iv 4, acc 5.
  const { body, op } = emitter();
  op(LOCAL_GET, 2, F64X2_SPLAT, LOCAL_SET, 3);
  op(LOOP, EMPTY);
  op(LOCAL_GET, 0, V128_LOAD(0, 0), LOCAL_SET, 4);
  op(LOCAL_GET, 5, LOCAL_GET, 4, F64X2_PROMOTE_LOW_F32X4, LOCAL_GET, 3, F64X2_GT, I32X4_SUB);
  op(LOCAL_GET, 4, LOCAL_GET, 4, HIGH_HALF, F64X2_PROMOTE_LOW_F32X4, LOCAL_GET, 3, F64X2_GT, I32X4_SUB, LOCAL_SET, 5);
  op(addTo(0, 16));
  op(countDown(1));
  op(END);
  op(LOCAL_GET, 5, I32X4_EXTRACT_LANE(0), LOCAL_GET, 5, I32X4_EXTRACT_LANE(1), I32_ADD);
  op(LOCAL_GET, 5, I32X4_EXTRACT_LANE(2), I32_ADD, LOCAL_GET, 5, I32X4_EXTRACT_LANE(3), I32_ADD);
  op(I32_CONST, 1, I32_SHR_U);
  op(END);
  return [...vec([[...uleb(3), V128]]), ...body];
}

/**
 * `bgRows(f, rowBytes, rows, tab, w, out)`: the background's horizontal upsampling (segment.ts
 * `backgroundRows`), scalar: for `rows` rows of floats `rowBytes` apart from `f` and each of the
 * `w` columns' entries of `tab` (16 bytes: byte offsets c0, c1 into the row, then tx as a double),
 * a + (b - a) tx with a, b the row's floats at c0, c1, as doubles to `out` onwards.
 */
function bgRowsCode(): number[] {
  // Locals: params f 0, rowBytes 1, rows 2, tab 3, w 4, out 5; e 6, end 7; a 8 (f64).
  const { body, op } = emitter();
  op(LOOP, EMPTY);
  op(LOCAL_GET, 3, LOCAL_TEE, 6, LOCAL_GET, 4, I32_CONST, 4, I32_SHL, I32_ADD, LOCAL_SET, 7);
  op(LOOP, EMPTY);
  op(LOCAL_GET, 5);
  op(LOCAL_GET, 0, LOCAL_GET, 6, I32_LOAD, I32_ADD, F32_LOAD, F64_PROMOTE_F32, LOCAL_TEE, 8);
  op(LOCAL_GET, 0, LOCAL_GET, 6, 0x28, 2, 4, I32_ADD, F32_LOAD, F64_PROMOTE_F32, LOCAL_GET, 8, F64_SUB);
  op(LOCAL_GET, 6, 0x2b, 3, 8, F64_MUL, F64_ADD, F64_STORE);
  op(LOCAL_GET, 5, I32_CONST, 8, I32_ADD, LOCAL_SET, 5);
  op(LOCAL_GET, 6, I32_CONST, 16, I32_ADD, LOCAL_TEE, 6, LOCAL_GET, 7, I32_NE, BR_IF, 0);
  op(END);
  op(LOCAL_GET, 0, LOCAL_GET, 1, I32_ADD, LOCAL_SET, 0);
  op(countDown(2));
  op(END);
  op(END);
  return [...vec([[...uleb(2), I32], [...uleb(1), F64]]), ...body];
}

function inkKernelBytes(): Uint8Array<ArrayBuffer> {
  const row = inkRowCode();
  const hist = inkHistCode();
  const norm = inkNormCode();
  const count = inkCountCode();
  const rows = bgRowsCode();
  const params = (...t: number[]): number[] => vec(t.map((x) => [x]));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...params(I32, I32, I32, I32, I32, F64, F64), ...vec([])], [0x60, ...params(I32, I32, I32), ...params(I32)], [0x60, ...params(I32, I32, I32, F64, F64), ...vec([])], [0x60, ...params(I32, I32, F64), ...params(I32)], [0x60, ...params(I32, I32, I32, I32, I32, I32), ...vec([])]])),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0], [1], [2], [3], [4]])),
    ...section(7, vec([[...name('inkRow'), 0x00, 0], [...name('inkHist'), 0x00, 1], [...name('inkNorm'), 0x00, 2], [...name('inkCount'), 0x00, 3], [...name('bgRows'), 0x00, 4]])),
    ...section(10, vec([[...uleb(row.length), ...row], [...uleb(hist.length), ...hist], [...uleb(norm.length), ...norm], [...uleb(count.length), ...count], [...uleb(rows.length), ...rows]])),
  ]);
}

interface InkKernels {
  readonly memory: WebAssembly.Memory;
  readonly inkRow: (h0: number, h1: number, d: number, o: number, vecs: number, uy: number, ty: number) => void;
  readonly inkHist: (ink: number, lanes: number, vecs: number) => number;
  readonly inkNorm: (ink: number, bin: number, vecs: number, level: number, t: number) => void;
  readonly inkCount: (ink: number, vecs: number, t: number) => number;
  readonly bgRows: (f: number, rowBytes: number, rows: number, tab: number, w: number, out: number) => void;
}

let inkKernels: InkKernels | null | undefined;

function inkKernelsOf(): InkKernels | null {
  if (inkKernels !== undefined) return inkKernels;
  const inst = instanceWithMemory(inkKernelBytes);
  if (!inst) return (inkKernels = null);
  const { memory, exports } = inst;
  inkKernels = {
    memory,
    inkRow: exports.inkRow as InkKernels['inkRow'],
    inkHist: exports.inkHist as InkKernels['inkHist'],
    inkNorm: exports.inkNorm as InkKernels['inkNorm'],
    inkCount: exports.inkCount as InkKernels['inkCount'],
    bgRows: exports.bgRows as InkKernels['bgRows'],
  };
  return inkKernels;
}

/**
 * segment.ts `inkMap`'s float passes on a `w` x `h` band whose background has `sh` reduced rows, in
 * WebAssembly memory (views valid until the next {@link simdInk}; one band at a time). Fill
 * `hrows` (`sh` rows of `w` doubles) and `data` (the band's `w h` floats), run {@link SimdInk.row}
 * for every row in order, then {@link SimdInk.histogram} and {@link SimdInk.normalise}.
 */
export interface SimdInk {
  /** The background's rows: filled by {@link backgroundRows} (or directly). */
  readonly hrows: Float64Array;
  readonly data: Float32Array;
  /** The ink (`w h` floats): the first pass's, then the normalised values. */
  readonly ink: Float32Array;
  /** The mask after {@link normalise} (`v > t`; long runs not yet dropped). */
  readonly bin: Uint8Array;
  /**
   * Fills {@link hrows}: for each of the `sh` rows of `sw` floats of the reduced background `bg` and
   * each column x, a + (b - a) tx with a, b its values at `cx0[x]`, `cx1[x]` and tx = `ctx[x]`.
   */
  backgroundRows(bg: Float32Array, cx0: Int32Array, cx1: Int32Array, ctx: Float64Array): void;
  /**
   * Ink row `y` from background rows `y0` and `y1` blended with weights `uy`, `ty`. Rows must come
   * in increasing order: a row's last run of four pixels overwrites up to three of the next row's.
   */
  row(y: number, y0: number, y1: number, uy: number, ty: number): void;
  /** The 256-bin ink histogram into `hist`; false (`hist` not written) where an ink value is above 1. */
  histogram(hist: Uint32Array): boolean;
  /** How many ink values are above `t` (t >= 0). */
  countAbove(t: number): number;
  /** Ink divided by `level` (at most 1) in place, and the mask of the values above `t`. */
  normalise(level: number, t: number): void;
}

/** Largest band (pixels) the ink map kernels take. */
const MAX_INK_PIXELS = 1 << 24;

/**
 * The ink map kernels' buffers for a `w` x `h` band with an `sw` x `sh` reduced background, or null
 * where they cannot be compiled, the band is empty or larger than 2^24 pixels, or their memory
 * cannot grow to hold it.
 */
export function simdInk(w: number, h: number, sw: number, sh: number): SimdInk | null {
  const n = w * h;
  // The byte offsets below stay within 32 bits for bands up to 2^24 pixels (a 4096 x 4096 image).
  if (n <= 0 || sh <= 0 || sw <= 0 || n > MAX_INK_PIXELS || sh > h || sw * sh > n) return null;
  const k = inkKernelsOf();
  if (!k) return null;
  const vecs = (n + 3) >> 2;
  const lanesAt = 0;
  const hrowsAt = 4096;
  const dataAt = align16(hrowsAt + 8 * sh * w + 32);
  const inkAt = align16(dataAt + 16 * vecs + 16);
  const binAt = inkAt + 16 * vecs + 16;
  const tabAt = align16(binAt + 4 * vecs + 16);
  const bgAt = tabAt + 16 * w;
  const need = bgAt + 4 * sw * sh;
  const have = k.memory.buffer.byteLength;
  try {
    if (need > have) k.memory.grow(Math.ceil((need - have) / 65536));
  } catch {
    // Out of memory for this band: the JavaScript passes need less.
    return null;
  }
  const buf = k.memory.buffer;
  // Zeros past the band's floats: the last row's last run reads them, and the histogram counts them.
  new Float32Array(buf, dataAt + 4 * n, 4 * vecs - n + 4).fill(0);
  const rowVecs = (w + 3) >> 2;
  const ink = new Float32Array(buf, inkAt, n);
  const lanes = new Int32Array(buf, lanesAt, 1024);
  const tail = new Float32Array(buf, inkAt + 4 * n, 4 * vecs - n);
  return {
    hrows: new Float64Array(buf, hrowsAt, sh * w),
    backgroundRows: (bg, cx0, cx1, ctx) => {
      const ti = new Int32Array(buf, tabAt, 4 * w);
      const tf = new Float64Array(buf, tabAt, 2 * w);
      for (let x = 0; x < w; x++) {
        ti[4 * x] = 4 * (cx0[x] as number);
        ti[4 * x + 1] = 4 * (cx1[x] as number);
        tf[2 * x + 1] = ctx[x] as number;
      }
      new Float32Array(buf, bgAt, sw * sh).set(bg.subarray(0, sw * sh));
      k.bgRows(bgAt, 4 * sw, sh, tabAt, w, hrowsAt);
    },
    data: new Float32Array(buf, dataAt, n),
    ink,
    bin: new Uint8Array(buf, binAt, n),
    row: (y, y0, y1, uy, ty) => k.inkRow(hrowsAt + 8 * y0 * w, hrowsAt + 8 * y1 * w, dataAt + 4 * y * w, inkAt + 4 * y * w, rowVecs, uy, ty),
    histogram: (hist) => {
      // The values past the band's last (up to three) count as zeros in bin 0.
      tail.fill(0);
      lanes.fill(0);
      if (k.inkHist(inkAt, lanesAt, vecs) !== 0) return false;
      for (let b = 0; b < 256; b++) hist[b] = (lanes[4 * b] as number) + (lanes[4 * b + 1] as number) + (lanes[4 * b + 2] as number) + (lanes[4 * b + 3] as number);
      hist[0] = (hist[0] as number) - (4 * vecs - n);
      return true;
    },
    countAbove: (t) => {
      tail.fill(0);
      return k.inkCount(inkAt, vecs, t);
    },
    normalise: (level, t) => k.inkNorm(inkAt, binAt, vecs, level, t),
  };
}

// ---------------------------------------------------------------------------------------------
// The second-opinion CNN (session 22): a whole line of glyphs per call.

/** Plane size and channel counts of a second-opinion CNN (cnn.ts) for {@link simdCnn}. */
export interface CnnShape {
  /** Input raster width and height (pixels). */
  readonly width: number;
  readonly height: number;
  readonly conv1: number;
  readonly conv2: number;
  readonly dense: number;
  readonly outputs: number;
}

/** Words of the CNN kernel's layout, read from byte 0 of its memory (see {@link cnnKernelBytes}). */
const CNN_FIELDS = [
  'x', 'logits', 'pad1', 'w1', 'b1', 'pad2', 'w2', 'b2', 'feat', 'idx', 'val', 'wd1', 'bd1', 'hid', 'wd2', 'bd2',
  'inW', 'inH', 'c1', 'g2', 'row1', 'pw1', 'ph1', 'row2', 'plane2', 'pw2', 'ph2', 'featN', 'g3', 'dense', 'g4', 'stride', 'area2',
] as const;
type CnnField = (typeof CNN_FIELDS)[number];
const F64_LOAD = [0x2b, 3, 0];
const F64_NE = 0x62;
const F64X2_MAX = simd(245);

/**
 * `cnn(n)`: cnn.ts `fastLogits` of `n >= 1` glyphs, every sum in the reference's order (each product
 * and sum an IEEE double operation per lane, never fused), with the layout in {@link CNN_FIELDS}
 * order as int32 words at byte 0 (byte addresses; row, plane and area sizes in bytes):
 * - `x`: the glyphs' float rasters (`inW` x `inH` each), converted to doubles into the interior of
 *   `pad1` (`inW + 2` doubles a row, its zero border never written);
 * - the first convolution (weights `w1` [c1][9], biases `b1`), ReLU and 2x2 max-pool into the
 *   interior of `pad2` (`c1` planes of `plane2` bytes, rows of `row2`; zero borders), one pool
 *   window per pass: lanes = the window's two columns, one accumulator per row;
 * - the second convolution likewise into `feat` (cnn.ts' feature order), four output channels per
 *   pass (`g2` groups, `w2` [group][ic][tap][4], `b2` [group][4], channels past conv2 zero);
 * - each dense layer over its nonzero inputs (gathered once into `idx` / `val`), eight rows per
 *   pass (weights [group][input][8], biases padded to eight), the first with ReLU (f64x2.pmax as
 *   `s < 0 ? 0 : s`) into `hid`, the second into `logits` (`stride` bytes per glyph).
 * A pool window's value is the lanes' f64x2.max (NaN if any is, as Math.max), then pmax with zero
 * as `m > 0 ? m : 0`.
 */
function cnnKernelBytes(): Uint8Array<ArrayBuffer> {
  const { body, op } = emitter();
  const f = (name: CnnField): number => 1 + CNN_FIELDS.indexOf(name);
  let next = 1 + CNN_FIELDS.length;
  const local = (): number => next++;
  const g = local(), xp = local(), lp = local(), s = local(), dp = local(), y = local(), xc = local(), oc = local(), wp = local(), bp = local(), outp = local(), rp = local(), orow = local(), py = local(), px = local(), r = local(), o = local(), q1 = local(), q2 = local(), q3 = local(), grp = local(), fp = local(), rowBase = local(), cb = local(), ic = local(), ip = local(), wp2 = local(), ixp = local(), vxp = local(), end = local(), off = local(), t = local(), cols = local(), dst = local();
  const nI32 = next - 1 - CNN_FIELDS.length;
  const fv = local();
  const v = (): number => next++;
  const k = Array.from({ length: 9 }, v);
  const bias = v(), ab = v(), cd = v(), zero = v(), tmp = v(), vA = v(), vC = v(), w = v();
  const A = Array.from({ length: 4 }, v);
  const C = Array.from({ length: 4 }, v);
  const nV = next - fv - 1;
  const add = (l: number, by: number | number[]): void => {
    if (typeof by === 'number') op(addTo(l, by));
    else op(LOCAL_GET, l, by, I32_ADD, LOCAL_SET, l);
  };
  const set = (l: number, from: number[]): void => op(from, LOCAL_SET, l);
  const get = (l: number): number[] => [LOCAL_GET, l];
  /** `acc += kv * load(addr + at)` (the product's operands in the JavaScript's order). */
  const mac = (acc: number, kv: number[], addr: number, at: number): void => op(LOCAL_GET, acc, kv, LOCAL_GET, addr, V128_LOAD(at, 0), F64X2_MUL, F64X2_ADD, LOCAL_SET, acc);
  /** A 2x2 pool window's value (rows in `a`, `c`; columns in lanes), ReLU'd, stored at `addr`. */
  const poolStore = (addr: number, a: number, c: number): void => {
    op(LOCAL_GET, addr, LOCAL_GET, zero, LOCAL_GET, a, LOCAL_GET, c, F64X2_MAX, LOCAL_TEE, tmp, LOCAL_GET, tmp, LOCAL_GET, tmp, HIGH_HALF, F64X2_MAX, F64X2_PMAX, V128_STORE64_LANE0);
  };
  /** Gathers the nonzero doubles of `count` from `src` (index as `64 i`) into idx / val; `end`: idx's end. */
  const gather = (src: number[], count: number[]): void => {
    set(ip, src);
    set(ixp, get(f('idx')));
    set(vxp, get(f('val')));
    op(I32_CONST, 0, LOCAL_SET, off);
    set(t, count);
    op(LOOP, EMPTY);
    op(LOCAL_GET, ip, F64_LOAD, LOCAL_SET, fv);
    op(LOCAL_GET, vxp, LOCAL_GET, fv, F64_STORE);
    op(LOCAL_GET, ixp, LOCAL_GET, off, I32_STORE);
    op(LOCAL_GET, fv, f64Const(0), F64_NE, LOCAL_TEE, r);
    op(I32_CONST, 2, I32_SHL, LOCAL_GET, ixp, I32_ADD, LOCAL_SET, ixp);
    op(LOCAL_GET, r, I32_CONST, 3, I32_SHL, LOCAL_GET, vxp, I32_ADD, LOCAL_SET, vxp);
    add(ip, 8);
    add(off, 64);
    op(countDown(t));
    op(END);
    set(end, get(ixp));
  };
  /** A dense layer of `groups` eight-row groups over the gathered inputs (`cols` of them in all) into `out`. */
  const dense = (weights: number[], biases: number[], out: number[], groups: number[], relu: boolean): void => {
    set(wp, weights);
    set(bp, biases);
    set(dst, out);
    set(grp, groups);
    op(LOOP, EMPTY);
    for (let j = 0; j < 4; j++) op(LOCAL_GET, bp, V128_LOAD(16 * j, 0), LOCAL_SET, A[j] as number);
    op(BLOCK, EMPTY, LOCAL_GET, end, LOCAL_GET, f('idx'), I32_EQ, BR_IF, 0);
    set(ixp, get(f('idx')));
    set(vxp, get(f('val')));
    op(LOOP, EMPTY);
    op(LOCAL_GET, ixp, I32_LOAD, LOCAL_GET, wp, I32_ADD, LOCAL_SET, r);
    op(LOCAL_GET, vxp, V128_LOAD64_SPLAT(0), LOCAL_SET, vA);
    for (let j = 0; j < 4; j++) op(LOCAL_GET, A[j] as number, LOCAL_GET, r, V128_LOAD(16 * j, 0), LOCAL_GET, vA, F64X2_MUL, F64X2_ADD, LOCAL_SET, A[j] as number);
    add(ixp, 4);
    add(vxp, 8);
    op(LOCAL_GET, ixp, LOCAL_GET, end, I32_NE, BR_IF, 0);
    op(END, END);
    for (let j = 0; j < 4; j++) op(LOCAL_GET, dst, LOCAL_GET, A[j] as number, ...(relu ? [LOCAL_GET, zero, ...F64X2_PMAX] : []), V128_STORE(16 * j, 0));
    add(wp, get(cols));
    add(bp, 64);
    add(dst, 64);
    op(countDown(grp));
    op(END);
  };

  CNN_FIELDS.forEach((_, i) => op(I32_CONST, 0, 0x28, 2, ...uleb(4 * i), LOCAL_SET, 1 + i));
  set(xp, get(f('x')));
  set(lp, get(f('logits')));
  set(g, get(0));
  op(LOOP, EMPTY);
  // The raster into pad1's interior.
  set(s, get(xp));
  op(LOCAL_GET, f('pad1'), LOCAL_GET, f('row1'), I32_ADD, I32_CONST, 8, I32_ADD, LOCAL_SET, dp);
  set(y, get(f('inH')));
  op(LOOP, EMPTY);
  set(xc, get(f('inW')));
  op(LOOP, EMPTY);
  op(LOCAL_GET, dp, LOCAL_GET, s, F32_LOAD, F64_PROMOTE_F32, F64_STORE);
  add(s, 4);
  add(dp, 8);
  op(countDown(xc));
  op(END);
  add(dp, 16);
  op(countDown(y));
  op(END);
  set(xp, get(s));
  // Convolution 1, ReLU and pool.
  set(wp, get(f('w1')));
  set(bp, get(f('b1')));
  op(LOCAL_GET, f('pad2'), LOCAL_GET, f('row2'), I32_ADD, I32_CONST, 8, I32_ADD, LOCAL_SET, outp);
  set(oc, get(f('c1')));
  op(LOOP, EMPTY);
  k.forEach((kl, j) => op(LOCAL_GET, wp, V128_LOAD64_SPLAT(8 * j), LOCAL_SET, kl));
  op(LOCAL_GET, bp, V128_LOAD64_SPLAT(0), LOCAL_SET, bias);
  add(wp, 72);
  add(bp, 8);
  set(rp, get(f('pad1')));
  set(orow, get(outp));
  set(py, get(f('ph1')));
  op(LOOP, EMPTY);
  set(r, get(rp));
  set(o, get(orow));
  set(px, get(f('pw1')));
  op(LOOP, EMPTY);
  op(LOCAL_GET, r, LOCAL_GET, f('row1'), I32_ADD, LOCAL_TEE, q1, LOCAL_GET, f('row1'), I32_ADD, LOCAL_TEE, q2, LOCAL_GET, f('row1'), I32_ADD, LOCAL_SET, q3);
  op(LOCAL_GET, bias, LOCAL_TEE, ab, LOCAL_SET, cd);
  const rows1 = [r, q1, q2, q3];
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) {
      mac(ab, get(k[3 * dy + dx] as number), rows1[dy] as number, 8 * dx);
      mac(cd, get(k[3 * dy + dx] as number), rows1[dy + 1] as number, 8 * dx);
    }
  }
  poolStore(o, ab, cd);
  add(r, 16);
  add(o, 8);
  op(countDown(px));
  op(END);
  op(LOCAL_GET, rp, LOCAL_GET, f('row1'), I32_CONST, 1, I32_SHL, I32_ADD, LOCAL_SET, rp);
  add(orow, get(f('row2')));
  op(countDown(py));
  op(END);
  add(outp, get(f('plane2')));
  op(countDown(oc));
  op(END);
  // Convolution 2, ReLU and pool: four output channels per pass.
  set(wp, get(f('w2')));
  set(bp, get(f('b2')));
  set(outp, get(f('feat')));
  set(grp, get(f('g2')));
  op(LOOP, EMPTY);
  set(fp, get(outp));
  set(rowBase, get(f('pad2')));
  set(py, get(f('ph2')));
  op(LOOP, EMPTY);
  set(cb, get(rowBase));
  set(px, get(f('pw2')));
  op(LOOP, EMPTY);
  for (let c = 0; c < 4; c++) op(LOCAL_GET, bp, V128_LOAD64_SPLAT(8 * c), LOCAL_TEE, A[c] as number, LOCAL_SET, C[c] as number);
  set(wp2, get(wp));
  set(ip, get(cb));
  set(ic, get(f('c1')));
  op(LOOP, EMPTY);
  op(LOCAL_GET, ip, LOCAL_GET, f('row2'), I32_ADD, LOCAL_TEE, q1, LOCAL_GET, f('row2'), I32_ADD, LOCAL_TEE, q2, LOCAL_GET, f('row2'), I32_ADD, LOCAL_SET, q3);
  const rows2 = [ip, q1, q2, q3];
  for (let dy = 0; dy < 3; dy++) {
    for (let dx = 0; dx < 3; dx++) {
      op(LOCAL_GET, rows2[dy] as number, V128_LOAD(8 * dx, 0), LOCAL_SET, vA);
      op(LOCAL_GET, rows2[dy + 1] as number, V128_LOAD(8 * dx, 0), LOCAL_SET, vC);
      for (let c = 0; c < 4; c++) {
        op(LOCAL_GET, wp2, V128_LOAD64_SPLAT(8 * (4 * (3 * dy + dx) + c)), LOCAL_SET, w);
        op(LOCAL_GET, A[c] as number, LOCAL_GET, w, LOCAL_GET, vA, F64X2_MUL, F64X2_ADD, LOCAL_SET, A[c] as number);
        op(LOCAL_GET, C[c] as number, LOCAL_GET, w, LOCAL_GET, vC, F64X2_MUL, F64X2_ADD, LOCAL_SET, C[c] as number);
      }
    }
  }
  add(wp2, 288);
  add(ip, get(f('plane2')));
  op(countDown(ic));
  op(END);
  set(o, get(fp));
  for (let c = 0; c < 4; c++) {
    poolStore(o, A[c] as number, C[c] as number);
    add(o, get(f('area2')));
  }
  add(fp, 8);
  add(cb, 16);
  op(countDown(px));
  op(END);
  op(LOCAL_GET, rowBase, LOCAL_GET, f('row2'), I32_CONST, 1, I32_SHL, I32_ADD, LOCAL_SET, rowBase);
  op(countDown(py));
  op(END);
  set(wp, get(wp2));
  add(bp, 32);
  op(LOCAL_GET, outp, LOCAL_GET, f('area2'), I32_CONST, 2, I32_SHL, I32_ADD, LOCAL_SET, outp);
  op(countDown(grp));
  op(END);
  // The dense layers.
  gather(get(f('feat')), get(f('featN')));
  op(LOCAL_GET, f('featN'), I32_CONST, 6, I32_SHL, LOCAL_SET, cols);
  dense(get(f('wd1')), get(f('bd1')), get(f('hid')), get(f('g3')), true);
  gather(get(f('hid')), get(f('dense')));
  op(LOCAL_GET, f('dense'), I32_CONST, 6, I32_SHL, LOCAL_SET, cols);
  dense(get(f('wd2')), get(f('bd2')), get(lp), get(f('g4')), false);
  add(lp, get(f('stride')));
  op(countDown(g));
  op(END);
  op(END);
  const code = [...vec([[...uleb(CNN_FIELDS.length + nI32), I32], [...uleb(1), F64], [...uleb(nV), V128]]), ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32]]), ...vec([])]])),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('cnn'), 0x00, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

let cnnCompiled: WebAssembly.Module | null | undefined;

/** The CNN kernel's module (compiled once; not tried where the first module did not compile). */
function cnnModule(): WebAssembly.Module | null {
  if (cnnCompiled !== undefined) return cnnCompiled;
  cnnCompiled = null;
  if (!kernelModule()) return null;
  try {
    cnnCompiled = new WebAssembly.Module(cnnKernelBytes());
  } catch {
    cnnCompiled = null;
  }
  return cnnCompiled;
}

/** One net's CNN kernel: its weights copied once into a memory of its own, a line of glyphs per call. */
export interface SimdCnn {
  /**
   * Room for `n` glyph rasters: the view (`n` rasters of width x height floats, row-major) to fill
   * before {@link run}, valid until the next call (a larger `n` may grow the memory); null where
   * the memory cannot grow to hold them.
   */
  glyphs(n: number): Float32Array | null;
  /**
   * The logits of the first `n` rasters of the last {@link glyphs} view (`n` at most its count):
   * glyph g's `outputs` values from double `g * stride`. The view is valid until the next call.
   */
  run(n: number): Float64Array;
  /** Doubles from one glyph's logits to the next's. */
  readonly stride: number;
}

/**
 * The forward pass of a CNN of `shape` (weights `w` and biases `b` of its four layers as cnn.ts
 * `Cnn`: row-major, conv `[out][in][3][3]`) as a SIMD kernel giving cnn.ts `fastLogits`' bits:
 * exact only for a net whose zero inputs may be skipped (finite weights, no -0 bias; the caller
 * checks). Null where the kernel cannot be compiled, a plane pools to nothing, or the memory
 * cannot be had.
 */
export function simdCnn(shape: CnnShape, w: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): SimdCnn | null {
  const { width, height, conv1: c1, conv2: c2, dense: nd, outputs } = shape;
  const pw1 = width >> 1;
  const ph1 = height >> 1;
  const pw2 = pw1 >> 1;
  const ph2 = ph1 >> 1;
  if (!(pw2 >= 1 && ph2 >= 1 && c1 >= 1 && c2 >= 1 && nd >= 1 && outputs >= 1) || w.length !== 4 || b.length !== 4) return null;
  const mod = cnnModule();
  if (!mod) return null;
  const g2 = Math.ceil(c2 / 4);
  const g3 = Math.ceil(nd / 8);
  const g4 = Math.ceil(outputs / 8);
  const featN = c2 * pw2 * ph2;
  const row1 = 8 * (width + 2);
  const row2 = 8 * (pw1 + 2);
  const plane2 = row2 * (ph1 + 2);
  const area2 = 8 * pw2 * ph2;
  let at = 256;
  const take = (bytes: number): number => {
    const a = at;
    at = align16(at + bytes);
    return a;
  };
  const lay: Record<CnnField, number> = {
    x: 0, logits: 0,
    pad1: take(row1 * (height + 2)), w1: take(72 * c1), b1: take(8 * c1), pad2: take(plane2 * c1),
    w2: take(288 * c1 * g2), b2: take(32 * g2), feat: take(4 * area2 * g2),
    idx: take(4 * Math.max(featN, nd)), val: take(8 * Math.max(featN, nd)),
    wd1: take(64 * featN * g3), bd1: take(64 * g3), hid: take(64 * g3), wd2: take(64 * nd * g4), bd2: take(64 * g4),
    inW: width, inH: height, c1, g2, row1, pw1, ph1, row2, plane2, pw2, ph2, featN, g3, dense: nd, g4, stride: 64 * g4, area2,
  };
  const fixed = at;
  const raster = 4 * width * height;
  let memory: WebAssembly.Memory;
  let run: (n: number) => void;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(fixed / 65536) + 1 });
    run = new WebAssembly.Instance(mod, { e: { m: memory } }).exports.cnn as (n: number) => void;
  } catch {
    return null;
  }
  const buf = memory.buffer;
  const put = (addr: number, n: number, value: (i: number) => number): void => {
    const d = new Float64Array(buf, addr, n);
    for (let i = 0; i < n; i++) d[i] = value(i);
  };
  const [w0, w1, w2, w3] = w as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  const [b0, b1, b2, b3] = b as [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>, ArrayLike<number>];
  put(lay.w1, 9 * c1, (i) => w0[i] as number);
  put(lay.b1, c1, (i) => b0[i] as number);
  // [group][ic][tap][4]: output channel 4 group + i % 4, input channel and tap from the rest.
  put(lay.w2, 36 * c1 * g2, (i) => {
    const oc = 4 * Math.floor(i / (36 * c1)) + (i % 4);
    const j = Math.floor(i / 4) % (9 * c1);
    return oc < c2 ? (w1[oc * 9 * c1 + j] as number) : 0;
  });
  put(lay.b2, 4 * g2, (i) => (i < c2 ? (b1[i] as number) : 0));
  /** A dense layer's weights as [group][input][8 rows] (rows past `rows` zero). */
  const rowsOf8 = (addr: number, weights: ArrayLike<number>, rows: number, cols: number, groups: number): void =>
    put(addr, 8 * cols * groups, (i) => {
      const row = 8 * Math.floor(i / (8 * cols)) + (i % 8);
      const col = Math.floor(i / 8) % cols;
      return row < rows ? (weights[row * cols + col] as number) : 0;
    });
  rowsOf8(lay.wd1, w2, nd, featN, g3);
  put(lay.bd1, 8 * g3, (i) => (i < nd ? (b2[i] as number) : 0));
  rowsOf8(lay.wd2, w3, outputs, nd, g4);
  put(lay.bd2, 8 * g4, (i) => (i < outputs ? (b3[i] as number) : 0));
  let cap = -1;
  let xs = new Float32Array(0);
  let logits = new Float64Array(0);
  return {
    stride: 8 * g4,
    glyphs: (n) => {
      if (n > cap) {
        const c = Math.max(n, 2 * cap, 8);
        const xAt = fixed;
        const lAt = align16(xAt + raster * c);
        const need = lAt + 64 * g4 * c;
        const have = memory.buffer.byteLength;
        try {
          if (need > have) memory.grow(Math.ceil((need - have) / 65536));
        } catch {
          return null;
        }
        lay.x = xAt;
        lay.logits = lAt;
        new Int32Array(memory.buffer, 0, CNN_FIELDS.length).set(CNN_FIELDS.map((k) => lay[k]));
        xs = new Float32Array(memory.buffer, xAt, (raster / 4) * c);
        logits = new Float64Array(memory.buffer, lAt, 8 * g4 * c);
        cap = c;
      }
      return xs.subarray(0, (n * raster) / 4);
    },
    run: (n) => {
      if (n > 0) run(n);
      return logits;
    },
  };
}
