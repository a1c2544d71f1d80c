/**
 * The reference server of the Timpora sharing contract (docs/openapi.yaml), as a factory for tests and
 * for `server/main.ts`.
 * @module
 */
import { createHash, randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ValidationIssue } from '../sdk/model/validation.ts';
import { hasErrors } from '../sdk/model/validation.ts';
import { AuthFailureLimiter, TokenService, canSeeRestricted, hasControlChars, type Principal } from './auth.ts';
import { ajvIssues, contract } from './contract.ts';
import {
  changedFields,
  collectionSpec,
  dataFields,
  restrictedFindings,
  restrictedWrites,
  viewFor,
  type CollectionSpec,
  type Entity,
} from './domain.ts';
import { ApiError, validationFailed } from './errors.ts';
import type { AuditAction, AuditInput, Collection, RetentionOptions, Store, StoredEntity, StoredResponse } from './store/types.ts';
import { COLLECTIONS } from './store/types.ts';

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** An opened storage engine (see `openStore`). The server does not close it unless `ownsStore`. */
  store: Store;
  /** Close the store when the server closes (default true). */
  ownsStore?: boolean;
  /** HS256 secret of access tokens (at least 16 characters). */
  jwtSecret: string;
  /** Expected `aud` claim (default `timpora-kit`). */
  audience?: string;
  /** Origins allowed by CORS (exact match; `*` allows any). Default none. */
  corsOrigins?: readonly string[];
  /** Enable the dev-only `POST /auth/token` (default: true unless NODE_ENV=production). */
  devAuth?: boolean;
  /** Validate every JSON response against the contract; a mismatch becomes a 500 (tests turn this on). */
  validateResponses?: boolean;
  /** Change-feed and idempotency retention. */
  retention?: RetentionOptions;
  /** Prune retention every N successful writes (default 1000). */
  pruneEvery?: number;
  /** Authentication failures allowed per address and window before 429 (default 20 per 60 s). */
  authFailures?: { max: number; windowMs: number };
  /** Clock (tests). */
  now?: () => number;
  /** Log one line per request (method, route pattern, status, ms; never bodies or personal data). */
  log?: boolean;
  /** Maximum body size in bytes (default 6 MiB: records may carry a JPEG photo). */
  bodyLimit?: number;
}

/** A running server instance. */
export interface TimporaServer {
  app: FastifyInstance;
  store: Store;
  tokens: TokenService;
  /** Applies retention now; returns the new change-feed horizon. */
  prune(): Promise<number>;
  close(): Promise<void>;
}

interface Ctx {
  /** The request (or, for a `/batch` item, the single request the item stands for). */
  req: Pick<FastifyRequest, 'body' | 'method' | 'url'>;
  principal: Principal;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  params: Record<string, string>;
}

/** One item of `POST /batch` (schema `BatchItem` in docs/openapi.yaml). */
interface BatchItem {
  method: 'PUT' | 'DELETE';
  collection: Collection;
  id: string;
  ifMatch?: string;
  idempotencyKey: string;
  body?: unknown;
}

interface Answer {
  status: number;
  /** Serialized JSON (sent byte for byte), or undefined for no body. */
  body?: string;
  headers?: Record<string, string>;
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-site',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-dns-prefetch-control': 'off',
  'x-permitted-cross-domain-policies': 'none',
  'cache-control': 'no-store',
};

const CORS_ALLOW_HEADERS = 'authorization, content-type, if-match, if-none-match, idempotency-key';
const CORS_EXPOSE_HEADERS = 'etag, location, retry-after, idempotent-replayed';

/** Deepest JSON nesting accepted in a body (entities need about 6). */
export const MAX_JSON_DEPTH = 32;

/** True when `text` nests arrays/objects deeper than `max` (strings are skipped; iterative, no recursion). */
export function jsonDepthExceeds(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \\ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) depth--;
  }
  return false;
}

/** ETag of a version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** True when an If-Match header value matches `version` (`*`, strong or weak list). */
export function ifMatchMatches(header: string, version: number): boolean {
  return header
    .split(',')
    .map((s) => s.trim())
    .some((t) => t === '*' || t === `"${version}"` || t === `W/"${version}"`);
}

