import { expect } from '@open-wc/testing';
import { createTimporaClient, type TimporaClientOptions } from '../../../sdk/client.ts';
import { dropDb, recordInput, uniqueDb } from './fixtures.ts';

interface Seen {
  stores: string[];
  durability: string | undefined;
}

/** Records every read-write transaction opened while `fn` runs: its stores and requested durability. */
async function watchWrites(fn: () => Promise<void>): Promise<Seen[]> {
  const seen: Seen[] = [];
  const original = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (this: IDBDatabase, names: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
    if (mode === 'readwrite') seen.push({ stores: [names].flat().sort(), durability: options?.durability });
    return original.call(this, names, mode, options);
  } as typeof original;
  try {
    await fn();
  } finally {
    IDBDatabase.prototype.transaction = original;
  }
  return seen;
}

describe('store: write durability', () => {
  const dbs: string[] = [];
  const open = (options: Partial<TimporaClientOptions>) => {
    const dbName = uniqueDb('durability');
    dbs.push(dbName);
    return createTimporaClient({ dbName, agencyId: 'imi-jakut', ...options });
  };
  after(async () => {
    for (const db of dbs) await dropDb(db);
  });

  for (const encrypted of [false, true]) {
    it(`a local write with its outbox entry is flushed with 'strict'; drafts keep the browser default${encrypted ? ' (encrypted store)' : ''}`, async () => {
      const client = open({ outbox: true, ...(encrypted ? { encryption: {} } : {}) });
      await client.records.get('warm-up'); // open the database (and create its keys) before watching
      const seen = await watchWrites(async () => {
        await client.records.put(recordInput());
        await client.drafts.put('form-1', { surname: 'SMITH' });
      });
      const outboxWrites = seen.filter((s) => s.stores.includes('outbox'));
      expect(outboxWrites.length).to.be.greaterThan(0);
      for (const w of outboxWrites) expect(w.durability).to.equal('strict');
      const draftWrites = seen.filter((s) => s.stores.includes('drafts'));
      expect(draftWrites.length).to.be.greaterThan(0);
      for (const w of draftWrites) expect(w.durability).to.equal('default');
      await client.close();
    });
  }

  it('a configured durability applies to every write', async () => {
    const client = open({ outbox: true, store: { durability: 'relaxed' } });
    const seen = await watchWrites(async () => {
      await client.records.put(recordInput());
    });
    expect(seen.length).to.be.greaterThan(0);
    for (const w of seen) expect(w.durability).to.equal('relaxed');
    await client.close();
  });
});
