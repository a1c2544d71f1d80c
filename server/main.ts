/**
 * Entrypoint of the reference server.
 *
 * Environment:
 * - `PORT` (default 8787), `HOST` (default 127.0.0.1)
 * - `TIMPORA_DB`: `sqlite:<path>` (default `sqlite:server/data/timpora.db`) or `postgres://...`
 * - `TIMPORA_PG_SCHEMA` (default `timpora`), `TIMPORA_PG_POOL` (default 20): PostgreSQL schema and pool size
 * - `TIMPORA_JWT_SECRET`: HS256 secret (a dev default is used, with a warning, when unset)
 * - `TIMPORA_JWT_AUDIENCE` (default `timpora-kit`)
 * - `TIMPORA_CORS_ORIGIN`: comma-separated allowed origins (default `http://localhost:5173`)
 * - `TIMPORA_DEV_AUTH`: `1`/`0` to force the dev-only `/auth/token` on or off (default on unless NODE_ENV=production)
 * - `TIMPORA_LOG`: `1` to log one line per request (no bodies, no personal data)
 *
 * Start: `node --import tsx server/main.ts`
 * @module
 */
import { createServer } from './app.ts';
import { openStore } from './store/open.ts';

const DEV_SECRET = 'timpora-dev-secret-change-me-please';

async function main(): Promise<void> {
  const env = process.env;
  const secret = env['TIMPORA_JWT_SECRET'];
  if (!secret) {
    if (env['NODE_ENV'] === 'production') throw new Error('TIMPORA_JWT_SECRET is required in production');
    process.stderr.write('WARNING: TIMPORA_JWT_SECRET is not set; using the public DEV secret. Never use this outside development.\n');
  }
  const dbSpec = env['TIMPORA_DB'] ?? 'sqlite:server/data/timpora.db';
  const store = openStore(dbSpec, {
    ...(env['TIMPORA_PG_SCHEMA'] ? { pgSchema: env['TIMPORA_PG_SCHEMA'] } : {}),
    ...(env['TIMPORA_PG_POOL'] ? { pgPoolSize: Number(env['TIMPORA_PG_POOL']) } : {}),
  });
  const devAuth = env['TIMPORA_DEV_AUTH'] === undefined ? undefined : env['TIMPORA_DEV_AUTH'] === '1';
  const server = await createServer({
    store,
    jwtSecret: secret ?? DEV_SECRET,
    audience: env['TIMPORA_JWT_AUDIENCE'] ?? 'timpora-kit',
    corsOrigins: (env['TIMPORA_CORS_ORIGIN'] ?? 'http://localhost:5173').split(',').map((s) => s.trim()).filter(Boolean),
    ...(devAuth !== undefined ? { devAuth } : {}),
    log: env['TIMPORA_LOG'] === '1',
  });
  const port = Number(env['PORT'] ?? 8787);
  const host = env['HOST'] ?? '127.0.0.1';
  await server.app.listen({ port, host });
  process.stdout.write(`timpora server (${store.engine}) listening on http://${host}:${port}\n`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`timpora server failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
