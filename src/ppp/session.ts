// One PPP link (RFC 1661 §3.2 phases: Establish, Authenticate, Network, Terminate) over an
// L2TP session, as the LNS (authenticator, address giver) or as the client (Windows' role).
// Sans-I/O: frames in, actions out; the restart timers are deadlines advanced by `tick`.
// Credentials are checked outside: the server returns `authenticate` and waits for
// `authResult`.

import type { ChapCredentials, ChapOutcome } from '../aaa/method.js';
import { chapMd5Response, msChapV2Answer, sameResponse } from '../crypto/chap.js';
import { bytesEqual, ipv4ToText, parseIpv4Text } from '../packet/address.js';
import { DecodeError } from '../wire/errors.js';
import { ChapCode, decodeChap, decodeMsChapV2Response, encodeChap, encodeMsChapV2Response } from './chap.js';
import {
  ChapAlgorithm,
  CpCode,
  type CpOption,
  type CpPacket,
  decodeCp,
  encodeCp,
  IpcpOption,
  LcpOption,
} from './cp.js';
import { decodePppFrame, encodePppFrame, PppProtocol } from './frame.js';
import { Negotiation, type OptionPolicy, type PeerVerdict, RESTART_SECONDS } from './negotiation.js';

/** `ppp authentication chap` / `ms-chap` (IOS 12.0's ms-chap on a Virtual-Template is MS-CHAPv2 for Windows 2000). */
export type PppAuth = 'chap' | 'ms-chap';

export type PppAction =
  | { readonly kind: 'frame'; readonly frame: Uint8Array }
  | { readonly kind: 'ip'; readonly packet: Uint8Array }
  | { readonly kind: 'authenticate'; readonly credentials: ChapCredentials }
  | {
      readonly kind: 'up';
      readonly localAddress: string;
      readonly peerAddress: string;
      readonly user: string;
    }
  | { readonly kind: 'down'; readonly reason: string }
  | { readonly kind: 'log'; readonly text: string };

export interface PppServerOptions {
  readonly role: 'server';
  /** Offered in LCP in this order; the client may Nak to another one of them. */
  readonly auth: readonly PppAuth[];
  /** Our own address for IPCP (`ip unnumbered`). */
  readonly localAddress: string;
  /** The address for an authenticated user (`peer default ip address pool`); undefined: none left. */
  readonly addressFor: (user: string) => string | undefined;
  readonly name: string;
  readonly dns?: readonly string[];
}

export interface PppClientOptions {
  readonly role: 'client';
  readonly username: string;
  readonly password: string;
}

export type PppOptions = PppServerOptions | PppClientOptions;

const MAX_CHALLENGES = 10;

function bytes4(address: string): Uint8Array {
  return parseIpv4Text(address) ?? new Uint8Array(4);
}

const text4 = (b: Uint8Array): string => ipv4ToText(b);

function authOption(auth: PppAuth): CpOption {
  return {
    type: LcpOption.AuthProtocol,
    data: Uint8Array.of(0xc2, 0x23, auth === 'chap' ? ChapAlgorithm.MD5 : ChapAlgorithm.MSCHAPv2),
  };
}

function authOf(data: Uint8Array): PppAuth | undefined {
  if (data.length !== 3 || data[0] !== 0xc2 || data[1] !== 0x23) return undefined;
  return data[2] === ChapAlgorithm.MD5 ? 'chap' : data[2] === ChapAlgorithm.MSCHAPv2 ? 'ms-chap' : undefined;
}

export class PppSession {
  private readonly actions: PppAction[] = [];
  private readonly lcp: Negotiation;
  private readonly ipcp: Negotiation;
  private phase: 'dead' | 'establish' | 'authenticate' | 'network' | 'terminate' = 'dead';
  private readonly magic: Uint8Array;
  /** Server: the auth protocols still on offer (Nak'ed ones drop off); client: what the server asked. */
  private authOffer: PppAuth[];
  private agreedAuth: PppAuth | undefined;
  private challenge: { id: number; value: Uint8Array; tries: number; deadline: number } | undefined;
  private pendingAuth: { id: number; credentials: ChapCredentials } | undefined;
  private expectedServerProof: string | undefined;
  private user = '';
  private ourAddress: Uint8Array;
  private peerAddress: Uint8Array | undefined;
  private dns: Uint8Array[] = [];
  private chapId = 0;
  private upSent = false;
  /** The time of the call being handled, for what the negotiations' callbacks start. */
  private now = 0;

