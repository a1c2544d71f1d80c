// Name search that has to continue past its first batch exactly at the first index entry of a key: the cursor
// must not be asked to jump to its own position (IndexedDB throws DataError from continuePrimaryKey, which
// surfaced as an uncaught page error in bench/store/encryption.ts). Plain and encrypted store give the same.
import { expect } from '@open-wc/testing';
import { createTimporaClient, type TimporaClient } from '../../../sdk/client.ts';
import { createRecord } from '../../../sdk/model/factory.ts';
import { dropDb, recordInput, uniqueDb } from '../store/fixtures.ts';

const clients: TimporaClient[] = [];
const dbs: string[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const d of dbs.splice(0)) await dropDb(d);
});

for (const encrypted of [false, true]) {
  describe(`name search resume (${encrypted ? 'encrypted' : 'plain'} store)`, () => {
    it('continues after a batch that ends on the first entry of a key', async () => {
      const dbName = uniqueDb('resume');
      dbs.push(dbName);
      const c = createTimporaClient({ dbName, store: { broadcast: false }, ...(encrypted ? { encryption: {} } : {}) });
      clients.push(c);
      // limit 2 reads limit + 4 = 6 entries first: five "abca" rows that fail the second token, then the first
      // "abcb" row; the walk then resumes exactly at that row.
      const ids = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
      await c.records.putMany(ids(5, 'a').map((id) => ({ ...createRecord(recordInput({ surname: 'ABCA', givenNames: 'JOHN' })), id })));
      await c.records.putMany(ids(3, 'b').map((id) => ({ ...createRecord(recordInput({ surname: 'ABCB', givenNames: 'ZED' })), id })));
      const found = await c.records.searchByName('abc z', { limit: 2 });
      expect(found.map((r) => r.identity.surname)).to.deep.equal(['ABCB', 'ABCB']);
      const all = await c.records.searchByName('abc z', { limit: 10 });
      expect(all.map((r) => r.id).sort()).to.deep.equal(ids(3, 'b'));
    });
  });
}
