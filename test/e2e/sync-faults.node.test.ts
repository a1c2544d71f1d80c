// Fault tests of offline sync (issue 7, measured part). A real browser (headless Chromium, the outbox in
// IndexedDB) drives the real reference server (child process, SQLite file) through a seeded fault proxy:
// 1. the server is SIGKILLed and restarted at random points during 1,000-write pushes (TRIALS trials);
// 2. the proxy drops, delays, duplicates requests and loses answers;
// 3. two agencies edit the same records: every conflict is detected, nothing silently overwritten.
// "Lost" and "duplicated" are counted on the server side, straight from its SQLite database.
// Knobs: SYNC_FAULT_TRIALS (default 10), SYNC_FAULT_WRITES (default 1000), SYNC_FAULT_SEED (default 7).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'puppeteer-core';
import {
  ServerProcess,
  buildBundles,
  call,
  devToken,
  freePort,
  harnessProxy,
  launchChromium,
  openHarness,
  removeDir,
  tempDir,
  waitDrained,
} from './sync-faults-lib.ts';
import { NO_FAULTS, seeded, type FaultProxy } from './sync-faults-proxy.ts';
import type { WrittenSet } from './sync-faults-harness.ts';

const TRIALS = Number(process.env['SYNC_FAULT_TRIALS'] ?? 10);
const WRITES = Number(process.env['SYNC_FAULT_WRITES'] ?? 1000);
const SEED = Number(process.env['SYNC_FAULT_SEED'] ?? 7);
const CREATES = Math.round(WRITES * 0.8);
const UPDATES = WRITES - CREATES;
const DRAIN_MS = 10 * 60_000;

interface ServerView {
  /** Records of the set present on the server. */
  present: number;
  missing: string[];
  /** Records whose version is not the number of writes made (a write applied twice or lost). */
  wrongVersion: string[];
  wrongNotes: string[];
  /** Create+update audit entries per record beyond the writes made (a write applied twice). */
  duplicatedWrites: number;
  lostWrites: number;
  /** Records of the collection in the database (to catch extra rows). */
  totalRows: number;
}

/** Count on the server side: rows, versions, notes, and the audit trail of writes. */
function inspect(dbFile: string, set: WrittenSet): ServerView {
  const db = new Database(dbFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT id, version, deleted, data FROM entities WHERE collection = 'records'")
      .all() as Array<{ id: string; version: number; deleted: number; data: string }>;
    const byId = new Map(rows.map((r) => [r.id, r]));
    const audit = db
      .prepare("SELECT entity_id AS id, COUNT(*) AS n FROM audit WHERE collection = 'records' AND action IN ('create','update') GROUP BY entity_id")
      .all() as Array<{ id: string; n: number }>;
    const writes = new Map(audit.map((a) => [a.id, a.n]));
    const view: ServerView = { present: 0, missing: [], wrongVersion: [], wrongNotes: [], duplicatedWrites: 0, lostWrites: 0, totalRows: rows.length };
    for (const id of set.ids) {
      const row = byId.get(id);
      if (!row || row.deleted) {
        view.missing.push(id);
        continue;
      }
      view.present += 1;
      if (row.version !== set.expected[id]) view.wrongVersion.push(id);
      const notes = (JSON.parse(row.data) as { notes?: string }).notes ?? '';
      if (notes !== set.notes[id]) view.wrongNotes.push(id);
      const n = writes.get(id) ?? 0;
      const want = set.expected[id] ?? 0;
      if (n > want) view.duplicatedWrites += n - want;
      if (n < want) view.lostWrites += want - n;
    }
    return view;
  } finally {
    db.close();
  }
}

function assertExact(view: ServerView, set: WrittenSet, label: string): void {
  assert.deepEqual(view.missing, [], `${label}: records lost`);
  assert.equal(view.present, set.ids.length, `${label}: records present`);
  assert.equal(view.lostWrites, 0, `${label}: writes lost`);
  assert.equal(view.duplicatedWrites, 0, `${label}: writes applied twice`);
  assert.deepEqual(view.wrongVersion, [], `${label}: versions`);
  assert.deepEqual(view.wrongNotes, [], `${label}: content`);
}