  constructor(
    private readonly options: PppOptions,
    private readonly randomBytes: (n: number) => Uint8Array,
  ) {
    this.magic = randomBytes(4);
    this.authOffer = options.role === 'server' ? [...options.auth] : [];
    this.ourAddress = options.role === 'server' ? bytes4(options.localAddress) : new Uint8Array(4);
    if (options.role === 'client') this.dns = [new Uint8Array(4), new Uint8Array(4)];
    this.lcp = new Negotiation(this.lcpPolicy(), {
      send: (p) => this.sendCp(PppProtocol.LCP, p),
      up: () => this.lcpUp(),
      down: (reason) => this.linkDown(`LCP ${reason}`),
    });
    this.ipcp = new Negotiation(this.ipcpPolicy(), {
      send: (p) => this.sendCp(PppProtocol.IPCP, p),
      up: () => this.ipcpUp(),
      down: (reason) => this.log(`IPCP down: ${reason}`),
    });
  }

  get state(): string {
    return this.phase;
  }

  get address(): string | undefined {
    return this.peerAddress === undefined ? undefined : text4(this.peerAddress);
  }

  get username(): string {
    return this.user;
  }

  start(now: number): PppAction[] {
    this.now = now;
    this.phase = 'establish';
    this.lcp.open(now);
    return this.flush();
  }

  /** The PPP frame of an L2TP data message. */
  receive(frameBytes: Uint8Array, now: number): PppAction[] {
    this.now = now;
    try {
      this.onFrame(frameBytes, now);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.log(`dropped malformed frame: ${e.message}`);
    }
    return this.flush();
  }

  /** An IPv4 packet for the peer; dropped unless IPCP is open. */
  sendIp(packet: Uint8Array): PppAction[] {
    if (this.ipcp.state === 'opened') this.frame(PppProtocol.IPv4, packet);
    return this.flush();
  }

  close(now: number, reason: string): PppAction[] {
    this.now = now;
    this.phase = 'terminate';
    this.lcp.close(now, reason);
    return this.flush();
  }

  tick(now: number): PppAction[] {
    this.now = now;
    this.lcp.tick(now);
    this.ipcp.tick(now);
    const c = this.challenge;
    if (c !== undefined && this.pendingAuth === undefined && now >= c.deadline) {
      if (c.tries >= MAX_CHALLENGES) {
        this.challenge = undefined;
        this.lcp.close(now, 'no CHAP response');
      } else {
        this.sendChallenge();
      }
    }
    return this.flush();
  }

  nextDeadline(): number | undefined {
    const ds = [this.lcp.nextDeadline, this.ipcp.nextDeadline];
    if (this.challenge !== undefined && this.pendingAuth === undefined) ds.push(this.challenge.deadline);
    const defined = ds.filter((d): d is number => d !== undefined);
    return defined.length === 0 ? undefined : Math.min(...defined);
  }

  /** The verdict on the credentials of the last `authenticate` action. */
  authResult(outcome: ChapOutcome, now: number): PppAction[] {
    this.now = now;
    const pending = this.pendingAuth;
    if (pending === undefined) return [];
    this.pendingAuth = undefined;
    this.challenge = undefined;
    const msv2 = pending.credentials.kind === 'mschapv2';
    if (outcome.kind === 'accept') {
      // RFC 2759 §5: "S=<auth_string> M=<message>"
      const message = msv2 ? `${outcome.authenticatorResponse ?? ''} M=Welcome` : 'Welcome';
      this.sendChap({ code: ChapCode.Success, identifier: pending.id, message });
      this.log(`CHAP: user ${this.user} authenticated`);
      this.phase = 'network';
      this.ipcp.open(now);
    } else {
      // RFC 2759 §6: E=691 (authentication failure), R=0 (no retry)
      const message = msv2
        ? `E=691 R=0 C=${'00'.repeat(16)} V=3 M=Authentication failure`
        : 'Authentication failure';
      this.sendChap({ code: ChapCode.Failure, identifier: pending.id, message });
      this.log(`CHAP: user ${this.user} refused: ${outcome.reason}`);
      this.phase = 'terminate';
      this.lcp.close(now, 'authentication failed');
    }
    return this.flush();
  }

