// The control server: serves a ControlTarget on a Unix socket (newline-delimited JSON).
// Bounded: at most `maxConnections` clients, request lines of at most MAX_REQUEST_BYTES.

import { connect, createServer, type Server, type Socket } from 'node:net';
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import {
  MAX_REQUEST_BYTES,
  parseRequest,
  type ControlResponse,
  type ControlTarget,
} from './controlProtocol.js';

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
  const server: Server = createServer((socket) => {
    if (sockets.size >= (options.maxConnections ?? 16)) {
      socket.end(`${JSON.stringify({ id: 0, ok: false, error: 'too many control connections' })}\n`);
      return;
    }
    sockets.add(socket);
    serveConnection(socket, target, () => sockets.delete(socket));
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

function serveConnection(socket: Socket, target: ControlTarget, onClose: () => void): void {
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
      write({ id: request.id, ok: false, error: request.error });
      return;
    }
    try {
      switch (request.op) {
        case 'ping':
          write({ id: request.id, ok: true, text: 'pong' });
          return;
        case 'show': {
          const result = target.show(request.what, request.peer === undefined ? {} : { peer: request.peer });
          write({ id: request.id, ok: true, text: result.text, data: result.data });
          return;
        }
        case 'clear':
          write({
            id: request.id,
            ok: true,
            text: target.clear(request.what, request.peer === undefined ? {} : { peer: request.peer }),
          });
          return;
        case 'reload': {
          if (target.reload === undefined) {
            write({ id: request.id, ok: false, error: 'this gateway has no configuration file to reload' });
            return;
          }
          const result = target.reload();
          write(
            result.ok
              ? {
                  id: request.id,
                  ok: true,
                  text: [result.text, ...result.warnings.map((w) => `warning: ${w}`)].join('\n'),
                }
              : { id: request.id, ok: false, error: result.error, configError: true },
          );
          return;
        }
        case 'debug':
          unsubscribers.push(
            target.debug(request.categories, (text) => write({ id: request.id, line: text })),
          );
          write({ id: request.id, ok: true, text: `debugging ${request.categories.join(', ')} is on` });
          return;
      }
    } catch (error) {
      write({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
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
