/**
 * The MLP's first layer (classify.ts `hiddenFour`) as a WebAssembly SIMD kernel: four hidden units
 * of four glyphs per pass over the inputs, two units per f64x2 lane pair. Each sum starts at its
 * unit's bias and adds `weight * input` in input order, every product and sum rounded to double as
 * JavaScript's `s += w * x` (f64x2.mul and f64x2.add are plain IEEE operations per lane, never
 * fused): the same bits as the JavaScript loops (tests compare them on random and shipped nets).
 *
 * The module is assembled here from its instructions (about 200 bytes, nothing fetched) and
 * compiled synchronously on first use. Where WebAssembly or its SIMD is missing, or a Content
 * Security Policy forbids compiling it (a page or worker needs `'wasm-unsafe-eval'` in
 * `script-src`), {@link simdLayer} returns null and classify.ts keeps its JavaScript loops.
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
const V128_LOAD = (offset: number): number[] => [...simd(0), 4, ...uleb(offset)];
const V128_STORE = (offset: number): number[] => [...simd(11), 4, ...uleb(offset)];
const V128_LOAD64_SPLAT = (offset: number): number[] => [...simd(10), 3, ...uleb(offset)];
const F64X2_ADD = simd(240);
const F64X2_MUL = simd(242);

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
  op(LOCAL_GET, 0, I32_CONST, ...sleb(32), I32_ADD, LOCAL_SET, 0);
  op(LOCAL_GET, 7, I32_CONST, ...sleb(32), I32_ADD, LOCAL_TEE, 7, LOCAL_GET, 6, I32_NE, BR_IF, 0);
  op(END);
  for (let g = 0; g < 4; g++) {
    op(LOCAL_GET, 3, LOCAL_GET, 8 + 2 * g, V128_STORE(32 * g));
    op(LOCAL_GET, 3, LOCAL_GET, 9 + 2 * g, V128_STORE(32 * g + 16));
  }
  op(LOCAL_GET, 3, I32_CONST, ...sleb(128), I32_ADD, LOCAL_SET, 3);
  op(LOCAL_GET, 1, I32_CONST, ...sleb(32), I32_ADD, LOCAL_SET, 1);
  op(LOCAL_GET, 4, I32_CONST, ...sleb(1), I32_SUB, LOCAL_TEE, 4, BR_IF, 0);
  op(END);
  op(END);
  const locals = vec([
    [...uleb(2), I32],
    [...uleb(11), V128],
  ]);
  const code = [...locals, ...body];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([])]])),
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('layer'), 0x00, 0]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
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
