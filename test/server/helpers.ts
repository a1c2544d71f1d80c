/**
 * Shared helpers of the server contract tests: engines, a running server per suite, typed HTTP calls
 * through `app.inject` (no sockets) and valid sample entities.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../sdk/model/types.ts';
import { createServer, type ServerOptions, type TimporaServer } from '../../server/app.ts';
import { PostgresStore } from '../../server/store/postgres.ts';
import { SqliteStore } from '../../server/store/sqlite.ts';
import type { Store } from '../../server/store/types.ts';

export const SECRET = 'test-secret-0123456789abcdef';
export const PG_URL = process.env['TIMPORA_PG_URL'];
export const PG_SKIP = PG_URL
  ? false
  : 'PostgreSQL contract suite skipped: TIMPORA_PG_URL is not set (`node scripts/test-node.mjs` starts one; or `node scripts/postgres.mjs > /tmp/pg.url &` and export its URL)';

/** An engine under test. */
export interface Engine {
  name: 'sqlite' | 'postgres';
  skip: string | false;
  open(): Store;
}

export const ENGINES: Engine[] = [
  { name: 'sqlite', skip: false, open: () => new SqliteStore({ path: ':memory:' }) },
  {
    name: 'postgres',
    skip: PG_SKIP,
    open: () => new PostgresStore({ connectionString: PG_URL ?? '', schema: `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`, poolSize: 10 }),
  },
];

/** A server on a fresh store; `close()` also drops the PostgreSQL schema. */
export async function startServer(engine: Engine, options: Partial<ServerOptions> = {}): Promise<TimporaServer> {
  const store = engine.open();
  const server = await createServer({ store, jwtSecret: SECRET, validateResponses: true, corsOrigins: ['http://demo.test'], authFailures: { max: 100_000, windowMs: 60_000 }, ...options });
  const close = server.close;
  server.close = async () => {
    await close();
    if (store instanceof PostgresStore) {
      const again = new PostgresStore({ connectionString: PG_URL ?? '', schema: store.schema, poolSize: 1 });
      await again.dropSchema();
      await again.close();
    }
  };
  return server;
}

/** Parsed JSON in assertions (tests read deep fields freely). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type J = any;

/** Answer of {@link call}. */
export interface Res {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  raw: string;
  json: J;
}

/** One HTTP call through Fastify's injector. */
export async function call(
  server: TimporaServer,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS' | 'PATCH',
  url: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  let payload: string | undefined;
  if (opts.rawBody !== undefined) {
    payload = opts.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const r = await server.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  let json: unknown;
  try {
    json = r.body ? JSON.parse(r.body) : undefined;
  } catch {
    json = undefined;
  }
  return { status: r.statusCode, headers: r.headers, raw: r.body, json };
}

/** A token for `role` of `agency`. */
export function tokenFor(server: TimporaServer, agency: string, role: Role, userId = `${role}@${agency}`): Promise<string> {
  return server.tokens.issue({ userId, agency, role });
}

/** A valid record body (no meta). */
export function sampleRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    identity: { surname: 'SMITH', givenNames: 'JOHN PAUL', sex: 'M', birthDate: '1980-05-17', nationality: 'GBR' },
    document: { type: 'passport', issuingState: 'GBR', number: '123456789', expiryDate: '2031-01-01' },
    status: 'active',
    findings: [],
    notes: 'Tinggal di apartemen',
    ...overrides,
  };
}

/** A valid operation body (no meta). */
export function sampleOperation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'joint_operation',
    title: 'Operasi gabungan Kuta',
    leadAgency: 'imi-dps',
    participatingAgencies: ['imi-dps', 'polda-bali'],
    team: [{ id: 'm1', name: 'Budi', agencyId: 'imi-dps' }],
    location: { name: 'Kuta' },
    start: '2026-12-01T08:00',
    end: '2026-12-01T12:00',
    timeZone: 'Asia/Makassar',
    status: 'planned',
    recordIds: [],
    ...overrides,
  };
}