  // ------------------------------------------------------------------ frames

  private onFrame(bytes: Uint8Array, now: number): void {
    const frame = decodePppFrame(bytes);
    switch (frame.protocol) {
      case PppProtocol.LCP:
        return this.onLcp(decodeCp(frame.info), now);
      case PppProtocol.CHAP:
        if (this.lcp.state === 'opened') this.onChap(frame.info, now);
        return;
      case PppProtocol.IPCP:
        if (this.phase === 'network') this.ipcp.receive(decodeCp(frame.info), now);
        return;
      case PppProtocol.IPv4:
        if (this.ipcp.state === 'opened') this.actions.push({ kind: 'ip', packet: frame.info });
        return;
      default:
        // RFC 1661 §5.7: an unknown protocol once LCP is open gets a Protocol-Reject
        if (this.lcp.state !== 'opened') return;
        this.sendCp(PppProtocol.LCP, {
          code: CpCode.ProtocolReject,
          identifier: ++this.chapId & 0xff,
          data: Uint8Array.of(frame.protocol >>> 8, frame.protocol & 0xff, ...frame.info.subarray(0, 1400)),
        });
    }
  }

  private onLcp(p: CpPacket, now: number): void {
    if (this.lcp.receive(p, now)) return;
    switch (p.code) {
      case CpCode.EchoRequest:
        if (this.lcp.state === 'opened')
          this.sendCp(PppProtocol.LCP, {
            code: CpCode.EchoReply,
            identifier: p.identifier,
            data: Uint8Array.of(...this.magic, ...p.data.subarray(4)),
          });
        return;
      case CpCode.EchoReply:
      case CpCode.DiscardRequest:
      case CpCode.CodeReject:
      case CpCode.ProtocolReject:
        return;
      default:
        this.sendCp(PppProtocol.LCP, {
          code: CpCode.CodeReject,
          identifier: p.identifier,
          data: encodeCp(p).subarray(0, 1400),
        });
    }
  }

  private lcpUp(): void {
    this.log('LCP: state is Open');
    if (this.options.role === 'server') {
      this.agreedAuth = this.authOffer[0];
      this.phase = 'authenticate';
      this.sendChallenge();
    } else if (this.agreedAuth === undefined) {
      this.phase = 'network';
      this.ipcp.open(this.now);
    } else {
      this.phase = 'authenticate';
    }
  }

  private linkDown(reason: string): void {
    this.phase = 'terminate';
    this.challenge = undefined;
    this.actions.push({ kind: 'down', reason });
  }

  private ipcpUp(): void {
    const peer = this.peerAddress;
    if (peer === undefined) return;
    this.log(`IPCP: state is Open, peer ${text4(peer)}`);
    if (this.upSent) return;
    this.upSent = true;
    this.actions.push({
      kind: 'up',
      localAddress: text4(this.ourAddress),
      peerAddress: text4(peer),
      user: this.user,
    });
  }

  // ------------------------------------------------------------------ CHAP

  private sendChallenge(): void {
    const auth = this.agreedAuth ?? 'chap';
    const previous = this.challenge;
    const id = previous?.id ?? ++this.chapId & 0xff;
    const value = previous?.value ?? this.randomBytes(16);
    this.challenge = { id, value, tries: (previous?.tries ?? 0) + 1, deadline: this.now + RESTART_SECONDS };
    this.sendChap({
      code: ChapCode.Challenge,
      identifier: id,
      value,
      name: this.options.role === 'server' ? this.options.name : '',
    });
    this.log(`CHAP: O CHALLENGE id ${id} (${auth === 'ms-chap' ? 'MS-CHAPv2' : 'MD5'})`);
  }

