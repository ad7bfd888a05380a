// The control socket's client, used by `typeswan show|clear|debug`.

import { connect, type Socket } from 'node:net';
import type { ControlReply, ControlRequestBody } from '../gateway/controlProtocol.js';

export class ControlConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlConnectionError';
  }
}

function isMessage(value: unknown): value is { readonly id: number } & Record<string, unknown> {
  return typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'number';
}

function isReply(value: Record<string, unknown>): value is ControlReply & Record<string, unknown> {
  return value['ok'] === true ? typeof value['text'] === 'string' : value['ok'] === false;
}

export class ControlClient {
  private buffer = '';
  private nextId = 1;
  private readonly waiting = new Map<number, (response: ControlReply) => void>();
  private readonly streams = new Map<number, (line: string) => void>();
  private closedHandler: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      for (const resolve of this.waiting.values())
        resolve({ id: 0, ok: false, error: 'control connection closed' });
      this.waiting.clear();
      this.closedHandler?.();
    });
  }

  static connect(path: string, timeoutSeconds = 5): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ControlConnectionError(`no answer from the gateway's control socket ${path}`));
      }, timeoutSeconds * 1000);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        socket.on('error', () => socket.destroy());
        resolve(new ControlClient(socket));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why =
          error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
            ? 'is typeswan start running?'
            : error.message;
        reject(new ControlConnectionError(`cannot connect to the control socket ${path}: ${why}`));
      });
    });
  }

  /**
   * Sends one request and resolves with its reply. A stream's messages (`debug` lines, or
   * `events` as JSON text) go to `onLine`.
   */
  request(request: ControlRequestBody, onLine?: (line: string) => void): Promise<ControlReply> {
    const id = this.nextId++;
    if (onLine !== undefined) this.streams.set(id, onLine);
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.socket.write(`${JSON.stringify({ ...request, id })}\n`);
    });
  }

  onClose(handler: () => void): void {
    this.closedHandler = handler;
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      newline = this.buffer.indexOf('\n');
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      if (!isMessage(value)) continue;
      if (typeof value['line'] === 'string') {
        this.streams.get(value.id)?.(value['line']);
        continue;
      }
      if ('event' in value) {
        this.streams.get(value.id)?.(JSON.stringify(value['event']));
        continue;
      }
      if (!isReply(value)) continue;
      // The server answers id 0 when it could not read the request's id: the oldest waits.
      const id = value.id === 0 && !this.waiting.has(0) ? [...this.waiting.keys()][0] : value.id;
      const resolve = id === undefined ? undefined : this.waiting.get(id);
      if (id !== undefined && resolve !== undefined) {
        this.waiting.delete(id);
        resolve(value);
      }
    }
  }
}
