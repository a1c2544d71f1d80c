// A throwaway PostgreSQL cluster from Debian's binaries, in a temp folder, on a free loopback port.
// Used by the tests and benchmarks; runs as the `postgres` user when we are root (initdb refuses root).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function binDir() {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * Start a cluster; returns its connection URL and a `stop()` that removes it. `fsync` defaults to off (fast
 * tests; the cluster is thrown away); benchmarks that quote write throughput pass `{ fsync: true }`.
 */
export async function startThrowawayPostgres({ fsync = false } = {}) {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'timpora-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  const run = (cmd, args) => {
    const full = join(bin, cmd);
    if (asRoot) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' });
    else execFileSync(full, args, { stdio: 'pipe' });
  };
  run('initdb', ['-D', data, '-U', 'timpora', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  run('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${fsync ? 'on' : 'off'} -c max_connections=200`, 'start']);
  const url = `postgres://timpora@127.0.0.1:${port}/postgres`;
  return {
    url,
    stop() {
      const full = join(bin, 'pg_ctl');
      const args = ['-D', data, '-m', 'immediate', 'stop'];
      if (asRoot) spawnSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'ignore' });
      else spawnSync(full, args, { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// CLI: `node scripts/postgres.mjs` starts a throwaway cluster, prints its URL (only that, on stdout) and keeps it
// until Ctrl-C / SIGTERM, then removes it. E.g. `node scripts/postgres.mjs > /tmp/pg.url &` then
// `export TIMPORA_PG_URL="$(cat /tmp/pg.url)"` for the server, the contract suite or bench/sync.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const pg = await startThrowawayPostgres();
  process.stdout.write(`${pg.url}\n`);
  process.stderr.write('postgres.mjs: throwaway PostgreSQL running; Ctrl-C stops and removes it\n');
  const stop = () => {
    pg.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  setInterval(() => {}, 1 << 30);
}
