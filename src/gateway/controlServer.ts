// The control server: serves a ControlTarget on a Unix socket (newline-delimited JSON; the
// protocol is docs/API.md). Bounded: at most `maxConnections` clients, request lines of at
// most MAX_REQUEST_BYTES. It keeps the debug streams of all connections: `show debug` lists
// what is on, `undebug` ends them all (as IOS `undebug all` does for every terminal).

import { connect, createServer, type Server, type Socket } from 'node:net';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { eventToJsonLine } from '../observe/bus.js';
import type { DebugCategory } from '../observe/events.js';
import { formatShowDebug } from '../observe/show/index.js';
import {
  CONTROL_OPS,
  CONTROL_PROTOCOL_VERSION,
  ControlNotFound,
  MAX_REQUEST_BYTES,
  parseRequest,
  type ControlRequest,
  type ControlResponse,
  type ControlTarget,
} from './controlProtocol.js';

/** One connection's `debug` stream. */
interface DebugStream {
  readonly categories: readonly DebugCategory[];
  /** Ends the stream: unsubscribes, says why, closes the connection. */
  readonly end: (line: string) => void;
}

/** The message IOS prints for `undebug all`. */
export const UNDEBUG_ALL_TEXT = 'All possible debugging has been turned off';

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

export async function startControlServer(
  path: string,
  target: ControlTarget,
  options: { maxConnections?: number } = {},
): Promise<ControlServer> {
  const sockets = new Set<Socket>();
  const streams = new Set<DebugStream>();
  const server: Server = createServer((socket) => {
    if (sockets.size >= (options.maxConnections ?? 16)) {
      socket.end(`${JSON.stringify({ id: 0, ok: false, error: 'too many control connections' })}\n`);
      return;
    }
    sockets.add(socket);
    serveConnection(socket, target, streams, () => sockets.delete(socket));
  });
  await removeStaleSocket(path);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      // The socket can clear SAs and stream debug output: only its owner may connect.
      chmodSync(path, 0o600);
      resolve();
    });
  });
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function serveConnection(
  socket: Socket,
  target: ControlTarget,
  streams: Set<DebugStream>,
  onClose: () => void,
): void {
  let buffer = '';
  const unsubscribers: (() => void)[] = [];
  const write = (response: ControlResponse): void => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_REQUEST_BYTES && !buffer.includes('\n')) {
      write({ id: 0, ok: false, error: 'request too long' });
      socket.destroy();
      return;
    }
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line !== '') handle(line);
      newline = buffer.indexOf('\n');
    }
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
    onClose();
  });

  function handle(line: string): void {
    const request = parseRequest(line);
    if ('error' in request) {
      write({ id: request.id, ok: false, error: request.error, code: request.code });
      return;
    }
    try {
      serve(request);
    } catch (error) {
      write({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
        code: error instanceof ControlNotFound ? 'not-found' : 'failed',
      });
    }
  }

  function unsupported(request: ControlRequest): void {
    write({ id: request.id, ok: false, error: `this gateway does not serve ${request.op}`, code: 'failed' });
  }

  function serve(request: ControlRequest): void {
    const { id } = request;
    const peer = 'peer' in request && request.peer !== undefined ? { peer: request.peer } : {};
    switch (request.op) {
      case 'ping':
        write({ id, ok: true, text: 'pong' });
        return;
      case 'hello':
        write({
          id,
          ok: true,
          text: `typeswan control protocol ${CONTROL_PROTOCOL_VERSION}`,
          data: { protocol: CONTROL_PROTOCOL_VERSION, ops: CONTROL_OPS },
        });
        return;
      case 'show': {
        if (request.what === 'debug') {
          const on = new Set<DebugCategory>(target.logDebug?.get() ?? []);
          for (const stream of streams) for (const c of stream.categories) on.add(c);
          const categories = [...on];
          write({ id, ok: true, text: formatShowDebug(categories), data: { categories } });
          return;
        }
        const result = target.show(request.what, {
          ...peer,
          ...(request.interface !== undefined ? { interface: request.interface } : {}),
          ...(request.name !== undefined ? { name: request.name } : {}),
        });
        write({ id, ok: true, text: result.text, data: result.data });
        return;
      }
      case 'clear':
        write({
          id,
          ok: true,
          text: target.clear(request.what, {
            ...peer,
            ...(request.connId !== undefined ? { connId: request.connId } : {}),
          }),
        });
        return;
      case 'reload': {
        if (target.reload === undefined) {
          write({ id, ok: false, error: 'this gateway has no configuration file to reload', code: 'failed' });
          return;
        }
        const result = target.reload();
        write(
          result.ok
            ? { id, ok: true, text: [result.text, ...result.warnings.map((w) => `warning: ${w}`)].join('\n') }
            : { id, ok: false, error: result.error, code: 'config-error', configError: true },
        );
        return;
      }
      case 'debug': {
        const unsubscribe = target.debug(request.categories, (text) => write({ id, line: text }));
        const stream: DebugStream = {
          categories: request.categories,
          end: (text) => {
            unsubscribe();
            streams.delete(stream);
            write({ id, line: text });
            socket.end();
          },
        };
        streams.add(stream);
        unsubscribers.push(() => {
          unsubscribe();
          streams.delete(stream);
        });
        write({ id, ok: true, text: `debugging ${request.categories.join(', ')} is on` });
        return;
      }
      case 'debug-log': {
        if (target.logDebug === undefined) return unsupported(request);
        const on = new Set([...target.logDebug.get(), ...request.categories]);
        target.logDebug.set([...on]);
        write({ id, ok: true, text: `debugging ${[...on].join(', ')} is on in the gateway's log` });
        return;
      }
      case 'undebug':
        target.logDebug?.set([]);
        for (const stream of [...streams]) stream.end(UNDEBUG_ALL_TEXT);
        write({ id, ok: true, text: UNDEBUG_ALL_TEXT });
        return;
      case 'initiate': {
        if (target.initiate === undefined) return unsupported(request);
        const what = 'peer' in request ? { peer: request.peer } : { map: request.map, seq: request.seq };
        const result = target.initiate(what);
        write({ id, ok: true, text: result.text, data: { peers: result.peers } });
        return;
      }
      case 'sas': {
        if (target.sas === undefined) return unsupported(request);
        const result = target.sas(peer);
        write({ id, ok: true, text: result.text, data: result.data });
        return;
      }
      case 'counters': {
        if (target.counters === undefined) return unsupported(request);
        const result = target.counters();
        write({ id, ok: true, text: result.text, data: result.data });
        return;
      }
      case 'events': {
        if (target.events === undefined) return unsupported(request);
        unsubscribers.push(
          target.events((event) => write({ id, event: JSON.parse(eventToJsonLine(event)) as unknown })),
        );
        write({ id, ok: true, text: 'streaming events' });
        return;
      }
    }
  }
}

/**
 * A socket file left by a killed process would make listen fail with EADDRINUSE: it is
 * replaced when nobody answers on it. A gateway still listening there, or a file that is not
 * a socket, is left alone and refused.
 */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket`);
  const listening = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    const timer = setTimeout(() => {
      probe.destroy();
      resolve(true);
    }, 1000);
    probe.once('connect', () => {
      clearTimeout(timer);
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (listening) throw new Error(`another gateway is listening on ${path}`);
  unlinkSync(path);
}
