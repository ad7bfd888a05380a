// What the RADIUS and TACACS+ clients need from the host: a UDP socket towards one server, a
// TCP connection, random bytes. `nodeAaaIo` is the Linux one; tests may pass their own.

import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';

export interface DatagramSource {
  readonly address: string;
  readonly port: number;
}

/** A UDP socket connected to one server. */
export interface AaaDatagramSocket {
  /** The source address the host picked towards the server (RADIUS NAS-IP-Address). */
  readonly localAddress: string | undefined;
  send(data: Uint8Array): void;
  onMessage(handler: (data: Uint8Array, from: DatagramSource) => void): void;
  /** The server is unreachable (ICMP port unreachable on a connected socket, ...). */
  onError(handler: (reason: string) => void): void;
  close(): void;
}

/** A TCP connection to one server. */
export interface AaaStream {
  write(data: Uint8Array): void;
  onData(handler: (data: Uint8Array) => void): void;
  /** The connection closed or failed; `reason` says why. */
  onClose(handler: (reason: string) => void): void;
  close(): void;
}

export interface AaaIo {
  udp(host: string, port: number): Promise<AaaDatagramSocket>;
  /** Rejects (with a reason) when the connection cannot be made within timeoutMs. */
  tcp(host: string, port: number, timeoutMs: number): Promise<AaaStream>;
  randomBytes(n: number): Uint8Array;
}

function errorText(e: unknown): string {
  return e instanceof Error ? ((e as NodeJS.ErrnoException).code ?? e.message) : String(e);
}

export const nodeAaaIo: AaaIo = {
  udp(host, port) {
    return new Promise((resolve, reject) => {
      const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
      let open = true;
      const close = (): void => {
        if (open) socket.close();
        open = false;
      };
      let errorHandler: (reason: string) => void = (reason) => {
        close();
        reject(new Error(reason));
      };
      socket.on('error', (e) => errorHandler(errorText(e)));
      socket.connect(port, host, () => {
        errorHandler = () => undefined;
        resolve({
          localAddress: socket.address().address,
          send: (data) => {
            if (open) socket.send(data);
          },
          onMessage: (handler) =>
            socket.on('message', (msg, rinfo) =>
              handler(new Uint8Array(msg), { address: rinfo.address, port: rinfo.port }),
            ),
          onError: (handler) => {
            errorHandler = handler;
          },
          close,
        });
      });
    });
  },

  tcp(host, port, timeoutMs) {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('connect timeout'));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(errorText(e)));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        let closeHandler: (reason: string) => void = () => undefined;
        let failure: string | undefined;
        socket.on('error', (e) => {
          failure = errorText(e);
        });
        socket.on('close', () => closeHandler(failure ?? 'connection closed by the server'));
        resolve({
          write: (data) => socket.write(data),
          onData: (handler) => socket.on('data', (d: Buffer) => handler(new Uint8Array(d))),
          onClose: (handler) => {
            closeHandler = handler;
          },
          close: () => socket.destroy(),
        });
      });
    });
  },

  randomBytes: (n) => new Uint8Array(randomBytes(n)),
};
