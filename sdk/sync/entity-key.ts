/**
 * Entity keys shared by the puller and the outbox sender (internal; not exported from the package).
 * @internal
 * @module
 */

/** One string per entity: collection and id. */
export const entityKey = (e: { collection: string; id: string }): string => `${e.collection}\u0000${e.id}`;

/** True when some entity appears twice (then order matters and the items are handled one after the other). */
export function hasRepeats(items: ReadonlyArray<{ collection: string; id: string }>): boolean {
  const seen = new Set<string>();
  for (const item of items) {
    const k = entityKey(item);
    if (seen.has(k)) return true;
    seen.add(k);
  }
  return false;
}
