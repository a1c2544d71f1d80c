// A small seeded fault-injecting HTTP proxy for the sync fault tests: it sits on 127.0.0.1 between the browser
// and the reference server and randomly drops requests, delays them, duplicates them (the server sees the
// same request twice) and loses answers (the server applied the write, the client never hears back).
// It also serves the test harness page so page and API share one origin. When the server is down it
// resets the client connection, exactly what a browser sees from a dead host.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultRates {
  /** Reset the connection without forwarding. */
  drop: number;
  /** Forward, then reset the connection instead of answering. */
  loseAnswer: number;
  /** Send the request to the server twice (concurrently or one after the other). */
  duplicate: number;
  /** Delay before forwarding, up to `maxDelayMs`. */
  delay: number;
  maxDelayMs: number;
}

export const NO_FAULTS: FaultRates = { drop: 0, loseAnswer: 0, duplicate: 0, delay: 0, maxDelayMs: 0 };

export interface ProxyStats {
  requests: number;
  writes: number;
  dropped: number;
  lostAnswers: number;
  duplicated: number;
  delayed: number;
  upstreamErrors: number;
}

export interface FaultProxy {
  port: number;
  origin: string;
  stats: ProxyStats;
  /** Change the fault rates (and reseed). */
  setFaults(rates: FaultRates, seed: number): void;
  /** Called with the running count of forwarded writes (before forwarding). */
  onWrite: ((count: number) => void) | null;
  resetStats(): void;
  close(): Promise<void>;
}

/** Mulberry32. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Keep-alive connections to the server (like a reverse proxy); dead ones just surface as upstream errors. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'proxy-connection', 'upgrade']);

function forward(targetPort: number, req: http.IncomingMessage, body: Buffer): Promise<Upstream> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
    headers['content-length'] = String(body.length);
    const up = http.request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    up.on('error', reject);
    up.setTimeout(30_000, () => up.destroy(new Error('upstream timeout')));
    up.end(body);
  });
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Start the proxy. `target()` gives the server's current port (it may change between restarts);
 * `files` are served under `/__harness/`.
 */
export async function startFaultProxy(target: () => number, files: Map<string, { type: string; body: string }>): Promise<FaultProxy> {
  let rates = NO_FAULTS;
  let random = seeded(1);
  const stats: ProxyStats = { requests: 0, writes: 0, dropped: 0, lostAnswers: 0, duplicated: 0, delayed: 0, upstreamErrors: 0 };
  const proxy: FaultProxy = {
    port: 0,
    origin: '',
    stats,
    setFaults(next, seed) {
      rates = next;
      random = seeded(seed);
    },
    onWrite: null,
    resetStats() {
      for (const k of Object.keys(stats) as Array<keyof ProxyStats>) stats[k] = 0;
    },
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    void handle(req, res).catch(() => req.socket.destroy());
  });
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    if (url.startsWith('/__harness/')) {
      const file = files.get(url.slice('/__harness/'.length).split('?')[0] ?? '');
      if (!file) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
      return;
    }
    const body = await readBody(req);
    stats.requests += 1;
    const isWrite = req.method === 'PUT' || req.method === 'POST' || req.method === 'DELETE';
    const faulty = isWrite || url.startsWith('/changes') || /^\/(records|operations|agencies)\?/.test(url);
    const noFaults = url.startsWith('/auth/') || url.startsWith('/health');
    if (isWrite && !url.startsWith('/auth/')) {
      stats.writes += 1;
      proxy.onWrite?.(stats.writes);
    }
    if (faulty && !noFaults) {
      if (random() < rates.drop) {
        stats.dropped += 1;
        req.socket.destroy();
        return;
      }
      if (random() < rates.delay) {
        stats.delayed += 1;
        await sleep(Math.floor(random() * rates.maxDelayMs));
      }
    }
    const duplicate = faulty && !noFaults && random() < rates.duplicate;
    const loseAnswer = faulty && !noFaults && random() < rates.loseAnswer;
    const concurrent = random() < 0.5;
    let answer: Upstream;
    try {
      if (duplicate) {
        stats.duplicated += 1;
        if (concurrent) {
          const [a, b] = await Promise.allSettled([forward(target(), req, body), forward(target(), req, body)]);
          if (a.status === 'fulfilled') answer = a.value;
          else if (b.status === 'fulfilled') answer = b.value;
          else throw a.reason;
        } else {
          await forward(target(), req, body).catch(() => undefined);
          answer = await forward(target(), req, body);
        }
      } else {
        answer = await forward(target(), req, body);
      }
    } catch {
      stats.upstreamErrors += 1;
      req.socket.destroy();
      return;
    }
    if (loseAnswer) {
      stats.lostAnswers += 1;
      req.socket.destroy();
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(answer.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
    headers['content-length'] = String(answer.body.length);
    res.writeHead(answer.status, headers).end(answer.body);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.origin = `http://127.0.0.1:${proxy.port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
