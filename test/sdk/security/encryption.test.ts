// Encryption at rest: round trips, nothing personal in clear in IndexedDB, lookups, tamper/swap detection,
// lock/unlock, passphrase, wipe, retention purge, non-extractable keys.
import { expect } from '@open-wc/testing';
import { createTimporaClient, type TimporaClient, type TimporaClientOptions } from '../../../sdk/client.ts';
import type { ForeignerRecord } from '../../../sdk/model/types.ts';
import type { NewRecordInput } from '../../../sdk/model/factory.ts';
import type { EncryptedTimporaStore } from '../../../sdk/security/encrypted-store.ts';
import { DOC_TOKEN_MARK } from '../../../sdk/store/schema.ts';
import { dropDb, recordInput, uniqueDb } from '../store/fixtures.ts';
import { inClear, rawDump, rawOpen, reqP } from './raw-dump.ts';

const NOW = new Date('2025-06-15T03:00:00Z');

/** A record with every personal field filled. */
function fullRecord(over: { surname?: string; givenNames?: string; number?: string } = {}): NewRecordInput {
  return {
    identity: { surname: over.surname ?? 'MÜLLER-LÜDENSCHEIDT', givenNames: over.givenNames ?? 'HANS PETER', sex: 'M', birthDate: '1980-02-29', nationality: 'D' },
    document: { type: 'passport', issuingState: 'D', number: over.number ?? 'C01X00T47', issueDate: '2020-01-10', expiryDate: '2030-01-09' },
    permit: { type: 'ITAS', number: '2C21JE1234-A', validFrom: '2025-01-01', validUntil: '2026-01-01', visaIndex: 'E33G' },
    sponsor: { kind: 'company', name: 'PT Maju Jaya', idNumber: '9120001234567', phone: '+62 21 5550123', email: 'hr@maju.co.id' },
    address: { street: 'Jl. Merdeka 1', rt: '003', rw: '07', region: { province: '31', regency: '31.71', district: '31.71.01', village: '31.71.01.1001' }, postalCode: '10110' },
    occupation: { title: 'Engineer', employer: 'PT Maju Jaya' },
    arrival: { date: '2025-01-05', checkpoint: 'CGK' },
    findings: [{ id: 'f1', date: '2025-06-01', agencyId: 'polda-metro', category: 'compliant', description: 'Checked at Kemang' }],
    notes: 'Shared note about the Kemang apartment',
    restrictedNotes: 'Restricted note: informant Budiman',
    photo: 'data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/',
    mrz: { fields: ['identity.surname', 'document.number'], edited: [], lines: ['P<D<<MULLER<LUDENSCHEIDT<<HANS<PETER'.padEnd(44, '<'), 'C01X00T476D<<8002291M3001097'.padEnd(43, '<') + '8'], readAt: '2025-06-14T02:00:00.000Z' },
    status: 'active',
  } as unknown as NewRecordInput;
}

/** Strings that must never appear in clear in the database when encryption is on. */
const SECRETS = ['müller', 'muller', 'ludenscheidt', 'hans', 'peter', 'c01x00t47', 'maju', 'merdeka', 'kemang', 'budiman', '9120001234567', '2c21je1234', '/9j/4aaq', 'p<d<<'];


const clients: TimporaClient[] = [];
const dbs: string[] = [];

function open(options: TimporaClientOptions = {}): TimporaClient {
  const c = createTimporaClient({ now: () => NOW, store: { broadcast: false }, ...options });
  clients.push(c);
  return c;
}

function newDb(): string {
  const name = uniqueDb('enc');
  dbs.push(name);
  return name;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => {});
  for (const d of dbs.splice(0)) await dropDb(d);
});

async function rawUpdate(name: string, store: string, id: string, change: (row: Record<string, unknown>) => void): Promise<void> {
  const db = await rawOpen(name);
  const tx = db.transaction(store, 'readwrite');
  const os = tx.objectStore(store);
  const row = (await reqP(os.get(id))) as Record<string, unknown>;
  change(row);
  await reqP(os.put(row));
  db.close();
}

async function rejection(p: Promise<unknown>): Promise<{ code?: string; name?: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string };
  }
  throw new Error('expected a rejection');
}

async function eventually(cond: () => Promise<boolean>, timeout = 5000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeout) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function sealedOf(row: unknown): { iv: Uint8Array; ct: ArrayBuffer } {
  return (row as { v: { $sealed: { iv: Uint8Array; ct: ArrayBuffer } } }).v.$sealed;
}

