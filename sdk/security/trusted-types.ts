/**
 * Trusted Types for the few script URLs the kit creates (its Web Workers), so pages that enforce
 * `require-trusted-types-for 'script'` keep working. Integrators allow the policy by name:
 * `trusted-types lit-html timpora-kit`.
 * @module
 */

/** Name of the kit's Trusted Types policy, to list in the page's `trusted-types` directive. */
export const TRUSTED_TYPES_POLICY = 'timpora-kit';

interface ScriptUrlPolicy {
  createScriptURL(url: string): unknown;
}
interface TrustedTypesLike {
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): ScriptUrlPolicy;
}

let policy: ScriptUrlPolicy | null | undefined;

function getPolicy(): ScriptUrlPolicy | null {
  if (policy !== undefined) return policy;
  const tt = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!tt) return (policy = null);
  try {
    policy = tt.createPolicy(TRUSTED_TYPES_POLICY, {
      // Only the kit's own module URLs (same origin as the module, or blob: made by the page) pass.
      createScriptURL(url: string): string {
        const parsed = new URL(url, globalThis.location?.href);
        const sameOrigin = globalThis.location !== undefined && parsed.origin === globalThis.location.origin;
        if (sameOrigin || parsed.protocol === 'blob:') return parsed.href;
        throw new TypeError(`timpora-kit: refusing worker script from ${parsed.origin}`);
      },
    });
  } catch {
    // The page's CSP does not allow our policy name: fall back to plain URLs (they work where TT is not enforced).
    policy = null;
  }
  return policy;
}

/** A script URL made trusted by the kit's policy where Trusted Types exist; the URL itself elsewhere. */
export function trustedScriptUrl(url: URL | string): URL | string {
  const p = getPolicy();
  return p ? (p.createScriptURL(String(url)) as string) : url;
}

/**
 * Drop-in for `Worker` that passes its URL through the kit's Trusted Types policy. Import it *as* `Worker`
 * so the source keeps the literal `new Worker(new URL('./x.ts', import.meta.url), { type: 'module' })`
 * that bundlers (vite, webpack) recognise and compile:
 *
 * ```ts
 * import { TrustedWorker as Worker } from '../security/trusted-types.ts';
 * const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
 * ```
 * A plain function (not a subclass) so importing it in Node, where `Worker` does not exist, is harmless.
 */
export const TrustedWorker = function TrustedWorker(url: URL | string, options?: WorkerOptions): Worker {
  return new globalThis.Worker(trustedScriptUrl(url) as string, options);
} as unknown as typeof Worker;
