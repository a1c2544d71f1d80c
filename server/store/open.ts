/**
 * Opens a storage engine from a connection spec: `sqlite:<path>` (or `sqlite::memory:`) or
 * `postgres://...` / `postgresql://...`.
 * @module
 */
import type { Store } from './types.ts';
import { SqliteStore } from './sqlite.ts';
import { PostgresStore } from './postgres.ts';

/** Opens (does not yet `init`) the engine named by `spec`. */
export function openStore(spec: string, options: { pgSchema?: string; pgPoolSize?: number } = {}): Store {
  if (spec.startsWith('postgres://') || spec.startsWith('postgresql://')) {
    return new PostgresStore({
      connectionString: spec,
      ...(options.pgSchema ? { schema: options.pgSchema } : {}),
      ...(options.pgPoolSize ? { poolSize: options.pgPoolSize } : {}),
    });
  }
  if (spec.startsWith('sqlite:')) return new SqliteStore({ path: spec.slice('sqlite:'.length) || ':memory:' });
  throw new Error('TIMPORA_DB must be sqlite:<path> or postgres://...');
}
