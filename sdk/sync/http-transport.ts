/**
 * {@link HttpTransport}: the {@link Transport} for the Timpora HTTP contract (`docs/openapi.yaml`).
 *
 * - Creates: `PUT /{collection}/{id}` without `If-Match` (the client-chosen id is kept).
 * - Updates: `PUT /{collection}/{id}` with `If-Match: "<baseVersion>"`; deletes: `DELETE` with `If-Match`.
 * - Every write carries `Idempotency-Key`, so a retry after a lost answer returns the first answer.
 * - `412` (and `409`/`404` where they mean "the server has another version") become `conflict` errors carrying
 *   the server's current entity.
 * - Feed: `GET /changes?since=<cursor>&limit=<n>`; lists: `GET /{collection}?limit=<n>&pageToken=<t>`.
 * - Batches: `POST /batch` carries up to 100 writes (each with its own `If-Match` and `Idempotency-Key`); only
 *   the successes are taken from it, anything else is resent alone through {@link HttpTransport.write}.
 * @module
 */
import { SyncError, type SyncErrorCode, type SyncValidationIssue } from './errors.ts';
import type {
  ChangePage,
  ListPage,
  Transport,
  TransportCallOptions,
  WriteRequest,
  WriteResult,
} from './transport.ts';
import type { RemoteChange, SyncEntity } from './types.ts';

/** Supplies the bearer token; called before every request. `refresh` is true after a `401`. */
export type TokenProvider = (context: { refresh: boolean }) => string | null | Promise<string | null>;

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** Server base URL, e.g. `https://timpora.example.go.id/api` (no trailing slash needed). */
  baseUrl: string;
  /** A fixed token or a provider (refreshes after a 401 once before giving up). */
  token?: string | TokenProvider;
  /** Per-request timeout, ms (default 15,000). */
  timeoutMs?: number;
  /** Change-feed page size (default 1,000, the contract's maximum). */
  changesLimit?: number;
  /** List page size for a full resync (default 500, the contract's maximum). */
  listLimit?: number;
  /** `fetch` to use (default the global one). */
  fetch?: typeof fetch;
  /**
   * Use `POST /batch` for several writes at once (default true). A server that answers it with 404 or 405 is
   * remembered and sent single writes from then on.
   */
  batch?: boolean;
}

/** Most items in one `POST /batch` (the contract's maximum). */
export const MAX_BATCH_ITEMS = 100;
/** Rough JSON size above which a batch is split (well below the server's body limit). */
const MAX_BATCH_BYTES = 1_000_000;

interface BatchResultBody {
  status: number;
  body?: Record<string, unknown>;
}

/** The contract's error body (`Error` in docs/openapi.yaml), as far as the client reads it. */
export interface ErrorBody {
  /** The error object. */
  error?: {
    /** Stable error code. */
    code?: string;
    /** English message. */
    message?: string;
    /** Field issues. */
    issues?: SyncValidationIssue[];
    /** The server's current entity (412/428). */
    current?: Record<string, unknown>;
    /** Head cursor (410). */
    cursor?: string;
  };
}

/** HTTP client of the Timpora contract. */
export class HttpTransport implements Transport {
  readonly #base: string;
  readonly #token: TokenProvider;
  readonly #timeoutMs: number;
  readonly #changesLimit: number;
  readonly #listLimit: number;
  readonly #fetch: typeof fetch;
  #batch: boolean;

  constructor(options: HttpTransportOptions) {
    this.#base = options.baseUrl.replace(/\/+$/, '');
    const token = options.token;
    this.#token = typeof token === 'function' ? token : () => token ?? null;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#changesLimit = options.changesLimit ?? 1000;
    this.#listLimit = options.listLimit ?? 500;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#batch = options.batch ?? true;
  }

