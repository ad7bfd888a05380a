// The RADIUS login method (RFC 2865): one Access-Request per server, retransmitted with the
// same identifier and authenticator after each timeout (IOS `radius-server timeout 5`,
// `radius-server retransmit 3`), then the next `radius-server host` in order. A reply that
// fails its checks is dropped, as if it never came. No valid reply from any server is an
// error, so the next method of the list (`local`) is tried, as IOS does.

import { parseIpv4Text } from '../packet/address.js';
import type { AaaIo } from './io.js';
import {
  type AaaOutcome,
  type ChapCredentials,
  type ChapOutcome,
  type LoginMethod,
  serverText,
} from './method.js';
import { chapAttributes, chapOutcomeOf } from './radiusChap.js';
import {
  type RadiusAttribute,
  type RadiusPacket,
  MAX_PASSWORD,
  NAS_PORT_TYPE_VIRTUAL,
  RadiusAttr,
  RadiusCode,
  attributesOf,
  checkReply,
  encodeAccessRequest,
  hidePassword,
} from './radiusPacket.js';

export interface RadiusServer {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  /** Wait for a reply this long before each retransmission. */
  readonly timeoutMs: number;
  /** Retransmissions after the first try. */
  readonly retransmit: number;
}

/** IOS defaults: `radius-server timeout 5`, `radius-server retransmit 3`, auth-port 1645. */
export const RADIUS_DEFAULTS = { timeoutSeconds: 5, retransmit: 3, authPort: 1645 } as const;

type Attempt =
  | { readonly kind: 'reply'; readonly packet: RadiusPacket }
  | { readonly kind: 'none'; readonly reason: string };

function u32(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

function outcomeOf(packet: RadiusPacket): AaaOutcome {
  if (packet.code === RadiusCode.AccessAccept) return { kind: 'accept' };
  const messages = attributesOf(packet, RadiusAttr.ReplyMessage).map((m) => serverText(m));
  const said = messages.length > 0 ? `: ${messages.join(' ')}` : '';
  if (packet.code === RadiusCode.AccessChallenge)
    return { kind: 'reject', reason: `Access-Challenge, which this login cannot answer${said}` };
  return { kind: 'reject', reason: `Access-Reject${said}` };
}

/** What proves the user: a password hidden with the request's authenticator, or CHAP attributes. */
type Proof = { readonly password: Uint8Array } | { readonly attributes: readonly RadiusAttribute[] };

async function ask(
  server: RadiusServer,
  username: Uint8Array,
  proof: Proof,
  nasIdentifier: string,
  io: AaaIo,
): Promise<Attempt> {
  let socket;
  try {
    socket = await io.udp(server.host, server.port);
  } catch (e) {
    return { kind: 'none', reason: e instanceof Error ? e.message : 'cannot open a socket' };
  }
  const sock = socket;
  const secret = Buffer.from(server.secret, 'utf8');
  const identifier = io.randomBytes(1)[0] ?? 0;
  const requestAuth = io.randomBytes(16);
  const nasIp = sock.localAddress !== undefined ? parseIpv4Text(sock.localAddress) : undefined;
  const nas: RadiusAttribute =
    nasIp !== undefined && nasIp.some((b) => b !== 0)
      ? { type: RadiusAttr.NasIpAddress, value: nasIp }
      : { type: RadiusAttr.NasIdentifier, value: Buffer.from(nasIdentifier, 'utf8') };
  const request = encodeAccessRequest(
    identifier,
    requestAuth,
    [
      { type: RadiusAttr.UserName, value: username },
      ...('password' in proof
        ? [{ type: RadiusAttr.UserPassword, value: hidePassword(proof.password, secret, requestAuth) }]
        : proof.attributes),
      nas,
      { type: RadiusAttr.NasPortType, value: u32(NAS_PORT_TYPE_VIRTUAL) },
    ],
    secret,
  );
  const tries = 1 + server.retransmit;
  return new Promise<Attempt>((resolve) => {
    let sent = 0;
    let dropped: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (attempt: Attempt): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      sock.close();
      secret.fill(0);
      resolve(attempt);
    };
    const send = (): void => {
      if (sent === tries) {
        const why = dropped !== undefined ? `, last reply dropped: ${dropped}` : '';
        finish({ kind: 'none', reason: `no valid reply after ${tries} tries${why}` });
        return;
      }
      sent++;
      sock.send(request);
      timer = setTimeout(send, server.timeoutMs);
    };
    sock.onMessage((data, from) => {
      if (timer === undefined) return;
      if (from.address !== server.host || from.port !== server.port) {
        dropped = `from ${from.address}:${from.port}`;
        return;
      }
      const check = checkReply(data, identifier, requestAuth, secret);
      if (!check.ok) {
        dropped = check.reason;
        return;
      }
      finish({ kind: 'reply', packet: check.packet });
    });
    sock.onError((reason) => {
      if (timer !== undefined) finish({ kind: 'none', reason });
    });
    send();
  });
}

/** `group radius` (or a PIX `aaa-server` RADIUS group): the servers in order. */
export function radiusMethod(
  name: string,
  servers: readonly RadiusServer[],
  nasIdentifier: string,
  io: AaaIo,
): LoginMethod {
  return {
    name,
    async authenticate(username: string, password: string): Promise<AaaOutcome> {
      if (servers.length === 0) return { kind: 'error', reason: `${name}: no RADIUS server configured` };
      const user = Buffer.from(username, 'utf8');
      const pass = Buffer.from(password, 'utf8');
      if (user.length === 0 || user.length > 253) return { kind: 'reject', reason: 'user name length' };
      if (pass.length > MAX_PASSWORD)
        return { kind: 'reject', reason: `password longer than ${MAX_PASSWORD} bytes (RFC 2865 §5.2)` };
      const failures: string[] = [];
      try {
        for (const server of servers) {
          const attempt = await ask(server, user, { password: pass }, nasIdentifier, io);
          if (attempt.kind === 'reply') return outcomeOf(attempt.packet);
          failures.push(`${server.host}:${server.port} ${attempt.reason}`);
        }
      } finally {
        pass.fill(0);
      }
      return { kind: 'error', reason: `no RADIUS server answered (${failures.join('; ')})` };
    },
    // PPP (`aaa authentication ppp default radius`): the server checks the CHAP answer
    async authenticateChap(credentials: ChapCredentials): Promise<ChapOutcome> {
      if (servers.length === 0) return { kind: 'error', reason: `${name}: no RADIUS server configured` };
      const user = Buffer.from(credentials.username, 'utf8');
      if (user.length === 0 || user.length > 253) return { kind: 'reject', reason: 'user name length' };
      const proof = { attributes: chapAttributes(credentials) };
      const failures: string[] = [];
      for (const server of servers) {
        const attempt = await ask(server, user, proof, nasIdentifier, io);
        if (attempt.kind === 'reply')
          return chapOutcomeOf(credentials, attempt.packet, outcomeOf(attempt.packet));
        failures.push(`${server.host}:${server.port} ${attempt.reason}`);
      }
      return { kind: 'error', reason: `no RADIUS server answered (${failures.join('; ')})` };
    },
  };
}
