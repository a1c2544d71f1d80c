// The Content Security Policy the demo runs under, and the one we document for integrators: no inline
// script or style, no eval, Trusted Types enforced with only Lit's and the kit's policies allowed.
// 'wasm-unsafe-eval' lets the MRZ engine compile its WebAssembly SIMD kernels (assembled in code,
// nothing fetched; it allows no JavaScript eval). Without it the engine reads the same in JavaScript,
// slower, and the browser reports one refused compile per scanner worker.

/**
 * @param {{ apiOrigins?: string[] }} [options] origins of the Timpora backend the page talks to
 * @returns {string}
 */
export function timporaCsp({ apiOrigins = [] } = {}) {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${apiOrigins.join(' ')}`.trim(),
    "worker-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html timpora-kit',
  ].join('; ');
}
