// Runs the pure-Node tests (`test/**/*.node.test.ts`) with node:test. When PostgreSQL is installed and
// TIMPORA_PG_URL is not set, starts a throwaway cluster so the server's contract suite also runs on PostgreSQL.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startThrowawayPostgres } from './postgres.mjs';

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTests(path));
    else if (entry.name.endsWith('.node.test.ts')) out.push(path);
  }
  return out.sort();
}

const files = process.argv.length > 2 ? process.argv.slice(2) : findTests('test');
const env = { ...process.env };
let pg;
if (!env.TIMPORA_PG_URL && existsSync('/usr/lib/postgresql')) {
  pg = await startThrowawayPostgres();
  env.TIMPORA_PG_URL = pg.url;
  console.log(`PostgreSQL for the contract suite: ${pg.url}`);
}
try {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env,
  });
  process.exitCode = result.status ?? 1;
} finally {
  pg?.stop();
}
