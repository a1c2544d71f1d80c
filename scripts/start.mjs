// `npm start`: the reference server on an embedded SQLite file plus the demo portal (built, then served under
// the strict CSP of demo/csp.js), in one command. Ctrl+C stops both.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

const serverPort = process.env.TIMPORA_SERVER_PORT ?? '8787';
const demoPort = process.env.TIMPORA_DEMO_PORT ?? '5173';
const host = process.env.TIMPORA_HOST ?? '127.0.0.1';
mkdirSync('server/data', { recursive: true });

const vite = 'node_modules/vite/bin/vite.js';
const apiUrl = `http://${host}:${serverPort}`;
const built = spawnSync(process.execPath, [vite, 'build', '--config', 'demo/vite.config.js', '--logLevel', 'warn'], {
  stdio: 'inherit',
  env: { ...process.env, VITE_TIMPORA_SERVER: apiUrl },
});
if (built.status !== 0) process.exit(built.status ?? 1);

const children = [
  spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    stdio: 'inherit',
    env: {
      ...process.env,
      PORT: serverPort,
      HOST: host,
      TIMPORA_DB: process.env.TIMPORA_DB ?? 'sqlite:server/data/demo.sqlite',
      TIMPORA_CORS_ORIGIN: process.env.TIMPORA_CORS_ORIGIN ?? `http://${host}:${demoPort},http://localhost:${demoPort}`,
    },
  }),
  spawn(process.execPath, [vite, 'preview', '--config', 'demo/vite.config.js', '--host', host, '--port', demoPort, '--strictPort'], {
    stdio: 'inherit',
    env: { ...process.env, VITE_TIMPORA_SERVER: apiUrl },
  }),
];

// Register the sample agencies once the server answers (admin-only writes, so not from the browser).
spawn(process.execPath, ['--import', 'tsx', 'scripts/seed-demo-server.ts', apiUrl], { stdio: 'inherit' });

console.log(`\nTimpora Kit demo: http://${host}:${demoPort}/  (reference server: ${apiUrl}/)\n`);

function stopAll(code = 0) {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
for (const child of children) {
  child.on('exit', (code) => {
    if (code) stopAll(code);
  });
}
process.on('SIGINT', () => stopAll());
process.on('SIGTERM', () => stopAll());