describe('encryption at rest', () => {
  it('round-trips every personal field exactly', async () => {
    const c = open({ dbName: newDb(), encryption: {} });
    const saved = await c.records.put(fullRecord());
    const back = (await c.records.get(saved.id)) as ForeignerRecord;
    expect(back).to.deep.equal(saved);
    expect(JSON.stringify(back)).to.equal(JSON.stringify(saved));
    for (const f of ['identity', 'document', 'permit', 'sponsor', 'address', 'occupation', 'arrival', 'findings', 'notes', 'restrictedNotes', 'photo', 'mrz'] as const) {
      expect(back[f], f).to.deep.equal((fullRecord() as unknown as Record<string, unknown>)[f]);
    }
    // A reopened client (keys loaded from IndexedDB) reads it too.
    await c.close();
    const c2 = open({ dbName: c.store.dbName, encryption: {} });
    expect(await c2.records.get(saved.id)).to.deep.equal(saved);
  });

  it('leaves no names, document numbers or other personal text in IndexedDB (and the same check finds them without encryption)', async () => {
    const plainDb = newDb();
    const plain = open({ dbName: plainDb, outbox: true });
    await plain.records.put(fullRecord());
    await plain.drafts.put('record-form', { surname: 'MÜLLER', number: 'C01X00T47' });
    const plainDump = await rawDump(plainDb);
    for (const s of ['muller', 'c01x00t47', 'kemang', 'budiman', 'hans', 'peter', 'maju']) expect(inClear(plainDump.text, s), `control: ${s}`).to.equal(true);

    const encDb = newDb();
    const enc = open({ dbName: encDb, encryption: {}, outbox: true });
    const saved = await enc.records.put(fullRecord());
    await enc.records.put({ ...saved, notes: 'Second note about Kemang' });
    await enc.drafts.put('record-form', { surname: 'MÜLLER', number: 'C01X00T47' });
    const dump = await rawDump(encDb);
    for (const s of SECRETS) expect(inClear(dump.text, s), `found "${s}" in clear`).to.equal(false);
    expect(dump.rows['outbox']).to.have.length(2);
    expect(dump.rows['drafts']).to.have.length(1);
    // Non-personal fields stay in clear for sync and queries.
    const row = dump.rows['records']?.[0] as { v: Record<string, unknown>; st: string };
    expect(row.v['status']).to.equal('active');
    expect(row.v['version']).to.equal(2);
    expect(row.st).to.equal('active');
    // The API still gives everything back, outbox and drafts included.
    const entries = await enc.store.outboxEntries();
    expect(entries.map((e) => (e.entity as ForeignerRecord).identity.surname)).to.deep.equal(['MÜLLER-LÜDENSCHEIDT', 'MÜLLER-LÜDENSCHEIDT']);
    expect(entries[1]?.entity).to.deep.equal({ ...saved, notes: 'Second note about Kemang', version: 2 });
    expect((await enc.drafts.get('record-form'))?.value).to.deep.equal({ surname: 'MÜLLER', number: 'C01X00T47' });
    expect((await enc.drafts.list()).map((d) => d.value)).to.deep.equal([{ surname: 'MÜLLER', number: 'C01X00T47' }]);
  });

  it('finds records by document and by name prefix with encryption on', async () => {
    const c = open({ dbName: newDb(), encryption: {} });
    const a = await c.records.put(fullRecord());
    const b = await c.records.put(fullRecord({ surname: 'LUDENSTEIN', givenNames: 'ANNA', number: 'C01X00T48' }));
    await c.records.put(recordInput({ surname: 'SMITH', givenNames: 'JOHN', number: '123456789' }));
    expect((await c.records.findByDocument('d', 'c01x-00t47')).map((r) => r.id)).to.deep.equal([a.id]);
    expect((await c.records.findByDocument('D<<', 'c01x 00t48')).map((r) => r.id)).to.deep.equal([b.id]);
    expect(await c.records.findByDocument('D', 'C01X00T99')).to.deep.equal([]);
    const names = async (q: string): Promise<string[]> => (await c.records.searchByName(q)).map((r) => r.identity.surname).sort();
    expect(await names('mul')).to.deep.equal(['MÜLLER-LÜDENSCHEIDT']);
    expect(await names('MÜLLER')).to.deep.equal(['MÜLLER-LÜDENSCHEIDT']);
    expect(await names('hans mul')).to.deep.equal(['MÜLLER-LÜDENSCHEIDT']);
    expect(await names('anna mul')).to.deep.equal([]);
    expect(await names('luden')).to.deep.equal(['LUDENSTEIN', 'MÜLLER-LÜDENSCHEIDT']);
    // Longer than the hashed prefix (6): both share "ludens", only one continues with "ch".
    expect(await names('ludensch')).to.deep.equal(['MÜLLER-LÜDENSCHEIDT']);
    expect(await names('mullerludenscheidt')).to.deep.equal(['MÜLLER-LÜDENSCHEIDT']);
    expect(await names('j')).to.deep.equal(['SMITH']);
    expect(await names('zzz')).to.deep.equal([]);
  });

  it('name search reads further chunks when the hashed prefix has many non-matching rows', async () => {
    const c = open({ dbName: newDb(), encryption: {} });
    const many = Array.from({ length: 40 }, (_, i) => ({ ...fullRecord({ surname: 'LUDENSTEIN', number: `C01X0${String(i).padStart(2, '0')}47` }), id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` }));
    await c.records.putMany(many as NewRecordInput[]);
    const last = await c.records.put({ ...fullRecord({ surname: 'LUDENSCHEIDT', number: 'C01X00T77' }), id: 'ffffffff-ffff-4fff-8fff-ffffffffffff' } as NewRecordInput);
    expect((await c.records.searchByName('ludensch', { limit: 5 })).map((r) => r.id)).to.deep.equal([last.id]);
    expect(await c.records.searchByName('ludens', { limit: 5 })).to.have.length(5);
    expect(await c.records.searchByName('ludenst', { limit: 50 })).to.have.length(40);
  });

  it('pages and filters queries on decrypted data; name sorting is refused with a typed error', async () => {
    const c = open({ dbName: newDb(), encryption: {} });
    for (let i = 0; i < 7; i++) {
      await c.records.put(recordInput({ surname: `PERSON${i}`, number: `${i}2345678${i}`, identity: { surname: `PERSON${i}`, givenNames: 'X', sex: 'F', birthDate: '1990-01-01', nationality: i % 2 ? 'GBR' : 'AUS' } }));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await c.records.query({ filter: { nationality: 'GBR' }, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((r) => r.identity.surname));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).to.deep.equal(['PERSON1', 'PERSON3', 'PERSON5']);
    expect(await c.records.count({ nationality: 'AUS' })).to.equal(4);
    expect(await c.records.count()).to.equal(7);
    const err = await rejection(c.records.query({ sort: 'name' }));
    expect(err.code).to.equal('unsupported');
  });

  it('updates and deletes keep version checks (conflicts are typed)', async () => {
    const c = open({ dbName: newDb(), encryption: {} });
    const a = await c.records.put(fullRecord());
    const a2 = await c.records.put({ ...a, notes: 'changed' });
    expect(a2.version).to.equal(2);
    expect((await rejection(c.records.put({ ...a, notes: 'stale' }))).code).to.equal('conflict');
    expect((await rejection(c.records.delete(a.id, { expectedVersion: 1 }))).code).to.equal('conflict');
    expect((await rejection(c.records.put({ ...fullRecord(), id: a.id } as NewRecordInput))).code).to.equal('conflict');
    expect(await c.records.delete(a.id, { expectedVersion: 2 })).to.equal(true);
    expect(await c.records.get(a.id)).to.equal(undefined);
  });

  it('a tampered ciphertext gives decrypt_failed and no data', async () => {
    const name = newDb();
    const c = open({ dbName: name, encryption: {} });
    const a = await c.records.put(fullRecord());
    await rawUpdate(name, 'records', a.id, (row) => {
      const s = sealedOf(row);
      const bytes = new Uint8Array(s.ct.slice(0));
      bytes[5] = (bytes[5] as number) ^ 0x01;
      s.ct = bytes.buffer;
    });
    expect((await rejection(c.records.get(a.id))).code).to.equal('decrypt_failed');
    expect((await rejection(c.records.findByDocument('D', 'C01X00T47'))).code).to.equal('decrypt_failed');
    expect((await rejection(c.records.searchByName('hans'))).code).to.equal('decrypt_failed');
    expect((await rejection(c.records.query())).code).to.equal('decrypt_failed');
    // The IV is authenticated too.
    const b = await c.records.put(fullRecord({ number: 'C01X00T54' }));
    await rawUpdate(name, 'records', b.id, (row) => {
      const s = sealedOf(row);
      s.iv = s.iv.slice(0);
      s.iv[0] = (s.iv[0] as number) ^ 0x80;
    });
    expect((await rejection(c.records.get(b.id))).code).to.equal('decrypt_failed');
  });

  it('ciphertexts swapped between two rows are detected (id bound as AAD)', async () => {
    const name = newDb();
    const c = open({ dbName: name, encryption: {} });
    const a = await c.records.put(fullRecord());
    const b = await c.records.put(fullRecord({ surname: 'OTHER', number: 'C01X00T51' }));
    const dump = await rawDump(name);
    const rowA = dump.rows['records']?.find((r) => (r as { id: string }).id === a.id);
    const rowB = dump.rows['records']?.find((r) => (r as { id: string }).id === b.id);
    await rawUpdate(name, 'records', a.id, (row) => ((row['v'] as Record<string, unknown>)['$sealed'] = sealedOf(rowB)));
    await rawUpdate(name, 'records', b.id, (row) => ((row['v'] as Record<string, unknown>)['$sealed'] = sealedOf(rowA)));
    expect((await rejection(c.records.get(a.id))).code).to.equal('decrypt_failed');
    expect((await rejection(c.records.get(b.id))).code).to.equal('decrypt_failed');
  });

  it('lock makes reads and writes reject with code locked; unlock brings the data back', async () => {
    const c = open({ dbName: newDb(), encryption: {} });
    const a = await c.records.put(fullRecord());
    await c.drafts.put('d', { x: 1 });
    expect(c.encrypted).to.equal(true);
    expect(c.locked).to.equal(false);
    await c.lock();
    expect(c.locked).to.equal(true);
    for (const p of [c.records.get(a.id), c.records.put(fullRecord({ number: 'C01X00T55' })), c.records.query(), c.records.findByDocument('D', 'C01X00T47'), c.records.searchByName('hans'), c.drafts.get('d'), c.drafts.put('d', { x: 2 }), c.agencies.query(), c.records.count()]) {
      const err = await rejection(p);
      expect(err.code).to.equal('locked');
      expect(err.name).to.equal('LockedError');
    }
    await c.unlock();
    expect(await c.records.get(a.id)).to.deep.equal(a);
    expect((await c.drafts.get('d'))?.value).to.deep.equal({ x: 1 });
  });

  it('lock and unlock reject with unsupported when encryption is off', async () => {
    const c = open({ dbName: newDb() });
    expect(c.encrypted).to.equal(false);
    expect((await rejection(c.lock())).code).to.equal('unsupported');
    expect((await rejection(c.unlock())).code).to.equal('unsupported');
  });

  it('passphrase mode: starts locked, the first unlock sets the passphrase, a wrong one is rejected', async () => {
    const name = newDb();
    const c = open({ dbName: name, encryption: { mode: 'passphrase' } });
    expect(c.locked).to.equal(true);
    expect((await rejection(c.records.query())).code).to.equal('locked');
    await c.unlock('kuda baterai staples benar');
    const a = await c.records.put(fullRecord());
    await c.close();
    const dump = await rawDump(name);
    expect(dump.keys, 'no usable CryptoKey stored in passphrase mode').to.deep.equal([]);
    for (const s of SECRETS) expect(inClear(dump.text, s), s).to.equal(false);

    const c2 = open({ dbName: name, encryption: { mode: 'passphrase' } });
    expect((await rejection(c2.unlock('wrong passphrase'))).code).to.equal('wrong_passphrase');
    expect((await rejection(c2.unlock())).code).to.equal('wrong_passphrase');
    expect(c2.locked).to.equal(true);
    expect((await rejection(c2.records.get(a.id))).code).to.equal('locked');
    await c2.unlock('kuda baterai staples benar');
    expect(await c2.records.get(a.id)).to.deep.equal(a);
    await c2.lock();
    expect((await rejection(c2.records.get(a.id))).code).to.equal('locked');
  });

  it('two clients creating the keys at the same time end up with the same keys', async () => {
    const name = newDb();
    const a = open({ dbName: name, encryption: {} });
    const b = open({ dbName: name, encryption: {} });
    await Promise.all([(a.store as EncryptedTimporaStore).keyManager.keys(), (b.store as EncryptedTimporaStore).keyManager.keys()]);
    const saved = await a.records.put(fullRecord());
    expect(await b.records.get(saved.id)).to.deep.equal(saved);
    const fromB = await b.records.put(fullRecord({ number: 'C01X00T56' }));
    expect(await a.records.get(fromB.id)).to.deep.equal(fromB);
    expect((await rawDump(name)).keys).to.have.length(2);
  });

  it('keys are non-extractable (exportKey rejects), in memory and as stored', async () => {
    const name = newDb();
    const c = open({ dbName: name, encryption: {} });
    await c.records.put(fullRecord());
    const store = c.store as EncryptedTimporaStore;
    const mem = await store.keyManager.keys();
    const { keys: stored } = await rawDump(name);
    expect(stored).to.have.length(2);
    for (const k of [mem.enc, mem.mac, ...stored]) {
      expect(k.extractable).to.equal(false);
      let exported = false;
      try {
        await crypto.subtle.exportKey('raw', k);
        exported = true;
      } catch (e) {
        expect((e as DOMException).name).to.equal('InvalidAccessError');
      }
      expect(exported).to.equal(false);
    }
  });

  it('wipe deletes every store and the keys, then the client is closed', async () => {
    const name = newDb();
    const c = open({ dbName: name, encryption: {}, outbox: true });
    const a = await c.records.put(fullRecord());
    await c.drafts.put('d', { x: 1 });
    await c.wipe();
    expect((await rejection(c.records.get(a.id))).code).to.equal('closed');
    const dbsLeft = (await indexedDB.databases()).map((d) => d.name);
    if (dbsLeft.includes(name)) {
      const dump = await rawDump(name);
      expect(Object.values(dump.rows).flat()).to.deep.equal([]);
      expect(dump.keys).to.deep.equal([]);
    }
    expect(dbsLeft).to.not.include(name);
    // A new client on the same name starts empty with new keys.
    const c2 = open({ dbName: name, encryption: {} });
    expect(await c2.records.get(a.id)).to.equal(undefined);
    expect(await c2.records.count()).to.equal(0);
  });

  it('wipe works without encryption too', async () => {
    const name = newDb();
    const c = open({ dbName: name });
    await c.records.put(fullRecord());
    await c.wipe();
    expect((await indexedDB.databases()).map((d) => d.name)).to.not.include(name);
  });

  it('retention purge removes old records and drafts, keeps records with pending outbox entries, runs on open', async () => {
    const name = newDb();
    const t0 = NOW;
    const old = open({ dbName: name, encryption: {}, now: () => t0 });
    const stale = await old.records.put(fullRecord());
    await old.drafts.put('old-draft', { x: 1 });
    await old.close();
    const oldSync = open({ dbName: name, encryption: {}, now: () => t0, outbox: true });
    const pending = await oldSync.records.put(fullRecord({ surname: 'PENDING', number: 'C01X00T52' }));
    await oldSync.close();
    const later = new Date(t0.getTime() + 60 * 86_400_000);
    const fresh = open({ dbName: name, encryption: {}, now: () => later });
    const recent = await fresh.records.put(fullRecord({ surname: 'RECENT', number: 'C01X00T53' }));
    await fresh.close();

    const c = open({ dbName: name, encryption: {}, now: () => later, retentionDays: 30 });
    await c.open();
    await eventually(async () => (await c.records.get(stale.id)) === undefined);
    expect(await c.records.get(pending.id)).to.deep.equal(pending);
    expect(await c.records.get(recent.id)).to.deep.equal(recent);
    expect(await c.drafts.get('old-draft')).to.equal(undefined);
    // Nothing of the purged record is left in the database.
    const dump = await rawDump(name);
    expect((dump.rows['records'] as { id: string }[]).map((r) => r.id).sort()).to.deep.equal([pending.id, recent.id].sort());
    // Explicit call: nothing more to purge.
    expect(await c.purgeExpired()).to.deep.equal({ records: [], drafts: [] });
  });

  it('operations: title, description, team, address and linked records are sealed; scheduling fields stay for the calendar', async () => {
    const name = newDb();
    const c = open({ dbName: name, encryption: {} });
    const rec = await c.records.put(fullRecord());
    const op = await c.operations.put({
      kind: 'inspection', title: 'Visit Müller at Kemang', description: 'Informant Budiman says 3rd floor', leadAgency: 'imi-jakut',
      participatingAgencies: ['polda-metro'], team: [{ id: '198001012005011001', name: 'Brigadir Suparman', agencyId: 'polda-metro' }],
      location: { name: 'Kemang Village', address: 'Jl. Merdeka 1' }, start: '2025-06-20T09:00', end: '2025-06-20T11:00', timeZone: 'Asia/Jakarta',
      status: 'planned', recordIds: [rec.id],
    } as never);
    expect(await c.operations.get(op.id)).to.deep.equal(op);
    const page = await c.operations.query({ filter: { leadAgency: 'imi-jakut' } });
    expect(page.items.map((o) => o.id)).to.deep.equal([op.id]);
    const dump = await rawDump(name);
    for (const secret of ['suparman', 'kemang', 'budiman', 'merdeka', 'müller']) expect(inClear(dump.text, secret), secret).to.equal(false);
    const row = (dump.rows['operations'] as Record<string, unknown>[])[0] as { v: Record<string, unknown> };
    expect(Object.keys(row.v).sort()).to.deep.equal(['$sealed', 'createdAt', 'end', 'id', 'kind', 'leadAgency', 'participatingAgencies', 'sourceAgency', 'start', 'status', 'timeZone', 'updatedAt', 'version'].sort());
    expect(JSON.stringify(row.v)).to.not.contain(rec.id);
  });

  it('index rows keep only what lookups need: keyed hashes for document and names, no name sort key', async () => {
    const name = newDb();
    const c = open({ dbName: name, encryption: {} });
    const rec = await c.records.put(fullRecord());
    const dump = await rawDump(name);
    const row = (dump.rows['records'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    // Schema v6: the document's keyed hash is the last entry of `nm`, marked (no `doc` index).
    expect(Object.keys(row).sort()).to.deep.equal(['id', 'nm', 'src', 'st', 'upd', 'v'].sort());
    const nm = row['nm'] as string[];
    expect(nm.at(-1)?.startsWith(DOC_TOKEN_MARK)).to.equal(true);
    expect(nm.at(-1)?.slice(DOC_TOKEN_MARK.length)).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(nm.at(-1)).to.not.contain('C01X00T47');
    expect(nm.slice(0, -1).every((t) => /^[A-Za-z0-9_-]{22}$/.test(t))).to.equal(true);
    expect((await c.records.findByDocument(rec.document.issuingState, rec.document.number)).map((r) => r.id)).to.deep.equal([rec.id]);
    expect(row).to.not.have.property('ns');
    expect((row['upd'] as string[])[1]).to.equal(rec.id);
    // The same record without encryption does carry the clear keys (so the check above can fail).
    const plainName = newDb();
    const p = open({ dbName: plainName });
    await p.records.put(fullRecord());
    const plainRow = ((await rawDump(plainName)).rows['records'] as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect((plainRow['nm'] as string[]).some((t) => t.includes('C01X00T47'))).to.equal(true);
    expect(plainRow).to.have.property('ns');
  });

  it('a record of a status other than active keeps its sparse status key in clear, so status lists and counts use the index', async () => {
    const name = newDb();
    const c = open({ dbName: name, encryption: {} });
    const a = await c.records.put(fullRecord());
    const v1 = await c.records.put({ ...fullRecord(), status: 'violation' } as NewRecordInput);
    const v2 = await c.records.put({ ...fullRecord(), status: 'violation' } as NewRecordInput);
    const rows = (await rawDump(name)).rows['records'] as Record<string, unknown>[];
    expect(rows.filter((r) => 'xst' in r).map((r) => [r['id'], r['xst']])).to.have.deep.members([[v1.id, 'violation'], [v2.id, 'violation']]);
    const first = await c.records.query({ filter: { status: 'violation' }, limit: 1, direction: 'asc' });
    const rest = await c.records.query({ filter: { status: 'violation' }, limit: 1, direction: 'asc', cursor: first.nextCursor! });
    expect([...first.items, ...rest.items]).to.deep.equal([v1, v2].sort((x, y) => (x.updatedAt < y.updatedAt ? -1 : x.updatedAt > y.updatedAt ? 1 : x.id < y.id ? -1 : 1)));
    expect(await c.records.count({ status: 'violation' })).to.equal(2);
    expect(await c.records.count({ status: 'active' })).to.equal(1);
    expect((await c.records.query({ filter: { status: 'active' } })).items).to.deep.equal([a]);
  });
});