  private onChap(info: Uint8Array, now: number): void {
    const p = decodeChap(info);
    if (this.options.role === 'server') {
      const c = this.challenge;
      if (
        p.code !== ChapCode.Response ||
        c === undefined ||
        p.identifier !== c.id ||
        this.pendingAuth !== undefined
      )
        return;
      this.user = p.name;
      const credentials: ChapCredentials =
        this.agreedAuth === 'ms-chap'
          ? (() => {
              const r = decodeMsChapV2Response(p.value);
              return {
                kind: 'mschapv2',
                username: p.name,
                identifier: p.identifier,
                authChallenge: c.value,
                peerChallenge: r.peerChallenge,
                ntResponse: r.ntResponse,
              } as const;
            })()
          : {
              kind: 'chap-md5',
              username: p.name,
              identifier: p.identifier,
              challenge: c.value,
              response: p.value,
            };
      this.pendingAuth = { id: p.identifier, credentials };
      this.log(`CHAP: I RESPONSE id ${p.identifier} from ${p.name}`);
      this.actions.push({ kind: 'authenticate', credentials });
      return;
    }
    const o = this.options;
    if (p.code === ChapCode.Challenge) {
      this.user = o.username;
      if (this.agreedAuth === 'ms-chap') {
        const peerChallenge = this.randomBytes(16);
        const answer = msChapV2Answer(p.value, peerChallenge, o.username, o.password);
        const ntResponse = answer.ntResponse;
        this.expectedServerProof = answer.authenticatorResponse;
        const value = encodeMsChapV2Response({ peerChallenge, ntResponse, flags: 0 });
        this.sendChap({ code: ChapCode.Response, identifier: p.identifier, value, name: o.username });
      } else {
        const value = chapMd5Response(p.identifier, o.password, p.value);
        this.sendChap({ code: ChapCode.Response, identifier: p.identifier, value, name: o.username });
      }
      return;
    }
    if (p.code === ChapCode.Success) {
      if (this.agreedAuth === 'ms-chap') {
        // RFC 2759 §5: the client checks the server knew the password too
        const proof = /S=([0-9A-Fa-f]{40})/.exec(p.message)?.[0]?.toUpperCase();
        const expected = this.expectedServerProof;
        if (proof === undefined || expected === undefined || !sameText(proof, expected)) {
          this.log('CHAP: the server failed to prove it knows the password');
          this.lcp.close(now, 'bad authenticator response');
          return;
        }
      }
      if (this.phase !== 'authenticate') return;
      this.log('CHAP: authenticated by the server');
      this.phase = 'network';
      this.ipcp.open(now);
      return;
    }
    if (p.code === ChapCode.Failure) {
      this.log(`CHAP: the server refused us: ${p.message.slice(0, 100)}`);
      this.lcp.close(now, 'authentication failed');
    }
  }

  // ------------------------------------------------------------------ option policies

  private lcpPolicy(): OptionPolicy {
    const server = this.options.role === 'server';
    return {
      request: () => {
        const ours: CpOption[] = [{ type: LcpOption.MagicNumber, data: this.magic }];
        const auth = this.authOffer[0];
        if (server && auth !== undefined) ours.unshift(authOption(auth));
        return ours;
      },
      peerRequest: (options): PeerVerdict => {
        const reject: CpOption[] = [];
        const nak: CpOption[] = [];
        for (const o of options) {
          switch (o.type) {
            case LcpOption.MRU:
            case LcpOption.ACCM:
            case LcpOption.PFC:
            case LcpOption.ACFC:
              break;
            case LcpOption.MagicNumber:
              // §6.4: our own magic coming back means a looped link
              if (o.data.length !== 4) reject.push(o);
              else if (bytesEqual(o.data, this.magic)) nak.push({ type: o.type, data: this.randomBytes(4) });
              break;
            case LcpOption.AuthProtocol: {
              const asked = authOf(o.data);
              if (server) reject.push(o);
              else if (asked === undefined) nak.push(authOption('ms-chap'));
              else this.agreedAuth = asked;
              break;
            }
            default:
              reject.push(o);
          }
        }
        if (reject.length > 0) return { verdict: 'reject', options: reject };
        if (nak.length > 0) return { verdict: 'nak', options: nak };
        return { verdict: 'ack' };
      },
      nak: (options) => {
        for (const o of options) {
          if (o.type === LcpOption.AuthProtocol && server) {
            const wanted = authOf(o.data);
            // §5.3: take the peer's suggestion when we offer it, else drop the refused one
            if (wanted !== undefined && this.authOffer.includes(wanted)) this.authOffer = [wanted];
            else this.authOffer.shift();
            if (this.authOffer.length === 0) return false;
          }
          if (o.type === LcpOption.MagicNumber && o.data.length === 4) this.magic.set(this.randomBytes(4));
        }
        return true;
      },
      reject: (options) => {
        // an authenticator cannot do without authentication
        return !(server && options.some((o) => o.type === LcpOption.AuthProtocol));
      },
    };
  }