  /**
   * Sends `requests` (distinct entities) as `POST /batch` chunks of at most {@link MAX_BATCH_ITEMS} items and
   * about 1 MB. Returns the result of each write the server applied or replayed (`200`/`201`/`204`), and `null`
   * for every other one (a failed item, a failed chunk, or a server without `/batch`): send those with
   * {@link HttpTransport.write}, which classifies the failure; their idempotency keys make that resend safe.
   */
  async writeBatch(requests: readonly WriteRequest[], options: TransportCallOptions = {}): Promise<Array<WriteResult | null>> {
    const out: Array<WriteResult | null> = requests.map(() => null);
    const items: Array<{ index: number; item: Record<string, unknown>; size: number }> = [];
    requests.forEach((request, index) => {
      const isCreate = request.baseVersion <= 0;
      if (request.op === 'delete') {
        // As in write(): deleting something the server never had sends nothing.
        if (isCreate) {
          out[index] = { entity: null, version: 0 };
          return;
        }
      } else if (!request.entity) {
        return; // write() reports it
      }
      const item: Record<string, unknown> = {
        method: request.op === 'delete' ? 'DELETE' : 'PUT',
        collection: request.collection,
        id: request.id,
        idempotencyKey: request.idempotencyKey,
      };
      if (!isCreate) item['ifMatch'] = `"${request.baseVersion}"`;
      if (request.op === 'put') item['body'] = request.entity;
      items.push({ index, item, size: request.op === 'put' ? JSON.stringify(request.entity).length : 100 });
    });
    let start = 0;
    while (this.#batch && start < items.length) {
      // Chunks of at most MAX_BATCH_ITEMS items and about MAX_BATCH_BYTES.
      let end = start;
      let bytes = 0;
      while (end < items.length && end - start < MAX_BATCH_ITEMS && (end === start || bytes + items[end]!.size <= MAX_BATCH_BYTES)) {
        bytes += items[end]!.size;
        end += 1;
      }
      const chunk = items.slice(start, end);
      start = end;
      let results: BatchResultBody[];
      try {
        const { body } = await this.#request('POST', '/batch', { json: { items: chunk.map((c) => c.item) }, ...options });
        results = (body as { results?: BatchResultBody[] } | null)?.results ?? [];
      } catch (error) {
        if (error instanceof SyncError && (error.status === 404 || error.status === 405)) this.#batch = false;
        // Whatever went wrong, these writes go one by one (same keys: a write the server did apply replays).
        break;
      }
      chunk.forEach((c, i) => {
        const r = results[i];
        if (!r) return;
        const request = requests[c.index]!;
        if (request.op === 'delete' && r.status === 204) out[c.index] = { entity: null, version: request.baseVersion };
        else if (request.op === 'put' && (r.status === 200 || r.status === 201) && r.body && typeof r.body['version'] === 'number') {
          out[c.index] = { entity: r.body as SyncEntity, version: r.body['version'] };
        }
      });
    }
    return out;
  }

  async write(request: WriteRequest, options: TransportCallOptions = {}): Promise<WriteResult> {
    const path = `/${encodeURIComponent(request.collection)}/${encodeURIComponent(request.id)}`;
    const headers: Record<string, string> = { 'Idempotency-Key': request.idempotencyKey };
    const isCreate = request.baseVersion <= 0;
    if (!isCreate) headers['If-Match'] = `"${request.baseVersion}"`;
    if (request.op === 'delete') {
      if (isCreate) {
        // Deleting something the server never had: nothing to send.
        return { entity: null, version: 0 };
      }
      try {
        await this.#request('DELETE', path, { headers, ...options });
        return { entity: null, version: request.baseVersion };
      } catch (error) {
        if (error instanceof SyncError && error.status === 404) {
          throw new SyncError('conflict', 'The entity is already deleted on the server.', {
            status: 404,
            current: null,
            ...(error.serverCode ? { serverCode: error.serverCode } : {}),
          });
        }
        throw error;
      }
    }
    if (!request.entity) throw new SyncError('validation', 'A put needs an entity.');
    try {
      const { body } = await this.#request('PUT', path, { headers, json: request.entity, ...options });
      const entity = body as SyncEntity;
      return { entity, version: entity.version };
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      if (error.status === 404 && !isCreate) {
        throw new SyncError('conflict', 'The entity was deleted on the server.', {
          status: 404,
          current: null,
          ...(error.serverCode ? { serverCode: error.serverCode } : {}),
        });
      }
      if (isCreate && error.code === 'precondition_required') {
        // A create of an id the server already has (e.g. our own earlier attempt whose answer was lost and
        // whose idempotency key expired): the server wants If-Match and tells us its current version.
        const current = error.current !== undefined ? error.current : await this.#readCurrent(path, options);
        throw new SyncError('conflict', 'The entity already exists on the server.', {
          status: 428,
          current,
          ...(error.serverCode ? { serverCode: error.serverCode } : {}),
        });
      }
      if (error.status === 409 && error.current === undefined) {
        // "already exists" without the current entity: read it so the engine can compare.
        const current = await this.#readCurrent(path, options);
        throw new SyncError('conflict', 'The entity already exists on the server.', {
          status: 409,
          current,
          ...(error.serverCode ? { serverCode: error.serverCode } : {}),
        });
      }
      throw error;
    }
  }

