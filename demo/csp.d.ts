/** The Content Security Policy the demo runs under (see demo/csp.js). */
export function timporaCsp(options?: { apiOrigins?: string[] }): string;
