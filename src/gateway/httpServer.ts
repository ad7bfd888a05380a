// The HTTP listener of `typeswan start --metrics ADDR:PORT` and `--http ADDR:PORT`: Prometheus
// `/metrics`, and the status page (static files under web/, its JSON at /api/status, live
// updates as server-sent events at /api/events). Off unless asked for; loopback unless an
// address is given. Read-only: GET and HEAD, nothing that changes the gateway.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIpv6Text, parseAddressText } from '../packet/address.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** `PORT` (loopback), `A.B.C.D:PORT` or `[IPv6]:PORT`; throws an Error naming what is wrong. */
export function parseListenAddress(text: string): ListenAddress {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const plain = /^([^:[\]]+):(\d+)$/.exec(text);
  const bare = /^(\d+)$/.exec(text);
  const host = bracketed?.[1] ?? plain?.[1] ?? '127.0.0.1';
  const portText = bracketed?.[2] ?? plain?.[2] ?? bare?.[1];
  if (portText === undefined) throw new Error(`${text}: expected ADDR:PORT, [IPv6]:PORT or PORT`);
  if (parseAddressText(host) === undefined || (bracketed !== null) !== isIpv6Text(host))
    throw new Error(`${text}: ${host} is not an IP address`);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${text}: port 1..65535`);
  return { host, port };
}

/** One listener to start: what it serves, and the flags that asked for it. */
export interface HttpListener {
  readonly text: string;
  readonly address: ListenAddress;
  readonly metrics: boolean;
  readonly status: boolean;
  readonly flags: string;
}

/** `--metrics` and `--http`: one listener when both name the same address. */
export function httpListeners(metricsText: string | undefined, httpText: string | undefined): HttpListener[] {
  const parse = (flag: string, text: string): ListenAddress => {
    try {
      return parseListenAddress(text);
    } catch (error) {
      throw new Error(`${flag} ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const metrics = metricsText !== undefined ? parse('--metrics', metricsText) : undefined;
  const http = httpText !== undefined ? parse('--http', httpText) : undefined;
  const text = (a: ListenAddress): string =>
    a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
  if (metrics !== undefined && http !== undefined && text(metrics) === text(http))
    return [{ text: text(http), address: http, metrics: true, status: true, flags: '--metrics/--http' }];
  return [
    ...(metrics !== undefined
      ? [{ text: text(metrics), address: metrics, metrics: true, status: false, flags: '--metrics' }]
      : []),
    ...(http !== undefined
      ? [{ text: text(http), address: http, metrics: false, status: true, flags: '--http' }]
      : []),
  ];
}

export interface HttpRoutes {
  /** The Prometheus text of `/metrics`. */
  readonly metrics?: () => string;
  /** The status page's JSON (`/api/status`, and each `/api/events` message). */
  readonly status?: () => unknown;
}

export interface HttpServer {
  readonly address: ListenAddress;
  close(): Promise<void>;
}

/** Seconds between live updates; at most this many event streams at once. */
const EVENT_INTERVAL_MS = 1000;
const MAX_EVENT_STREAMS = 16;

const PAGE_FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: 'status.html', type: 'text/html; charset=utf-8' },
  '/status.js': { file: 'status.js', type: 'text/javascript; charset=utf-8' },
  '/status.css': { file: 'status.css', type: 'text/css; charset=utf-8' },
};

/** The web/ folder beside src/ (from src/gateway or dist/src/gateway). */
function webRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'web', 'status.html'))) return join(dir, 'web');
    dir = dirname(dir);
  }
  throw new Error('the status page files (web/status.html) are missing');
}

function loadPage(): Map<string, { body: Buffer; type: string }> {
  const root = webRoot();
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const [path, { file, type }] of Object.entries(PAGE_FILES))
    files.set(path, { body: readFileSync(join(root, file)), type });
  return files;
}

const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  // The page loads nothing but its own files.
  'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'",
} as const;

/**
 * A loopback listener answers only requests naming an address or localhost: another name is a
 * DNS rebinding (a page elsewhere making the browser read ours through its own domain).
 */
export function hostAllowed(listen: ListenAddress, host: string | undefined): boolean {
  if (!(listen.host.startsWith('127.') || listen.host === '::1') || host === undefined) return true;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : (host.split(':')[0] ?? '');
  return name === 'localhost' || parseAddressText(name) !== undefined;
}

export async function startHttpServer(listen: ListenAddress, routes: HttpRoutes): Promise<HttpServer> {
  const page = routes.status !== undefined ? loadPage() : new Map<string, { body: Buffer; type: string }>();
  const streams = new Set<ServerResponse>();
  const send = (
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    head: boolean,
  ): void => {
    res.writeHead(status, {
      ...COMMON_HEADERS,
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(head ? undefined : body);
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', false);
      return;
    }
    if (!hostAllowed(listen, req.headers.host)) {
      send(
        res,
        403,
        'text/plain; charset=utf-8',
        'use the address, not a name, for a loopback listener\n',
        head,
      );
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/metrics' && routes.metrics !== undefined) {
      send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', routes.metrics(), head);
      return;
    }
    const status = routes.status;
    if (status !== undefined) {
      const file = page.get(path);
      if (file !== undefined) return send(res, 200, file.type, file.body, head);
      if (path === '/api/status') return send(res, 200, 'application/json', JSON.stringify(status()), head);
      if (path === '/api/events' && !head) return openStream(res, status);
    }
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
  };
  /** Server-sent events: the status now, then again each second it changed. */
  const openStream = (res: ServerResponse, status: () => unknown): void => {
    if (streams.size >= MAX_EVENT_STREAMS) {
      send(res, 503, 'text/plain; charset=utf-8', 'too many event streams\n', false);
      return;
    }
    res.writeHead(200, { ...COMMON_HEADERS, 'Content-Type': 'text/event-stream' });
    streams.add(res);
    let last = '';
    const push = (): void => {
      let text: string;
      try {
        text = JSON.stringify(status());
      } catch {
        // A timer's exception would end the process: this stream ends instead.
        res.destroy();
        return;
      }
      if (text === last) res.write(': unchanged\n\n');
      else res.write(`data: ${text}\n\n`);
      last = text;
    };
    push();
    const timer = setInterval(push, EVENT_INTERVAL_MS);
    res.on('close', () => {
      clearInterval(timer);
      streams.delete(res);
    });
  };
  const server: Server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      if (!res.headersSent)
        send(
          res,
          500,
          'text/plain; charset=utf-8',
          `${error instanceof Error ? error.message : 'error'}\n`,
          false,
        );
      else res.destroy();
    }
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 10_000;
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound !== null ? bound.port : listen.port;
  return {
    address: { host: listen.host, port },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
