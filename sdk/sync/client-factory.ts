/**
 * Wiring into `createTimporaClient()`: a {@link SyncFactory} that builds a started {@link TimporaSync} on the
 * client's IndexedDB store and its configured server. `import 'timpora-kit/sdk/sync/register'` (or
 * `registerTimporaSync()`) makes it the default for every client created with a `server`.
 * @module
 */
import { setDefaultSyncFactory, type ClientSync, type SyncFactory, type TimporaClient } from '../client.ts';
import { HttpTransport } from './http-transport.ts';
import { IdbSyncStorage } from './idb-storage.ts';
import { TimporaSync, type TimporaSyncOptions } from './sync-engine.ts';
import type { Transport } from './transport.ts';

/** Tuning for {@link createSyncFactory}; storage and transport come from the client unless given. */
export interface SyncFactoryOptions extends Partial<Omit<TimporaSyncOptions, 'storage' | 'transport'>> {
  /** Build a custom transport (e.g. an adapter for an agency backend) instead of {@link HttpTransport}. */
  transport?: (server: { baseUrl: string; token?: () => Promise<string> | string }) => Transport;
  /** HTTP timeout per request, ms (default 15,000). */
  timeoutMs?: number;
  /** Start syncing as soon as the client is created (default true). */
  autoStart?: boolean;
}

/** A factory for `createTimporaClient({ server, sync: createSyncFactory() })`. */
export function createSyncFactory(options: SyncFactoryOptions = {}): SyncFactory {
  return ({ store, server }): ClientSync => {
    const { transport: makeTransport, timeoutMs, autoStart, ...engine } = options;
    const token = server.token;
    const transport =
      makeTransport?.(server) ??
      new HttpTransport({
        baseUrl: server.baseUrl,
        ...(token ? { token: async () => token() } : {}),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      });
    const sync = new TimporaSync({
      lockName: `timpora-sync:${store.dbName}`,
      channelName: `timpora-sync:${store.dbName}`,
      ...engine,
      storage: new IdbSyncStorage({ store }),
      transport,
    });
    if (autoStart ?? true) sync.start();
    return sync;
  };
}

/** Make {@link createSyncFactory} the default sync of every client created with a `server`. */
export function registerTimporaSync(options: SyncFactoryOptions = {}): void {
  setDefaultSyncFactory(createSyncFactory(options));
}

/** The client's sync engine as a {@link TimporaSync} (or `undefined` without server or sync). */
export function syncOf(client: TimporaClient): TimporaSync | undefined {
  return client.sync instanceof TimporaSync ? client.sync : undefined;
}