describe('sync fault tests (real server, real browser)', { timeout: 40 * 60_000 }, () => {
  let dir = '';
  let browser: Browser;
  let server: ServerProcess;
  let proxy: FaultProxy;
  let dbFile = '';
  let officerA = '';
  let supervisorB = '';
  const summary: string[] = [];

  before(async () => {
    dir = tempDir('sync-faults');
    const { serverEntry, harnessJs } = await buildBundles();
    dbFile = `${dir}/server.db`;
    server = new ServerProcess(serverEntry, await freePort(), `sqlite:${dbFile}`);
    await server.start();
    proxy = await harnessProxy(() => server.port, harnessJs);
    officerA = await devToken(proxy.origin, 'imi-jakut', 'officer');
    supervisorB = await devToken(proxy.origin, 'polda-metro', 'supervisor');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await proxy?.close();
    await server?.stop();
    server?.kill();
    if (dir) removeDir(dir);
    process.stdout.write(`${summary.join('\n')}\n`);
  });

  it(`server SIGKILLed and restarted at random points during ${WRITES}-write pushes (${TRIALS} trials): zero lost, zero duplicated`, async () => {
    const page = await openHarness(browser, proxy.origin);
    proxy.setFaults(NO_FAULTS, SEED);
    let totalKills = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const random = seeded(SEED * 1000 + trial);
      // Even trials send through POST /batch (100 writes per request: about 16 requests, so a kill lands in the
      // middle of a batch being applied), odd trials one request per write.
      const batched = trial % 2 === 0;
      await call(page, 'init', { dbName: `kill-${SEED}-${trial}-${Date.now()}`, agencyId: 'imi-jakut', token: officerA, batchSize: batched ? 100 : 1 });
      const set = await call(page, 'writeOffline', CREATES, UPDATES, `kill${trial}`);
      assert.equal(await call(page, 'outboxCount'), WRITES);
      // One or two kill points, at random numbers of forwarded write requests.
      const kills = 1 + Math.floor(random() * 2);
      const span = batched ? 14 : WRITES - 2;
      const points = Array.from({ length: kills }, () => 1 + Math.floor(random() * span)).sort((a, b) => a - b);
      const base = proxy.stats.writes;
      const restarts: Promise<void>[] = [];
      let next = 0;
      proxy.onWrite = (count) => {
        const at = points[next];
        if (at === undefined || count - base < at || !server.ready) return;
        next += 1;
        server.kill();
        totalKills += 1;
        const downMs = 50 + Math.floor(random() * 400);
        restarts.push(new Promise((r) => setTimeout(r, downMs)).then(() => server.start()));
      };
      const started = Date.now();
      await call(page, 'start');
      await waitDrained(page, DRAIN_MS);
      await Promise.all(restarts);
      proxy.onWrite = null;
      const ms = Date.now() - started;
      const status = await call(page, 'status');
      assert.equal(status?.failed, 0, 'no failed writes');
      assert.equal(status?.conflicts, 0, 'own writes never reported as conflicts');
      const view = inspect(dbFile, set);
      assertExact(view, set, `trial ${trial}`);
      summary.push(
        `kill trial ${trial} (${batched ? 'batches of 100' : 'one request per write'}): ${WRITES} writes (${CREATES} creates, ${UPDATES} updates), kills at forwarded requests [${points.join(', ')}], ` +
          `requests ${proxy.stats.writes - base}, present ${view.present}/${set.ids.length}, lost ${view.lostWrites}, duplicated ${view.duplicatedWrites}, ${ms} ms`,
      );
      await call(page, 'close');
    }
    assert.ok(totalKills >= TRIALS, `at least one kill per trial (${totalKills})`);
    summary.push(`kill trials: ${TRIALS}, kills ${totalKills}, server starts ${server.starts}`);
    await page.browserContext().close();
  });

  it(`fault proxy (drop 10%, lose answer 10%, duplicate 10%, delay 30% up to 80 ms; seeded): ${WRITES} writes, zero lost, zero duplicated`, async () => {
    const page = await openHarness(browser, proxy.origin);
    const injected = { dropped: 0, lostAnswers: 0, duplicated: 0 };
    // Batched (POST /batch, ~20 requests per run) and one request per write (~1,000 requests per run).
    for (const [seed, batchSize] of [[SEED, 100], [SEED + 1, 1], [SEED + 2, 100]] as const) {
      proxy.setFaults({ drop: 0.1, loseAnswer: 0.1, duplicate: 0.1, delay: 0.3, maxDelayMs: 80 }, seed);
      proxy.resetStats();
      await call(page, 'init', { dbName: `proxy-${seed}-${Date.now()}`, agencyId: 'imi-jakut', token: officerA, batchSize });
      const set = await call(page, 'writeOffline', CREATES, UPDATES, `proxy${seed}`);
      const started = Date.now();
      await call(page, 'start');
      await waitDrained(page, DRAIN_MS);
      const ms = Date.now() - started;
      const status = await call(page, 'status');
      assert.equal(status?.failed, 0);
      assert.equal(status?.conflicts, 0);
      const view = inspect(dbFile, set);
      assertExact(view, set, `proxy seed ${seed}`);
      const s = proxy.stats;
      injected.dropped += s.dropped;
      injected.lostAnswers += s.lostAnswers;
      injected.duplicated += s.duplicated;
      summary.push(
        `proxy seed ${seed} (${batchSize > 1 ? `batches of ${batchSize}` : 'one request per write'}): ${WRITES} writes, ${s.requests} requests, dropped ${s.dropped}, lost answers ${s.lostAnswers}, duplicated ${s.duplicated}, delayed ${s.delayed}; ` +
          `present ${view.present}/${set.ids.length}, lost ${view.lostWrites}, duplicated ${view.duplicatedWrites}, ${ms} ms`,
      );
      await call(page, 'close');
    }
    assert.ok(injected.dropped > 0 && injected.lostAnswers > 0 && injected.duplicated > 0, `faults were injected: ${JSON.stringify(injected)}`);
    proxy.setFaults(NO_FAULTS, SEED);
    await page.browserContext().close();
  });

  it('two agencies editing the same records: every conflict detected, nothing silently overwritten', async () => {
    const N = 40;
    const pageA = await openHarness(browser, proxy.origin);
    const pageB = await openHarness(browser, proxy.origin);
    proxy.setFaults({ drop: 0.05, loseAnswer: 0.05, duplicate: 0.05, delay: 0.2, maxDelayMs: 40 }, SEED + 99);
    const tag = Date.now();
    await call(pageA, 'init', { dbName: `agencyA-${tag}`, agencyId: 'imi-jakut', token: officerA });
    await call(pageB, 'init', { dbName: `agencyB-${tag}`, agencyId: 'polda-metro', token: supervisorB });
    const set = await call(pageA, 'writeOffline', N, 0, 'base');
    await call(pageA, 'start');
    await waitDrained(pageA, DRAIN_MS);
    await call(pageB, 'start');
    await waitFor(async () => {
      const notes = await call(pageB, 'localNotes', set.ids);
      return set.ids.every((id) => notes[id] !== null);
    }, 'B has pulled every record');
    await call(pageA, 'stop');
    await call(pageB, 'stop');
    // Both edit every record offline, on the same base version.
    await call(pageA, 'editAll', set.ids, 'edit by A');
    await call(pageB, 'editAll', set.ids, 'edit by B');
    await Promise.all([call(pageA, 'start'), call(pageB, 'start')]);
    const settled = async (page: Page): Promise<boolean> => {
      const [count, status] = await Promise.all([call(page, 'outboxCount'), call(page, 'status')]);
      return !!status && !status.syncing && count === status.conflicts;
    };
    await waitFor(async () => (await settled(pageA)) && (await settled(pageB)), 'both settled');
    const conflictsA = await call(pageA, 'conflicts');
    const conflictsB = await call(pageB, 'conflicts');
    const eventsA = await call(pageA, 'conflictEvents');
    const eventsB = await call(pageB, 'conflictEvents');
    // Every record was edited twice on the same base: exactly one side must hold a conflict for it.
    assert.equal(conflictsA.length + conflictsB.length, N, 'one conflict per doubly-edited record');
    const conflicted = new Set([...conflictsA, ...conflictsB].map((c) => c.id));
    assert.equal(conflicted.size, N);
    assert.deepEqual(new Set([...eventsA, ...eventsB]), conflicted, 'every conflict also reached the app as an event');
    const db = new Database(dbFile, { readonly: true });
    const serverNotes = new Map(
      (db.prepare("SELECT id, data FROM entities WHERE collection = 'records'").all() as Array<{ id: string; data: string }>).map((r) => [
        r.id,
        (JSON.parse(r.data) as { notes?: string }).notes,
      ]),
    );
    db.close();
    for (const c of conflictsA) {
      assert.equal(c.local, 'edit by A');
      assert.equal(c.remote, 'edit by B');
      assert.equal(serverNotes.get(c.id), 'edit by B', 'server keeps the first write');
    }
    for (const c of conflictsB) {
      assert.equal(c.local, 'edit by B');
      assert.equal(c.remote, 'edit by A');
      assert.equal(serverNotes.get(c.id), 'edit by A');
    }
    // Resolve: A keeps its own version, B takes the server's.
    for (const c of conflictsA) await call(pageA, 'resolve', c.id, 'local');
    for (const c of conflictsB) await call(pageB, 'resolve', c.id, 'remote');
    await waitDrained(pageA, DRAIN_MS);
    await waitDrained(pageB, DRAIN_MS);
    const finalDb = new Database(dbFile, { readonly: true });
    const final = new Map(
      (finalDb.prepare("SELECT id, data FROM entities WHERE collection = 'records'").all() as Array<{ id: string; data: string }>).map((r) => [
        r.id,
        (JSON.parse(r.data) as { notes?: string }).notes,
      ]),
    );
    finalDb.close();
    for (const c of conflictsA) assert.equal(final.get(c.id), 'edit by A', 'resolved local wins');
    for (const c of conflictsB) assert.equal(final.get(c.id), 'edit by A', 'resolved remote kept');
    summary.push(
      `conflicts: ${N} records edited by both agencies; conflicts detected A ${conflictsA.length} + B ${conflictsB.length} = ${conflictsA.length + conflictsB.length}; ` +
        `events ${new Set([...eventsA, ...eventsB]).size}; proxy dropped ${proxy.stats.dropped}, lost answers ${proxy.stats.lostAnswers}, duplicated ${proxy.stats.duplicated}`,
    );
    proxy.setFaults(NO_FAULTS, SEED);
    await pageA.browserContext().close();
    await pageB.browserContext().close();
  });
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = DRAIN_MS): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
