// The TACACS+ login method (RFC 8907 §5): one authentication session per server over TCP
// (port 49), START then CONTINUE for each GETUSER/GETPASS prompt, until PASS (accept) or
// FAIL (reject). A server that cannot be reached, does not answer within its timeout
// (IOS `tacacs-server timeout 5`), answers ERROR or something we cannot read, sends us to
// the next `tacacs-server host`; when none is left the method is an error, so the next
// method of the list (`local`) is tried.

import { DecodeError } from '../wire/errors.js';
import type { AaaIo, AaaStream } from './io.js';
import { type AaaOutcome, type LoginMethod, serverText } from './method.js';
import {
  AuthenAction,
  AuthenService,
  AuthenStatus,
  AuthenType,
  ContinueFlag,
  PacketStream,
  PrivLevel,
  TAC_PLUS_AUTHEN,
  TAC_PLUS_MAJOR,
  TAC_PLUS_MINOR_DEFAULT,
  TAC_PLUS_MINOR_ONE,
  decodeReply,
  encodeContinue,
  encodePacket,
  encodeStart,
  openBody,
} from './tacacsPacket.js';

export interface TacacsServer {
  readonly host: string;
  readonly port: number;
  /** Undefined: the body goes unobfuscated (flag TAC_PLUS_UNENCRYPTED_FLAG), as IOS does without a key. */
  readonly key: string | undefined;
  /** Connect, and wait for each reply, at most this long. */
  readonly timeoutMs: number;
}

/** IOS defaults: TCP port 49, `tacacs-server timeout 5`. */
export const TACACS_DEFAULTS = { port: 49, timeoutSeconds: 5 } as const;

/** ASCII login (§5.4.2, prompts answered by CONTINUE) or PAP (§5.4.2, the password in START). */
export type TacacsLogin = 'ascii' | 'pap';

/** §5: a session needs START, at most two prompts and their answers; more is a misbehaving server. */
const MAX_REPLIES = 4;

type SessionEnd = AaaOutcome | { readonly kind: 'none'; readonly reason: string };

const EMPTY = new Uint8Array(0);
const PORT = Buffer.from('ipsec');

function said(msg: Uint8Array): string {
  return msg.length > 0 ? `: ${serverText(msg)}` : '';
}

function session(
  stream: AaaStream,
  server: TacacsServer,
  user: Uint8Array,
  pass: Uint8Array,
  login: TacacsLogin,
  io: AaaIo,
): Promise<SessionEnd> {
  const key = server.key !== undefined ? Buffer.from(server.key, 'utf8') : undefined;
  const version = (TAC_PLUS_MAJOR << 4) | (login === 'pap' ? TAC_PLUS_MINOR_ONE : TAC_PLUS_MINOR_DEFAULT);
  const sessionId = Buffer.from(io.randomBytes(4)).readUInt32BE(0);
  const packets = new PacketStream();
  return new Promise<SessionEnd>((resolve) => {
    let seqNo = 1;
    let replies = 0;
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (end: SessionEnd): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stream.close();
      key?.fill(0);
      resolve(end);
    };
    const send = (body: Uint8Array): void => {
      stream.write(encodePacket({ version, type: TAC_PLUS_AUTHEN, seqNo, sessionId }, body, key));
      clearTimeout(timer);
      timer = setTimeout(
        () => finish({ kind: 'none', reason: `no reply within ${server.timeoutMs} ms` }),
        server.timeoutMs,
      );
    };
    const answer = (data: Uint8Array): void => send(encodeContinue({ flags: 0, userMsg: data, data: EMPTY }));
    const onReply = (status: number, serverMsg: Uint8Array): void => {
      switch (status) {
        case AuthenStatus.Pass:
          return finish({ kind: 'accept' });
        case AuthenStatus.Fail:
          return finish({ kind: 'reject', reason: `TACACS+ FAIL${said(serverMsg)}` });
        case AuthenStatus.GetUser:
          return answer(user);
        case AuthenStatus.GetPass:
          return answer(pass);
        case AuthenStatus.GetData:
          // A prompt for something other than the user name or password: this login has nothing to give.
          send(encodeContinue({ flags: ContinueFlag.Abort, userMsg: EMPTY, data: EMPTY }));
          return finish({
            kind: 'none',
            reason: `TACACS+ GETDATA${said(serverMsg)}, which this login cannot answer`,
          });
        case AuthenStatus.Error:
          return finish({ kind: 'none', reason: `TACACS+ ERROR${said(serverMsg)}` });
        default:
          return finish({ kind: 'none', reason: `TACACS+ status ${status}${said(serverMsg)}` });
      }
    };
    stream.onData((data) => {
      if (done) return;
      try {
        for (const { header, body } of packets.push(data)) {
          if (done) return;
          if (header.type !== TAC_PLUS_AUTHEN || header.sessionId !== sessionId || header.seqNo !== seqNo + 1)
            return finish({
              kind: 'none',
              reason: `reply type ${header.type} seq_no ${header.seqNo} out of this session (expected ${seqNo + 1})`,
            });
          const reply = decodeReply(openBody(header, body, key));
          // §4.1: the session ends before seq_no would wrap.
          if (++replies > MAX_REPLIES || header.seqNo >= 254)
            return finish({ kind: 'none', reason: 'too many prompts' });
          seqNo = header.seqNo + 1;
          onReply(reply.status, reply.serverMsg);
        }
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        finish({ kind: 'none', reason: `unreadable reply (wrong key?): ${e.reason}` });
      }
    });
    stream.onClose((reason) => finish({ kind: 'none', reason }));
    send(
      encodeStart({
        action: AuthenAction.Login,
        privLvl: PrivLevel.User,
        authenType: login === 'pap' ? AuthenType.Pap : AuthenType.Ascii,
        authenService: AuthenService.Login,
        user,
        port: PORT,
        remAddr: EMPTY,
        data: login === 'pap' ? pass : EMPTY,
      }),
    );
  });
}

/** `group tacacs+` (or a PIX `aaa-server` TACACS+ group): the servers in order. */
export function tacacsMethod(
  name: string,
  servers: readonly TacacsServer[],
  io: AaaIo,
  login: TacacsLogin = 'ascii',
): LoginMethod {
  return {
    name,
    async authenticate(username: string, password: string): Promise<AaaOutcome> {
      if (servers.length === 0) return { kind: 'error', reason: `${name}: no TACACS+ server configured` };
      const user = Buffer.from(username, 'utf8');
      const pass = Buffer.from(password, 'utf8');
      if (user.length > 255 || pass.length > 255)
        return { kind: 'reject', reason: 'user name or password longer than 255 bytes' };
      const failures: string[] = [];
      try {
        for (const server of servers) {
          let stream: AaaStream;
          try {
            stream = await io.tcp(server.host, server.port, server.timeoutMs);
          } catch (e) {
            failures.push(
              `${server.host}:${server.port} ${e instanceof Error ? e.message : 'cannot connect'}`,
            );
            continue;
          }
          const end = await session(stream, server, user, pass, login, io);
          if (end.kind !== 'none') return end;
          failures.push(`${server.host}:${server.port} ${end.reason}`);
        }
      } finally {
        pass.fill(0);
      }
      return { kind: 'error', reason: `no TACACS+ server answered (${failures.join('; ')})` };
    },
  };
}