  async changes(cursor: string | null, options: TransportCallOptions = {}): Promise<ChangePage> {
    const query = new URLSearchParams({ limit: String(this.#changesLimit) });
    if (cursor) query.set('since', cursor);
    const { body } = await this.#request('GET', `/changes?${query}`, options);
    const page = body as {
      changes: Array<{ collection: string; id: string; op: 'upsert' | 'delete'; entity?: SyncEntity }>;
      cursor: string;
      hasMore: boolean;
    };
    const changes: RemoteChange[] = page.changes.map((c) => {
      const change: RemoteChange = { collection: c.collection, id: c.id, deleted: c.op === 'delete' };
      if (c.entity) {
        change.entity = c.entity;
        change.version = c.entity.version;
      }
      return change;
    });
    return { changes, cursor: page.cursor, hasMore: page.hasMore };
  }

  async list(collection: string, pageToken: string | null, options: TransportCallOptions = {}): Promise<ListPage> {
    const query = new URLSearchParams({ limit: String(this.#listLimit) });
    if (pageToken) query.set('pageToken', pageToken);
    const { body } = await this.#request('GET', `/${encodeURIComponent(collection)}?${query}`, options);
    const page = body as { items: SyncEntity[]; nextPageToken?: string; cursor?: string };
    const out: ListPage = { items: page.items, nextPageToken: page.nextPageToken ?? null };
    if (page.cursor !== undefined) out.cursor = page.cursor;
    return out;
  }

  async #readCurrent(path: string, options: TransportCallOptions): Promise<Record<string, unknown> | null> {
    try {
      const { body } = await this.#request('GET', path, options);
      return body as Record<string, unknown>;
    } catch (error) {
      if (error instanceof SyncError && error.status === 404) return null;
      throw error;
    }
  }

  async #request(
    method: string,
    path: string,
    options: TransportCallOptions & { headers?: Record<string, string>; json?: unknown },
  ): Promise<{ status: number; body: unknown }> {
    let refresh = false;
    for (;;) {
      const token = await this.#token({ refresh });
      const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
      if (token) headers['Authorization'] = `Bearer ${token}`;
      if (options.json !== undefined) headers['Content-Type'] = 'application/json';
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.#timeoutMs);
      const onAbort = (): void => controller.abort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      let response: Response;
      let text: string;
      try {
        if (options.signal?.aborted) throw new SyncError('aborted', 'Sync stopped.');
        const init: RequestInit = { method, headers, signal: controller.signal, cache: 'no-store' };
        if (options.json !== undefined) init.body = JSON.stringify(options.json);
        response = await this.#fetch(`${this.#base}${path}`, init);
        text = await response.text();
      } catch (error) {
        if (error instanceof SyncError) throw error;
        if (timedOut) {
          throw new SyncError('timeout', `No answer within ${this.#timeoutMs} ms (${method}).`, { cause: error });
        }
        if (options.signal?.aborted) throw new SyncError('aborted', 'Sync stopped.', { cause: error });
        throw new SyncError('network', `The server could not be reached (${method}).`, { cause: error });
      } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      }
      if (response.status === 401 && !refresh && typeof this.#token === 'function') {
        refresh = true;
        continue;
      }
      let body: unknown = null;
      if (text.length > 0) {
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          if (response.ok) {
            throw new SyncError('server', `The server answered ${response.status} with a body that is not JSON.`, {
              status: response.status,
            });
          }
        }
      }
      if (response.ok) return { status: response.status, body };
      throw errorFromResponse(method, response, body as ErrorBody | null);
    }
  }
}

/** Map an HTTP error answer to a typed {@link SyncError}. */
export function errorFromResponse(method: string, response: Response, body: ErrorBody | null): SyncError {
  const status = response.status;
  const err = body?.error ?? {};
  const serverCode = err.code;
  const retryAfterHeader = response.headers.get('Retry-After');
  const retryAfter = retryAfterHeader !== null && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
  let code: SyncErrorCode;
  if (status === 400 || status === 422) code = 'validation';
  else if (status === 401) code = 'unauthorized';
  else if (status === 403) code = 'forbidden';
  else if (status === 412 || status === 409) code = 'conflict';
  else if (status === 410) code = 'gone';
  else if (status === 428) code = 'precondition_required';
  else code = 'server';
  if (status === 404) code = 'server';
  const message = `${method} failed with ${status}${serverCode ? ` (${serverCode})` : ''}.`;
  return new SyncError(code, message, {
    status,
    ...(serverCode ? { serverCode } : {}),
    ...(err.issues ? { issues: err.issues } : {}),
    ...((code === 'conflict' || code === 'precondition_required') && err.current !== undefined ? { current: err.current } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  });
}
