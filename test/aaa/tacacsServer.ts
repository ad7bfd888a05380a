// A small TACACS+ authentication server for tests (RFC 8907 §5: ASCII login with GETUSER and
// GETPASS, PAP), on 127.0.0.1. Debian ships no TACACS+ server; tacacsPerl.test.ts checks this
// one against an independent client (Authen::TacacsPlus) before the client tests rely on it.

import { type Server, type Socket, createServer } from 'node:net';
import { DecodeError } from '../../src/wire/errors.js';
import {
  AuthenStatus,
  AuthenType,
  ContinueFlag,
  PacketStream,
  ReplyFlag,
  type TacacsHeader,
  decodeContinue,
  decodeStart,
  encodePacket,
  encodeReply,
  openBody,
} from '../../src/aaa/tacacsPacket.js';

export interface TacacsServerOptions {
  readonly key: string | undefined;
  readonly users: Readonly<Record<string, string>>;
  /** Accept connections and never answer. */
  readonly silent?: boolean;
  /** Where to listen (default 127.0.0.1, a free port). */
  readonly host?: string;
  readonly port?: number;
}

export interface TestTacacsServer {
  readonly port: number;
  /** Every packet received, whole (header and obfuscated body), in order. */
  readonly received: Uint8Array[];
  /** What each session ended with: PASS, FAIL, ERROR. */
  readonly outcomes: string[];
  close(): Promise<void>;
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

function serve(
  socket: Socket,
  options: TacacsServerOptions,
  server: { received: Uint8Array[]; outcomes: string[] },
): void {
  const key = options.key !== undefined ? Buffer.from(options.key, 'utf8') : undefined;
  const stream = new PacketStream();
  let user: string | undefined;
  let awaiting: 'user' | 'pass' | undefined;
  const reply = (to: TacacsHeader, status: number, serverMsg = '', flags = 0): void => {
    const body = encodeReply({ status, flags, serverMsg: Buffer.from(serverMsg), data: new Uint8Array(0) });
    socket.write(
      encodePacket(
        { version: to.version, type: to.type, seqNo: to.seqNo + 1, sessionId: to.sessionId },
        body,
        key,
      ),
    );
    if (status === AuthenStatus.Pass || status === AuthenStatus.Fail || status === AuthenStatus.Error) {
      server.outcomes.push(
        status === AuthenStatus.Pass ? 'PASS' : status === AuthenStatus.Fail ? 'FAIL' : 'ERROR',
      );
      socket.end();
    }
  };
  const check = (to: TacacsHeader, password: string): void => {
    const ok = user !== undefined && Object.hasOwn(options.users, user) && options.users[user] === password;
    reply(to, ok ? AuthenStatus.Pass : AuthenStatus.Fail, ok ? '' : 'Authentication failed');
  };
  socket.on('data', (data: Buffer) => {
    if (options.silent === true) return;
    let packets;
    try {
      packets = stream.push(new Uint8Array(data));
    } catch {
      socket.destroy();
      return;
    }
    for (const { header, body } of packets) {
      server.received.push(Uint8Array.of(...headerBytes(header), ...body));
      try {
        const clear = openBody(header, body, key);
        if (header.seqNo === 1) {
          const start = decodeStart(clear);
          user = text(start.user);
          if (start.authenType === AuthenType.Pap) check(header, text(start.data));
          else if (start.authenType !== AuthenType.Ascii)
            reply(header, AuthenStatus.Fail, 'unsupported authen_type');
          else if (user === '') {
            awaiting = 'user';
            reply(header, AuthenStatus.GetUser, 'Username: ');
          } else {
            awaiting = 'pass';
            reply(header, AuthenStatus.GetPass, 'Password: ', ReplyFlag.NoEcho);
          }
        } else {
          const cont = decodeContinue(clear);
          if ((cont.flags & ContinueFlag.Abort) !== 0) socket.end();
          else if (awaiting === 'user') {
            user = text(cont.userMsg);
            awaiting = 'pass';
            reply(header, AuthenStatus.GetPass, 'Password: ', ReplyFlag.NoEcho);
          } else if (awaiting === 'pass') check(header, text(cont.userMsg));
          else reply(header, AuthenStatus.Error, 'CONTINUE out of sequence');
        }
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        // A wrong key turns the body into noise: say so (in our key), as tac_plus does.
        reply(header, AuthenStatus.Error, 'cannot read the packet (bad key?)');
      }
    }
  });
  socket.on('error', () => undefined);
}

function headerBytes(h: TacacsHeader): Uint8Array {
  const b = Buffer.alloc(12);
  b.writeUInt8(h.version, 0);
  b.writeUInt8(h.type, 1);
  b.writeUInt8(h.seqNo, 2);
  b.writeUInt8(h.flags, 3);
  b.writeUInt32BE(h.sessionId, 4);
  b.writeUInt32BE(h.length, 8);
  return new Uint8Array(b);
}

export async function startTacacsServer(options: TacacsServerOptions): Promise<TestTacacsServer> {
  const state = { received: [] as Uint8Array[], outcomes: [] as string[] };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, options, state);
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    received: state.received,
    outcomes: state.outcomes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TCP port on 127.0.0.1 where nothing listens (connections are refused). */
export async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof a === 'object' && a !== null ? a.port : 0;
}