  private ipcpPolicy(): OptionPolicy {
    const server = this.options.role === 'server';
    return {
      request: () => {
        const ours: CpOption[] = [{ type: IpcpOption.IpAddress, data: this.ourAddress }];
        if (!server) {
          if (this.dns[0] !== undefined) ours.push({ type: IpcpOption.PrimaryDns, data: this.dns[0] });
          if (this.dns[1] !== undefined) ours.push({ type: IpcpOption.SecondaryDns, data: this.dns[1] });
        }
        return ours;
      },
      peerRequest: (options): PeerVerdict => {
        const reject: CpOption[] = [];
        const nak: CpOption[] = [];
        for (const o of options) {
          if (o.type === IpcpOption.IpAddress && o.data.length === 4) {
            if (server) {
              const address = this.assigned();
              if (address === undefined) reject.push(o);
              else if (!bytesEqual(o.data, address)) nak.push({ type: o.type, data: address });
            } else if (o.data.every((b) => b === 0)) {
              reject.push(o);
            } else {
              this.peerAddress = Uint8Array.from(o.data);
            }
          } else if (
            server &&
            (o.type === IpcpOption.PrimaryDns || o.type === IpcpOption.SecondaryDns) &&
            o.data.length === 4
          ) {
            const dns = this.options.role === 'server' ? (this.options.dns ?? []) : [];
            const value = dns[o.type === IpcpOption.PrimaryDns ? 0 : 1];
            if (value === undefined) reject.push(o);
            else if (text4(o.data) !== value) nak.push({ type: o.type, data: bytes4(value) });
          } else {
            reject.push(o);
          }
        }
        if (reject.length > 0) return { verdict: 'reject', options: reject };
        if (nak.length > 0) return { verdict: 'nak', options: nak };
        if (server) this.peerAddress = this.assigned();
        return { verdict: 'ack' };
      },
      nak: (options) => {
        for (const o of options) {
          if (o.data.length !== 4) continue;
          if (o.type === IpcpOption.IpAddress) this.ourAddress = Uint8Array.from(o.data);
          if (o.type === IpcpOption.PrimaryDns) this.dns[0] = Uint8Array.from(o.data);
          if (o.type === IpcpOption.SecondaryDns) this.dns[1] = Uint8Array.from(o.data);
        }
        return true;
      },
      reject: (options) => {
        for (const o of options) {
          if (o.type === IpcpOption.IpAddress) return false;
          if (o.type === IpcpOption.PrimaryDns) this.dns = [];
          if (o.type === IpcpOption.SecondaryDns) this.dns.length = Math.min(this.dns.length, 1);
        }
        return true;
      },
    };
  }

  private assignedAddress: Uint8Array | undefined;

  private assigned(): Uint8Array | undefined {
    if (this.options.role !== 'server') return undefined;
    if (this.assignedAddress === undefined) {
      const text = this.options.addressFor(this.user);
      if (text !== undefined) this.assignedAddress = bytes4(text);
    }
    return this.assignedAddress;
  }

  // ------------------------------------------------------------------ output

  private sendCp(protocol: number, p: CpPacket): void {
    this.frame(protocol, encodeCp(p));
  }

  private sendChap(p: Parameters<typeof encodeChap>[0]): void {
    this.frame(PppProtocol.CHAP, encodeChap(p));
  }

  private frame(protocol: number, info: Uint8Array): void {
    this.actions.push({ kind: 'frame', frame: encodePppFrame({ protocol, info }) });
  }

  private log(text: string): void {
    this.actions.push({ kind: 'log', text });
  }

  private flush(): PppAction[] {
    return this.actions.splice(0);
  }
}

function sameText(a: string, b: string): boolean {
  return sameResponse(Buffer.from(a), Buffer.from(b));
}
