// The MRZ tests' seeded generator (Node and browser tests alike).

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}