/** JSON with sorted keys (request fingerprints). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function encodeToken(payload: object): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

function decodeToken<T>(token: string, check: (v: unknown) => v is T): T {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {
    // fall through
  }
  throw validationFailed([{ code: 'invalid_format', path: 'query.pageToken', severity: 'error' }]);
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Creates the Fastify app on an opened store. Call `app.listen()` or `app.inject()`. */
export async function createServer(options: ServerOptions): Promise<TimporaServer> {
  const store = options.store;
  const now = options.now ?? Date.now;
  const audience = options.audience ?? 'timpora-kit';
  const tokens = new TokenService(options.jwtSecret, audience, now);
  const limiter = new AuthFailureLimiter(options.authFailures?.max ?? 20, options.authFailures?.windowMs ?? 60_000, now);
  const devAuth = options.devAuth ?? process.env['NODE_ENV'] !== 'production';
  const cors = new Set(options.corsOrigins ?? []);
  const retention = options.retention ?? {};
  const pruneEvery = options.pruneEvery ?? 1000;
  const c = contract();
  let writesSincePrune = 0;
  let pruning: Promise<number> | undefined;

  const prune = async (): Promise<number> => {
    pruning ??= store.prune(now(), retention).finally(() => {
      pruning = undefined;
    });
    return pruning;
  };

  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 6 * 1024 * 1024,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: true,
  });

  // JSON only: a text/plain body is 415, not a string to validate. JSON nested deeper than MAX_JSON_DEPTH is
  // refused before parsing (deep nesting would otherwise overflow the stack of recursive code: a 500).
  app.removeContentTypeParser('text/plain');
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(new ApiError(400, 'bad_request', 'JSON nested too deeply.', { issues: [{ code: 'too_many', path: '', severity: 'error', params: { maxDepth: MAX_JSON_DEPTH } }] }), undefined);
      return;
    }
    jsonParser(req, text, done);
  });

  // ---- cross-cutting hooks -------------------------------------------------------------------------------
  app.addHook('onRequest', async (req, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    const origin = req.headers.origin;
    if (origin && (cors.has('*') || cors.has(origin))) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      reply.header('access-control-expose-headers', CORS_EXPOSE_HEADERS);
    }
  });
  if (options.log) {
    app.addHook('onResponse', async (req, reply) => {
      // Route pattern only: no ids, no query, no bodies.
      process.stdout.write(`${req.method} ${req.routeOptions.url ?? '-'} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms\n`);
    });
  }

  app.options('*', async (req, reply) => {
    const origin = req.headers.origin;
    if (origin && (cors.has('*') || cors.has(origin))) {
      reply.header('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS');
      reply.header('access-control-allow-headers', CORS_ALLOW_HEADERS);
      reply.header('access-control-max-age', '600');
    }
    return reply.code(204).send();
  });

  const sendError = (reply: FastifyReply, err: ApiError): FastifyReply => {
    for (const [k, v] of Object.entries(err.extra.headers ?? {})) reply.header(k, v);
    return reply.code(err.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(err.toBody()));
  };

  app.setNotFoundHandler((req, reply) => sendError(reply, new ApiError(404, 'not_found', 'No such endpoint.')));
  app.setErrorHandler((error: unknown, req, reply) => {
    if (error instanceof ApiError) return sendError(reply, error);
    const e = error as { statusCode?: number; code?: string };
    const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
    if (status === 413) return sendError(reply, new ApiError(413, 'payload_too_large', 'Request body too large.'));
    if (status === 415) return sendError(reply, new ApiError(415, 'unsupported_media_type', 'Send application/json.'));
    if (status >= 400 && status < 500) {
      return sendError(reply, new ApiError(400, 'bad_request', 'The request body is not valid JSON.', { issues: [{ code: 'invalid_type', path: '', severity: 'error', params: { expected: 'json' } }] }));
    }
    // Never echo internals (they may contain personal data from SQL parameters).
    process.stderr.write(`timpora-server: internal error on ${req.method} ${req.routeOptions.url ?? '-'}: ${e.code ?? (error instanceof Error ? error.name : 'unknown')}\n`);
    return sendError(reply, new ApiError(500, 'internal', 'Internal server error.'));
  });

  // ---- helpers -------------------------------------------------------------------------------------------
  const addressOf = (req: FastifyRequest): string => req.ip;

  const authenticate = async (req: FastifyRequest): Promise<Principal> => {
    const address = addressOf(req);
    limiter.check(address);
    try {
      return await tokens.verify(req.headers.authorization);
    } catch (e) {
      limiter.fail(address);
      throw e;
    }
  };

  const validateParams = (path: string, method: string, req: FastifyRequest): Pick<Ctx, 'query' | 'headers' | 'params'> => {
    const v = c.validators(path, method);
    const query = { ...(req.query as Record<string, unknown>) };
    const issues: ValidationIssue[] = [];
    for (const [k, val] of Object.entries(query)) {
      if (Array.isArray(val)) issues.push({ code: 'invalid_type', path: `query.${k}`, severity: 'error', params: { expected: 'string' } });
      // NUL and other C0 controls have no business in parameters (and PostgreSQL text refuses NUL: a 500).
      else if (typeof val === 'string' && hasControlChars(val)) issues.push({ code: 'invalid_format', path: `query.${k}`, severity: 'error' });
    }
    if (!v.query(query)) issues.push(...ajvIssues(v.query.errors, 'query'));
    const headers = req.headers as Record<string, unknown>;
    if (!v.headers(headers)) issues.push(...ajvIssues(v.headers.errors, 'header'));
    const params = req.params as Record<string, string>;
    if (!v.path(params)) issues.push(...ajvIssues(v.path.errors, 'path'));
    if (issues.length) throw validationFailed(issues);
    return { query, headers, params };
  };

  const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({ status, body: JSON.stringify(body), headers });

  const send = (reply: FastifyReply, path: string, method: string, a: Answer): FastifyReply => {
    if (options.validateResponses && a.body !== undefined && a.status !== 500) {
      const issues = c.validateResponse(path, method.toLowerCase(), a.status, JSON.parse(a.body));
      if (issues.length) {
        return sendError(reply, new ApiError(500, 'internal', `Response does not match the contract (${method} ${path} ${a.status}).`, { issues }));
      }
    }
    for (const [k, v] of Object.entries(a.headers ?? {})) reply.header(k, v);
    reply.code(a.status);
    if (a.body === undefined) return reply.send();
    return reply.header('content-type', 'application/json; charset=utf-8').send(a.body);
  };

  /** Registers one contract operation. */
  const route = (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    handler: (ctx: Ctx) => Promise<Answer>,
    opts: { public?: boolean } = {},
  ): void => {
    const url = path.replace(/\{(\w+)\}/g, ':$1');
    app.route({
      method,
      url,
      handler: async (req, reply) => {
        const principal = opts.public ? { userId: '', agency: '', role: 'viewer' as const } : await authenticate(req);
        const p = validateParams(path, method.toLowerCase(), req);
        const answer = await handler({ req, principal, ...p });
        return send(reply, path, method, answer);
      },
    });
  };

  const audit = (p: Principal, action: AuditAction, collection: Collection, entityId: string, fields: string[], at = new Date(now()).toISOString()): AuditInput => ({
    at,
    userId: p.userId,
    agency: p.agency,
    role: p.role,
    action,
    collection,
    entityId,
    fields,
  });

  const parse = (e: StoredEntity): Entity => JSON.parse(e.data) as Entity;

  const idempotencyKey = (ctx: Ctx): string | undefined => {
    const k = ctx.headers['idempotency-key'];
    return typeof k === 'string' ? k : undefined;
  };

  /** Path without query, percent-decoded (`/records/a%3Ab` and `/records/a:b`, or a `/batch` item, are one write). */
  const pathOf = (url: string): string => {
    const raw = url.split('?')[0] ?? '';
    try {
      return decodeURIComponent(raw);
    } catch {
      return raw;
    }
  };
  const fingerprint = (ctx: Ctx): string => sha256(`${ctx.req.method} ${pathOf(ctx.req.url)}\n${canonical(ctx.req.body ?? null)}`);

  const replayAnswer = (r: StoredResponse): Answer => {
    const headers: Record<string, string> = { 'idempotent-replayed': 'true' };
    if (r.etag) headers['etag'] = r.etag;
    if (r.location) headers['location'] = r.location;
    return r.body === '' ? { status: r.status, headers } : { status: r.status, body: r.body, headers };
  };

  /** Replays a stored answer, or 422 when the key was used for another request. */
  const checkReplay = async (ctx: Ctx, fp: string): Promise<Answer | undefined> => {
    const key = idempotencyKey(ctx);
    if (!key) return undefined;
    const hit = await store.findIdempotent(ctx.principal.userId, key);
    if (!hit) return undefined;
    if (hit.fingerprint !== fp) {
      throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
    }
    return replayAnswer(hit.response);
  };

  const afterWrite = (): void => {
    if (++writesSincePrune >= pruneEvery) {
      writesSincePrune = 0;
      void prune().catch(() => {});
    }
  };

  const stripBody = (spec: CollectionSpec, body: unknown): Entity => {
    // Shape issues come from the contract schema and the sdk/model validator; unknown top-level keys are dropped.
    const out: Entity = {};
    if (isObj(body)) for (const [k, v] of Object.entries(body)) if (spec.fields.has(k)) out[k] = v;
    return out;
  };

  /** Contract schema + sdk/model validation of a body; throws 400 with issues. */
  const validateEntity = (spec: CollectionSpec, body: unknown, candidate: Entity): void => {
    if (!isObj(body)) throw validationFailed([{ code: 'invalid_type', path: '', severity: 'error', params: { expected: 'object' } }]);
    let domain: ValidationIssue[];
    try {
      domain = spec.validate(candidate, new Date(now()));
    } catch {
      domain = [{ code: 'invalid_type', path: '', severity: 'error' }];
    }
    const schema = c.validateSchema(spec.inputSchema, isObj(body) ? stripBody(spec, body) : body);
    // The sdk/model codes win; schema issues only where the domain validator said nothing about that path.
    const paths = new Set(domain.map((i) => i.path));
    const issues = [...domain, ...schema.filter((i) => ![...paths].some((p) => i.path === p || i.path.startsWith(p + '.') || p.startsWith(i.path + '.')))];
    if (hasErrors(issues)) throw validationFailed(issues);
  };

  /** The answer for `entity` as `p` may see it; reuses `stored` (the stored JSON) when the view is the entity itself. */
  const entityAnswer = (status: number, collection: Collection, entity: Entity, stored: string, p: Principal, extra: Record<string, string> = {}): Answer => {
    const view = viewFor(collection, entity, p.role);
    const headers = { etag: etagOf(entity['version'] as number), ...extra };
    return view === entity ? { status, body: stored, headers } : json(status, view, headers);
  };

  const currentView = (collection: Collection, current: StoredEntity, p: Principal): Entity => viewFor(collection, parse(current), p.role);

  // ---- create / update / delete --------------------------------------------------------------------------
  const create = async (ctx: Ctx, spec: CollectionSpec, id: string, fp: string): Promise<Answer> => {
    const p = ctx.principal;
    if (!spec.canCreate(p)) throw new ApiError(403, 'forbidden', `Role ${p.role} may not create ${spec.name}.`);
    const body = ctx.req.body;
    const fields = stripBody(spec, body);
    if (spec.name === 'records' && !canSeeRestricted(p.role)) {
      const bad = restrictedWrites(fields, new Set());
      if (bad.length) throw new ApiError(403, 'restricted_field', 'Your role may not write restricted fields.', { issues: bad });
    }
    const at = new Date(now()).toISOString();
    const entity: Entity = { id, sourceAgency: p.agency, createdAt: at, updatedAt: at, version: 1, ...spec.defaults(fields) };
    validateEntity(spec, body, entity);
    const location = `/${spec.name}/${encodeURIComponent(id)}`;
    const data = JSON.stringify(entity);
    const answer = entityAnswer(201, spec.name, entity, data, p, { location });
    const key = idempotencyKey(ctx);
    const outcome = await store.write({
      kind: 'create',
      collection: spec.name,
      id,
      next: { collection: spec.name, id, version: 1, sourceAgency: p.agency, updatedAt: at, deleted: false, data },
      status: spec.status(entity),
      audit: spec.personal ? [audit(p, 'create', spec.name, id, dataFields(entity))] : [],
      ...(key ? { idempotency: { subject: p.userId, key, fingerprint: fp, response: { status: 201, body: answer.body ?? '', etag: etagOf(1), location } } } : {}),
    });
    if (outcome.kind === 'exists') throw new ApiError(409, 'already_exists', `An entity with this id exists (or existed) in ${spec.name}.`);
    if (outcome.kind === 'replay') {
      if (outcome.record.fingerprint !== fp) throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
      return replayAnswer(outcome.record.response);
    }
    if (outcome.kind === 'conflict') throw new ApiError(409, 'already_exists', 'Concurrent create.');
    afterWrite();
    return answer;
  };

  const requireEditable = (ctx: Ctx, spec: CollectionSpec, current: StoredEntity): void => {
    const p = ctx.principal;
    if (!spec.canEdit(p, current.sourceAgency)) {
      throw new ApiError(403, 'forbidden', p.role === 'viewer' ? 'Viewers are read-only.' : 'Only the owning agency or a supervisor may change this entity.');
    }
  };

  const checkPrecondition = (ctx: Ctx, spec: CollectionSpec, current: StoredEntity): void => {
    const ifMatch = ctx.headers['if-match'];
    if (typeof ifMatch !== 'string') {
      throw new ApiError(428, 'precondition_required', 'Send If-Match with the ETag you last read.', { current: currentView(spec.name, current, ctx.principal) });
    }
    if (!ifMatchMatches(ifMatch, current.version)) throw conflict(spec, current, ctx.principal);
  };

  const conflict = (spec: CollectionSpec, current: StoredEntity, p: Principal): ApiError =>
    new ApiError(412, 'version_conflict', 'The entity changed since you read it.', {
      current: currentView(spec.name, current, p),
      headers: { etag: etagOf(current.version) },
    });

  const update = async (ctx: Ctx, spec: CollectionSpec, current: StoredEntity, fp: string): Promise<Answer> => {
    const p = ctx.principal;
    requireEditable(ctx, spec, current);
    checkPrecondition(ctx, spec, current);
    const before = parse(current);
    const body = ctx.req.body;
    let fields = stripBody(spec, body);
    if (spec.name === 'records' && !canSeeRestricted(p.role)) {
      const stored = restrictedFindings(before);
      const bad = restrictedWrites(fields, new Set(stored.map((f) => String(f['id']))));
      if (bad.length) throw new ApiError(403, 'restricted_field', 'Your role may not write restricted fields.', { issues: bad });
      // Keep what this role cannot see: never wipe restricted content.
      fields = { ...fields };
      if (before['restrictedNotes'] !== undefined) fields['restrictedNotes'] = before['restrictedNotes'];
      // (A non-array `findings` is left as sent, so validation reports it.)
      if (stored.length && (fields['findings'] === undefined || Array.isArray(fields['findings']))) {
        fields['findings'] = [...((fields['findings'] as unknown[] | undefined) ?? []), ...stored];
      }
    }
    const at = new Date(now()).toISOString();
    const version = current.version + 1;
    const entity: Entity = {
      id: current.id,
      sourceAgency: current.sourceAgency,
      createdAt: before['createdAt'],
      updatedAt: at,
      version,
      ...spec.defaults(fields),
    };
    validateEntity(spec, body, entity);
    const data = JSON.stringify(entity);
    const answer = entityAnswer(200, spec.name, entity, data, p);
    const key = idempotencyKey(ctx);
    const outcome = await store.write({
      kind: 'update',
      collection: spec.name,
      id: current.id,
      expectedVersion: current.version,
      next: { collection: spec.name, id: current.id, version, sourceAgency: current.sourceAgency, updatedAt: at, deleted: false, data },
      status: spec.status(entity),
      audit: spec.personal ? [audit(p, 'update', spec.name, current.id, changedFields(before, entity))] : [],
      ...(key ? { idempotency: { subject: p.userId, key, fingerprint: fp, response: { status: 200, body: answer.body ?? '', etag: etagOf(version) } } } : {}),
    });
    if (outcome.kind === 'replay') {
      if (outcome.record.fingerprint !== fp) throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
      return replayAnswer(outcome.record.response);
    }
    if (outcome.kind === 'conflict') {
      if (!outcome.current || outcome.current.deleted) throw new ApiError(404, 'not_found', 'The entity was deleted.');
      throw conflict(spec, outcome.current, p);
    }
    if (outcome.kind === 'exists') throw new ApiError(409, 'already_exists', 'Unexpected state.');
    afterWrite();
    return answer;
  };

  const remove = async (ctx: Ctx, spec: CollectionSpec, current: StoredEntity, fp: string): Promise<Answer> => {
    const p = ctx.principal;
    requireEditable(ctx, spec, current);
    checkPrecondition(ctx, spec, current);
    const before = parse(current);
    const at = new Date(now()).toISOString();
    const version = current.version + 1;
    // The tombstone keeps no personal data.
    const tombstone = { id: current.id, sourceAgency: current.sourceAgency, createdAt: before['createdAt'], updatedAt: at, version, deleted: true };
    const key = idempotencyKey(ctx);
    const outcome = await store.write({
      kind: 'delete',
      collection: spec.name,
      id: current.id,
      expectedVersion: current.version,
      next: { collection: spec.name, id: current.id, version, sourceAgency: current.sourceAgency, updatedAt: at, deleted: true, data: JSON.stringify(tombstone) },
      audit: spec.personal ? [audit(p, 'delete', spec.name, current.id, dataFields(before))] : [],
      ...(key ? { idempotency: { subject: p.userId, key, fingerprint: fp, response: { status: 204, body: '' } } } : {}),
    });
    if (outcome.kind === 'replay') {
      if (outcome.record.fingerprint !== fp) throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
      return replayAnswer(outcome.record.response);
    }
    if (outcome.kind === 'conflict') {
      if (!outcome.current || outcome.current.deleted) throw new ApiError(404, 'not_found', 'The entity was deleted.');
      throw conflict(spec, outcome.current, p);
    }
    afterWrite();
    return { status: 204 };
  };

  const liveOrNotFound = async (collection: Collection, id: string): Promise<StoredEntity> => {
    const current = await store.get(collection, id);
    if (!current || current.deleted) throw new ApiError(404, 'not_found', `No such entity in ${collection}.`);
    return current;
  };

  // ---- routes --------------------------------------------------------------------------------------------
  route('GET', '/health', async () => json(200, { status: 'ok', engine: store.engine }), { public: true });

  route(
    'POST',
    '/auth/token',
    async (ctx) => {
      if (!devAuth) throw new ApiError(404, 'not_found', 'Dev sign-in is disabled.');
      const issues = c.validateSchema('DevTokenRequest', ctx.req.body);
      if (issues.length) throw validationFailed(issues);
      const b = ctx.req.body as { sub: string; agency: string; role: Principal['role']; ttlSeconds?: number };
      const ttl = b.ttlSeconds ?? 3600;
      const accessToken = await tokens.issue({ userId: b.sub, agency: b.agency, role: b.role }, ttl);
      return json(200, { accessToken, tokenType: 'Bearer', expiresIn: ttl });
    },
    { public: true },
  );

  /** The single-write handlers per collection, which `/batch` items run. */
  const singleWrites = new Map<Collection, Record<'PUT' | 'DELETE', (ctx: Ctx) => Promise<Answer>>>();

  for (const name of COLLECTIONS) {
    const spec = collectionSpec(name);
    const base = `/${name}`;
    const one = `/${name}/{id}`;

    route('GET', base, async (ctx) => {
      const q = ctx.query;
      const limit = (q['limit'] as number | undefined) ?? 100;
      const filters = { sourceAgency: q['sourceAgency'], status: q['status'], updatedSince: q['updatedSince'] };
      const filterHash = sha256(canonical(filters)).slice(0, 12);
      let afterId: string | undefined;
      if (typeof q['pageToken'] === 'string') {
        const t = decodeToken(q['pageToken'], (v): v is { a: string; f: string } => isObj(v) && typeof v['a'] === 'string' && typeof v['f'] === 'string');
        if (t.f !== filterHash) throw validationFailed([{ code: 'invalid_format', path: 'query.pageToken', severity: 'error', params: { reason: 'filters_changed' } }]);
        afterId = t.a;
      }
      const head = await store.head();
      const rows = await store.list(name, {
        limit: limit + 1,
        ...(afterId !== undefined ? { afterId } : {}),
        ...(typeof filters.sourceAgency === 'string' ? { sourceAgency: filters.sourceAgency } : {}),
        ...(typeof filters.status === 'string' ? { status: filters.status } : {}),
        ...(typeof filters.updatedSince === 'string' ? { updatedSince: filters.updatedSince } : {}),
      });
      const page = rows.slice(0, limit);
      const items = page.map((r) => viewFor(name, parse(r), ctx.principal.role));
      if (spec.personal && items.length) {
        await store.appendAudit(items.map((e) => audit(ctx.principal, 'list', name, String(e['id']), dataFields(e))));
      }
      const body: Record<string, unknown> = { items, cursor: String(head) };
      const last = page[page.length - 1];
      if (rows.length > limit && last) body['nextPageToken'] = encodeToken({ a: last.id, f: filterHash });
      return json(200, body);
    });

    route('POST', base, async (ctx) => {
      const fp = fingerprint(ctx);
      const replay = await checkReplay(ctx, fp);
      if (replay) return replay;
      const b = ctx.req.body;
      let id: string = randomUUID();
      if (isObj(b) && b['id'] !== undefined) {
        const issues = c.validateSchema('Id', b['id'], 'id');
        if (issues.length) throw validationFailed(issues);
        id = b['id'] as string;
      } else if (name === 'agencies') {
        throw validationFailed([{ code: 'required', path: 'id', severity: 'error' }]);
      }
      return create(ctx, spec, id, fp);
    });

    route('GET', one, async (ctx) => {
      const current = await liveOrNotFound(name, ctx.params['id'] ?? '');
      const full = parse(current);
      const entity = viewFor(name, full, ctx.principal.role);
      if (spec.personal) await store.appendAudit([audit(ctx.principal, 'read', name, current.id, dataFields(entity))]);
      const headers = { etag: etagOf(current.version) };
      return entity === full ? { status: 200, body: current.data, headers } : json(200, entity, headers);
    });

    const putOne = async (ctx: Ctx): Promise<Answer> => {
      const fp = fingerprint(ctx);
      const replay = await checkReplay(ctx, fp);
      if (replay) return replay;
      const id = ctx.params['id'] ?? '';
      const current = await store.get(name, id);
      if (!current) {
        if (typeof ctx.headers['if-match'] === 'string') throw new ApiError(404, 'not_found', `No such entity in ${name}; omit If-Match to create it.`);
        return create(ctx, spec, id, fp);
      }
      if (current.deleted) throw new ApiError(typeof ctx.headers['if-match'] === 'string' ? 404 : 409, typeof ctx.headers['if-match'] === 'string' ? 'not_found' : 'already_exists', 'The entity was deleted.');
      return update(ctx, spec, current, fp);
    };
    const deleteOne = async (ctx: Ctx): Promise<Answer> => {
      const fp = fingerprint(ctx);
      const replay = await checkReplay(ctx, fp);
      if (replay) return replay;
      const current = await liveOrNotFound(name, ctx.params['id'] ?? '');
      return remove(ctx, spec, current, fp);
    };
    singleWrites.set(name, { PUT: putOne, DELETE: deleteOne });
    route('PUT', one, putOne);
    route('DELETE', one, deleteOne);
  }

  route('POST', '/batch', async (ctx) => {
    const issues = c.validateSchema('BatchRequest', ctx.req.body);
    if (issues.length) throw validationFailed(issues);
    const items = (ctx.req.body as { items: BatchItem[] }).items;
    // Each item runs exactly as its single request (If-Match, Idempotency-Key, access control, validation,
    // audit, one conditional write). Items that touch neither the same entity nor the same idempotency key
    // as an earlier item run concurrently, so their writes reach the store together and share its group
    // commit (one transaction, one savepoint or subtransaction per write: a failing item undoes only itself).
    // An item that shares an entity or key with an earlier one starts only after that one is decided, so it
    // sees its outcome exactly as a later single request would. The answer goes out only when every item is
    // decided, and every store write resolves only after its commit, so every reported success is durable.
    const runItem = async (item: BatchItem): Promise<string> => {
      const url = `/${item.collection}/${item.id}`;
      const headers: Record<string, unknown> = { 'idempotency-key': item.idempotencyKey };
      if (item.ifMatch !== undefined) headers['if-match'] = item.ifMatch;
      const itemCtx: Ctx = {
        req: { method: item.method, url, body: item.method === 'PUT' ? item.body : undefined },
        principal: ctx.principal,
        query: {},
        headers,
        params: { id: item.id },
      };
      let a: Answer;
      try {
        const handler = singleWrites.get(item.collection)?.[item.method];
        if (!handler) throw new ApiError(404, 'not_found', 'No such endpoint.');
        a = await handler(itemCtx);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e; // storage failure: a 500 for the batch; items already done replay
        a = { status: e.status, body: JSON.stringify(e.toBody()), headers: e.extra.headers ?? {} };
      }
      if (options.validateResponses && a.body !== undefined) {
        const bad = c.validateResponse(`/${item.collection}/{id}`, item.method.toLowerCase(), a.status, JSON.parse(a.body));
        if (bad.length) throw new ApiError(500, 'internal', `Batch item does not match the contract (${item.method} ${item.collection} ${a.status}).`, { issues: bad });
      }
      const h = a.headers ?? {};
      let part = `{"status":${a.status}`;
      if (h['etag'] !== undefined) part += `,"etag":${JSON.stringify(h['etag'])}`;
      if (h['location'] !== undefined) part += `,"location":${JSON.stringify(h['location'])}`;
      if (h['idempotent-replayed'] === 'true') part += ',"replayed":true';
      if (a.body !== undefined) part += `,"body":${a.body}`;
      return `${part}}`;
    };
    const last = new Map<string, Promise<unknown>>();
    const runs = items.map((item) => {
      const keys = [`e\u0000${item.collection}\u0000${item.id}`, `k\u0000${item.idempotencyKey}`];
      const before = keys.map((k) => last.get(k)).filter((d): d is Promise<unknown> => d !== undefined);
      // An earlier item's failure is that item's own answer (or the batch's 500 below), never this one's.
      const run = before.length ? Promise.allSettled(before).then(() => runItem(item)) : runItem(item);
      const settled = run.catch(() => undefined);
      for (const k of keys) last.set(k, settled);
      return run;
    });
    const outcomes = await Promise.allSettled(runs);
    const parts: string[] = [];
    for (const o of outcomes) {
      if (o.status === 'rejected') throw o.reason; // storage failure: a 500 for the batch; items already done replay
      parts.push(o.value);
    }
    return { status: 200, body: `{"results":[${parts.join(',')}]}`, headers: {} };
  })

  route('GET', '/changes', async (ctx) => {
    const q = ctx.query;
    let since = 0;
    if (typeof q['since'] === 'string') {
      if (!/^\d{1,15}$/.test(q['since'])) throw validationFailed([{ code: 'invalid_format', path: 'query.since', severity: 'error' }]);
      since = Number(q['since']);
    }
    const limit = (q['limit'] as number | undefined) ?? 500;
    const collections = typeof q['collections'] === 'string' ? (q['collections'].split(',') as Collection[]) : COLLECTIONS;
    const { horizon, rows } = await store.changes(since, limit + 1, collections);
    if (since < horizon) {
      throw new ApiError(410, 'cursor_expired', 'The cursor is older than the change-feed retention; resync from the lists.', { cursor: String(await store.head()) });
    }
    const page = rows.slice(0, limit);
    // The body is written by hand, in the shape JSON.stringify gave it: an entity the caller may see whole goes out
    // as the JSON text it is stored as (no copy and no second serialisation per entity).
    const entries: AuditInput[] = [];
    const at = new Date(now()).toISOString(); // one read: one time for every row of the page
    const parts = page.map((r) => {
      const head = `{"seq":${r.seq},"collection":${JSON.stringify(r.collection)},"id":${JSON.stringify(r.id)},"op":${JSON.stringify(r.op)}`;
      if (!r.entity || r.entity.deleted) return `${head}}`;
      const stored = parse(r.entity);
      const view = viewFor(r.collection, stored, ctx.principal.role);
      if (collectionSpec(r.collection).personal) entries.push(audit(ctx.principal, 'feed', r.collection, r.id, dataFields(view), at));
      return `${head},"entity":${view === stored ? r.entity.data : JSON.stringify(view)}}`;
    });
    // The answer leaves only once the page's audit rows are stored.
    await store.appendAudit(entries);
    const last = page[page.length - 1];
    return { status: 200, body: `{"changes":[${parts.join(',')}],"cursor":${JSON.stringify(String(last ? last.seq : since))},"hasMore":${rows.length > limit}}`, headers: {} };
  });

  route('GET', '/audit', async (ctx) => {
    const p = ctx.principal;
    if (p.role !== 'supervisor' && p.role !== 'admin') throw new ApiError(403, 'forbidden', 'Only supervisors and admins read the audit log.');
    const q = ctx.query;
    const limit = (q['limit'] as number | undefined) ?? 100;
    let afterSeq: number | undefined;
    if (typeof q['pageToken'] === 'string') {
      afterSeq = decodeToken(q['pageToken'], (v): v is { s: number } => isObj(v) && Number.isSafeInteger(v['s'])).s;
    }
    // A supervisor sees the entries of people of their own agency only.
    const agency = p.role === 'admin' ? (q['agency'] as string | undefined) : p.agency;
    if (p.role !== 'admin' && q['agency'] !== undefined && q['agency'] !== p.agency) throw new ApiError(403, 'forbidden', 'Supervisors read their own agency only.');
    const rows = await store.listAudit({
      limit: limit + 1,
      ...(afterSeq !== undefined ? { afterSeq } : {}),
      ...(typeof q['entityId'] === 'string' ? { entityId: q['entityId'] } : {}),
      ...(typeof q['userId'] === 'string' ? { userId: q['userId'] } : {}),
      ...(agency !== undefined ? { agency } : {}),
      ...(typeof q['action'] === 'string' ? { action: q['action'] as AuditAction } : {}),
    });
    const items = rows.slice(0, limit);
    const body: Record<string, unknown> = { items };
    const last = items[items.length - 1];
    if (rows.length > limit && last) body['nextPageToken'] = encodeToken({ s: last.seq });
    return json(200, body);
  });

  await store.init();
  await prune();
  await app.ready();

  return {
    app,
    store,
    tokens,
    prune,
    close: async () => {
      await app.close();
      await pruning?.catch(() => {});
      if (options.ownsStore ?? true) await store.close();
    },
  };
}
