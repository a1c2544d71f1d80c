/**
 * Content comparison used to recognise our own write in a server's "conflict" answer (a retry after the
 * first attempt was applied but its answer was lost).
 * @module
 */
import type { SyncEntity } from './types.ts';

/** Fields the server owns or bumps on every write; ignored when comparing content. */
const SERVER_FIELDS = new Set(['version', 'updatedAt', 'createdAt', 'updatedBy', 'etag']);

/** Structural equality of JSON-like values (key order ignored, `undefined` properties ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) {
    if (!deepEqual(ao[key], bo[key])) return false;
  }
  return true;
}

/**
 * True when `remote` carries every field of `local` with the same value (server-owned fields ignored).
 * Fields only the server has (e.g. computed ones) do not count against equality.
 */
export function sameContent(local: SyncEntity, remote: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(local)) {
    if (SERVER_FIELDS.has(key) || value === undefined) continue;
    if (!deepEqual(value, remote[key])) return false;
  }
  return true;
}
