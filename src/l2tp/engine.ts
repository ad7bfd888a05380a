// L2TP (RFC 2661) as the LNS of Example 13-23 or as the client's LAC (voluntary tunnelling,
// as Windows does it): control connections (§5.1: SCCRQ, SCCRP, SCCCN; HELLO §6.5; StopCCN
// §6.4), incoming calls (§5.2.2: ICRQ, ICRP, ICCN; CDN §6.14), and a PPP link per session.
// Sans-I/O: datagrams and time in, actions out. No tunnel authentication (`no l2tp tunnel
// authentication`), so no Challenge AVP is sent and hidden AVPs are refused.

import type { ChapOutcome } from '../aaa/method.js';
import { DecodeError } from '../wire/errors.js';
import { type PppAction, type PppOptions, PppSession } from '../ppp/session.js';
import { type Avp, avpNumber, avpText, findAvp, textAvp, u16Avp, u32Avp } from './avp.js';
import { ControlChannel } from './channel.js';
import {
  AvpType,
  CdnResult,
  FRAMING_SYNC,
  L2TP_PORT,
  MessageType,
  messageTypeName,
  StopCcnResult,
} from './constants.js';
import { type ControlMessage, decodeL2tp, encodeData } from './message.js';

export interface L2tpDatagram {
  readonly srcAddress: string;
  readonly srcPort: number;
  readonly dstAddress: string;
  readonly dstPort: number;
  readonly data: Uint8Array;
}

/** A session by our own tunnel and session IDs (what `show vpdn` names). */
export interface SessionRef {
  readonly tunnelId: number;
  readonly sessionId: number;
}

export type L2tpAction =
  | { readonly kind: 'send'; readonly datagram: L2tpDatagram }
  | { readonly kind: 'ip'; readonly session: SessionRef; readonly packet: Uint8Array }
  | {
      readonly kind: 'authenticate';
      readonly session: SessionRef;
      readonly credentials: Extract<PppAction, { kind: 'authenticate' }>['credentials'];
    }
  | {
      readonly kind: 'sessionUp';
      readonly session: SessionRef;
      readonly peer: string;
      readonly user: string;
      readonly localAddress: string;
      readonly peerAddress: string;
    }
  | {
      readonly kind: 'sessionDown';
      readonly session: SessionRef;
      readonly peer: string;
      readonly reason: string;
    }
  | { readonly kind: 'log'; readonly text: string };

/** The reason of the sessions `closeAll` ends (ours, not the peer's). */
export const CLEARED = 'administratively cleared';

export interface L2tpOptions {
  readonly role: 'lns' | 'lac';
  readonly hostName: string;
  readonly randomBytes: (n: number) => Uint8Array;
  /** The PPP end of a new session (LNS: authenticator with its pool; LAC: the user's credentials). */
  readonly ppp: (session: SessionRef, peer: string) => PppOptions;
  /** Seconds without a control message before a HELLO (§6.5; IOS `l2tp hello 60`). */
  readonly helloInterval?: number;
}

type TunnelState = 'wait-ctl-reply' | 'wait-ctl-conn' | 'established' | 'closed';
type SessionState = 'wait-reply' | 'wait-connect' | 'established' | 'closed';

interface Session {
  readonly ref: SessionRef;
  peerSessionId: number;
  state: SessionState;
  ppp: PppSession | undefined;
  up: boolean;
}

interface Tunnel {
  readonly id: number;
  readonly peerAddress: string;
  readonly peerPort: number;
  readonly localAddress: string;
  state: TunnelState;
  readonly channel: ControlChannel;
  readonly sessions: Map<number, Session>;
  lastHeard: number;
  peerHost: string;
  closingUntil?: number;
}

const PROTOCOL_VERSION = 0x0100;
/** §5.7: a tunnel that sent StopCCN keeps its state a while to answer retransmissions. */
const STOP_HOLD_SECONDS = 31;

export class L2tpEngine {
  private readonly tunnels = new Map<number, Tunnel>();
  private readonly actions: L2tpAction[] = [];
  private now = 0;
  private serial = 1;

  constructor(private readonly options: L2tpOptions) {}

  /** LAC: open a control connection and one call to the LNS at `server`. */
  connect(localAddress: string, server: string, now: number): { session: SessionRef; actions: L2tpAction[] } {
    this.now = now;
    const tunnel = this.newTunnel(server, L2TP_PORT, localAddress, 0, 'wait-ctl-reply');
    tunnel.channel.send(MessageType.SCCRQ, 0, this.startAvps(tunnel.id), now);
    this.log(`L2TP: O SCCRQ to ${server} tnlid ${tunnel.id}`);
    const session = this.newSession(tunnel, 0, 'wait-reply');
    return { session: session.ref, actions: this.flush() };
  }

  receive(d: L2tpDatagram, now: number): L2tpAction[] {
    this.now = now;
    try {
      const m = decodeL2tp(d.data);
      if (m.kind === 'control') this.onControl(d, m);
      else this.onData(d, m.tunnelId, m.sessionId, m.payload);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.log(`L2TP: dropped malformed message from ${d.srcAddress}: ${e.message}`);
    }
    return this.flush();
  }

  /** An IPv4 packet for the client of `session` (from the TUN or the virtual LAN). */
  sendIp(ref: SessionRef, packet: Uint8Array, now: number): L2tpAction[] {
    this.now = now;
    const found = this.session(ref);
    if (found?.session.ppp !== undefined)
      this.perform(found.tunnel, found.session, found.session.ppp.sendIp(packet));
    return this.flush();
  }

  authResult(ref: SessionRef, outcome: ChapOutcome, now: number): L2tpAction[] {
    this.now = now;
    const found = this.session(ref);
    if (found?.session.ppp !== undefined)
      this.perform(found.tunnel, found.session, found.session.ppp.authResult(outcome, now));
    return this.flush();
  }

  tick(now: number): L2tpAction[] {
    this.now = now;
    const hello = this.options.helloInterval ?? 60;
    for (const t of [...this.tunnels.values()]) {
      if (t.closingUntil !== undefined && now >= t.closingUntil) {
        this.tunnels.delete(t.id);
        continue;
      }
      t.channel.tick(now);
      if (t.channel.failed) {
        this.log(`Tnl ${t.id} L2TP: no acknowledgement from ${t.peerAddress}, tunnel down`);
        this.dropTunnel(t, 'control connection lost');
        continue;
      }
      if (t.state === 'established' && t.channel.pending === 0 && now - t.lastHeard >= hello) {
        t.lastHeard = now;
        t.channel.send(MessageType.HELLO, 0, [], now);
        this.log(`Tnl ${t.id} L2TP: O HELLO to ${t.peerAddress}`);
      }
      for (const s of t.sessions.values()) if (s.ppp !== undefined) this.perform(t, s, s.ppp.tick(now));
    }
    return this.flush();
  }

  nextDeadline(): number | undefined {
    const hello = this.options.helloInterval ?? 60;
    let next: number | undefined;
    const take = (d: number | undefined): void => {
      if (d !== undefined && (next === undefined || d < next)) next = d;
    };
    for (const t of this.tunnels.values()) {
      take(t.closingUntil);
      take(t.channel.nextDeadline());
      if (t.state === 'established') take(t.lastHeard + hello);
      for (const s of t.sessions.values()) take(s.ppp?.nextDeadline());
    }
    return next;
  }

  /** Ends every session and tunnel with CDN and StopCCN (`clear vpdn tunnel`, shutdown). */
  closeAll(now: number): L2tpAction[] {
    this.now = now;
    for (const t of this.tunnels.values())
      if (t.state !== 'closed') this.stop(t, StopCcnResult.ShuttingDown, CLEARED);
    return this.flush();
  }

  /** For `show vpdn`: each tunnel and its sessions. */
  list(): {
    readonly tunnelId: number;
    readonly peerTunnelId: number;
    readonly peer: string;
    readonly peerHost: string;
    readonly state: string;
    readonly sessions: readonly {
      sessionId: number;
      peerSessionId: number;
      state: string;
      user: string;
      address: string | undefined;
    }[];
  }[] {
    return [...this.tunnels.values()].map((t) => ({
      tunnelId: t.id,
      peerTunnelId: t.channel.peerTunnelId,
      peer: t.peerAddress,
      peerHost: t.peerHost,
      state: t.state,
      sessions: [...t.sessions.values()].map((s) => ({
        sessionId: s.ref.sessionId,
        peerSessionId: s.peerSessionId,
        state: s.state,
        user: s.ppp?.username ?? '',
        address: s.ppp?.address,
      })),
    }));
  }

  // ------------------------------------------------------------------ control

  private onControl(d: L2tpDatagram, m: ControlMessage): void {
    if (m.avps.some((a) => a.hidden)) {
      this.log(`L2TP: hidden AVP from ${d.srcAddress}, which needs tunnel authentication (off): dropped`);
      return;
    }
    let tunnel = m.tunnelId === 0 ? undefined : this.tunnels.get(m.tunnelId);
    if (m.tunnelId === 0) {
      if (m.messageType !== MessageType.SCCRQ) return;
      tunnel = this.acceptSccrq(d, m);
      if (tunnel === undefined) return;
    }
    if (tunnel === undefined || tunnel.peerAddress !== d.srcAddress) {
      this.log(
        `L2TP: ${messageTypeName(m.messageType)} from ${d.srcAddress} for unknown tunnel ${m.tunnelId}: dropped`,
      );
      return;
    }
    const receipt = tunnel.channel.receive(m.ns, m.nr, m.messageType === undefined, this.now);
    if (receipt !== 'new') return;
    tunnel.lastHeard = this.now;
    const before = tunnel.channel.transmissions;
    this.log(
      `Tnl ${tunnel.id} L2TP: I ${messageTypeName(m.messageType)} from ${tunnel.peerHost || d.srcAddress}`,
    );
    try {
      this.dispatch(tunnel, m);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      this.log(`Tnl ${tunnel.id} L2TP: malformed ${messageTypeName(m.messageType)}: ${e.message}`);
      this.stop(tunnel, StopCcnResult.GeneralError, e.reason);
    }
    if (this.tunnels.has(tunnel.id)) tunnel.channel.acknowledge(tunnel.channel.transmissions !== before);
  }

  private acceptSccrq(d: L2tpDatagram, m: ControlMessage): Tunnel | undefined {
    if (this.options.role !== 'lns') return undefined;
    const assigned = findAvp(m.avps, AvpType.AssignedTunnelId);
    if (assigned === undefined) {
      this.log(`L2TP: SCCRQ from ${d.srcAddress} without Assigned Tunnel ID: dropped`);
      return undefined;
    }
    const peerTunnel = avpNumber(assigned, 2);
    // A retransmitted SCCRQ belongs to the tunnel it already made.
    for (const t of this.tunnels.values())
      if (t.peerAddress === d.srcAddress && t.peerPort === d.srcPort && t.channel.peerTunnelId === peerTunnel)
        return t;
    return this.newTunnel(d.srcAddress, d.srcPort, d.dstAddress, peerTunnel, 'wait-ctl-conn');
  }

  private dispatch(t: Tunnel, m: ControlMessage): void {
    switch (m.messageType) {
      case MessageType.SCCRQ: {
        const version = findAvp(m.avps, AvpType.ProtocolVersion);
        t.peerHost = hostOf(m.avps);
        this.window(t, m.avps);
        if (version === undefined || avpNumber(version, 2) !== PROTOCOL_VERSION) {
          this.stop(t, StopCcnResult.UnsupportedVersion, 'protocol version 1.0 expected');
          return;
        }
        t.channel.send(MessageType.SCCRP, 0, this.startAvps(t.id), this.now);
        this.log(`Tnl ${t.id} L2TP: O SCCRP to ${t.peerHost} tnlid ${t.channel.peerTunnelId}`);
        return;
      }
      case MessageType.SCCRP: {
        if (t.state !== 'wait-ctl-reply') return;
        const assigned = findAvp(m.avps, AvpType.AssignedTunnelId);
        if (assigned === undefined) throw new DecodeError('SCCRP without Assigned Tunnel ID', 0);
        t.channel.peerTunnelId = avpNumber(assigned, 2);
        t.peerHost = hostOf(m.avps);
        this.window(t, m.avps);
        t.channel.send(MessageType.SCCCN, 0, [], this.now);
        this.tunnelState(t, 'established');
        for (const s of t.sessions.values()) this.placeCall(t, s);
        return;
      }
      case MessageType.SCCCN:
        if (t.state === 'wait-ctl-conn') this.tunnelState(t, 'established');
        return;
      case MessageType.StopCCN: {
        const result = findAvp(m.avps, AvpType.ResultCode);
        this.dropTunnel(
          t,
          `StopCCN from peer, result ${result === undefined || result.value.length < 2 ? '?' : (result.value[0]! << 8) | result.value[1]!}`,
        );
        // the ZLB acknowledging it still goes out: keep the channel until then
        t.channel.acknowledge(false);
        return;
      }
      case MessageType.HELLO:
        return;
      case MessageType.ICRQ:
        return this.onIcrq(t, m);
      case MessageType.ICRP:
        return this.onIcrp(t, m);
      case MessageType.ICCN: {
        const s = t.sessions.get(m.sessionId);
        if (s === undefined || s.state !== 'wait-connect') return;
        this.sessionState(t, s, 'established');
        this.startPpp(t, s);
        return;
      }
      case MessageType.CDN: {
        const s = t.sessions.get(m.sessionId);
        if (s !== undefined) this.dropSession(t, s, 'CDN from peer', false);
        return;
      }
      default:
        // WEN, SLI and the outgoing-call messages mean nothing to an LNS of incoming calls
        return;
    }
  }

  private onIcrq(t: Tunnel, m: ControlMessage): void {
    if (this.options.role !== 'lns' || t.state !== 'established') return;
    const assigned = findAvp(m.avps, AvpType.AssignedSessionId);
    if (assigned === undefined) throw new DecodeError('ICRQ without Assigned Session ID', 0);
    const peerSession = avpNumber(assigned, 2);
    const s = this.newSession(t, peerSession, 'wait-connect');
    t.channel.send(
      MessageType.ICRP,
      peerSession,
      [u16Avp(AvpType.AssignedSessionId, s.ref.sessionId)],
      this.now,
    );
    this.log(`Tnl/Sn ${t.id}/${s.ref.sessionId} L2TP: O ICRP to ${t.peerHost}`);
  }

  private onIcrp(t: Tunnel, m: ControlMessage): void {
    const s = t.sessions.get(m.sessionId);
    if (s === undefined || s.state !== 'wait-reply') return;
    const assigned = findAvp(m.avps, AvpType.AssignedSessionId);
    if (assigned === undefined) throw new DecodeError('ICRP without Assigned Session ID', 0);
    s.peerSessionId = avpNumber(assigned, 2);
    // §4.4.5: the connect speed and framing of the (virtual) call
    t.channel.send(
      MessageType.ICCN,
      s.peerSessionId,
      [u32Avp(AvpType.TxConnectSpeed, 10_000_000), u32Avp(AvpType.FramingType, FRAMING_SYNC)],
      this.now,
    );
    this.sessionState(t, s, 'established');
    this.startPpp(t, s);
  }

  private placeCall(t: Tunnel, s: Session): void {
    t.channel.send(
      MessageType.ICRQ,
      0,
      [u16Avp(AvpType.AssignedSessionId, s.ref.sessionId), u32Avp(AvpType.CallSerialNumber, this.serial++)],
      this.now,
    );
    this.log(`Tnl/Sn ${t.id}/${s.ref.sessionId} L2TP: O ICRQ to ${t.peerHost}`);
  }

  private startAvps(tunnelId: number): Avp[] {
    return [
      u16Avp(AvpType.ProtocolVersion, PROTOCOL_VERSION),
      u32Avp(AvpType.FramingCapabilities, FRAMING_SYNC),
      textAvp(AvpType.HostName, this.options.hostName),
      u16Avp(AvpType.AssignedTunnelId, tunnelId),
      u16Avp(AvpType.ReceiveWindowSize, 4),
      textAvp(AvpType.VendorName, 'typeswan', false),
    ];
  }

  private window(t: Tunnel, avps: readonly Avp[]): void {
    const w = findAvp(avps, AvpType.ReceiveWindowSize);
    if (w !== undefined) t.channel.setWindow(avpNumber(w, 2));
  }

  // ------------------------------------------------------------------ data and PPP

  private onData(d: L2tpDatagram, tunnelId: number, sessionId: number, payload: Uint8Array): void {
    const t = this.tunnels.get(tunnelId);
    const s = t?.sessions.get(sessionId);
    if (t === undefined || s?.ppp === undefined || t.peerAddress !== d.srcAddress) return;
    this.perform(t, s, s.ppp.receive(payload, this.now));
  }

  private startPpp(t: Tunnel, s: Session): void {
    s.ppp = new PppSession(this.options.ppp(s.ref, t.peerAddress), this.options.randomBytes);
    this.perform(t, s, s.ppp.start(this.now));
  }

  private perform(t: Tunnel, s: Session, actions: readonly PppAction[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'frame':
          this.emit(
            t,
            encodeData({
              tunnelId: t.channel.peerTunnelId,
              sessionId: s.peerSessionId,
              priority: false,
              payload: a.frame,
            }),
          );
          break;
        case 'ip':
          this.actions.push({ kind: 'ip', session: s.ref, packet: a.packet });
          break;
        case 'authenticate':
          this.actions.push({ kind: 'authenticate', session: s.ref, credentials: a.credentials });
          break;
        case 'up':
          s.up = true;
          this.actions.push({
            kind: 'sessionUp',
            session: s.ref,
            peer: t.peerAddress,
            user: a.user,
            localAddress: a.localAddress,
            peerAddress: a.peerAddress,
          });
          break;
        case 'down':
          this.dropSession(t, s, `PPP ${a.reason}`, true);
          break;
        case 'log':
          this.log(`Tnl/Sn ${t.id}/${s.ref.sessionId} PPP: ${a.text}`);
          break;
      }
    }
  }

  // ------------------------------------------------------------------ state

  private newTunnel(
    peer: string,
    port: number,
    local: string,
    peerTunnel: number,
    state: TunnelState,
  ): Tunnel {
    let id = 0;
    for (let i = 0; i < 1000 && (id === 0 || this.tunnels.has(id)); i++) {
      const b = this.options.randomBytes(2);
      id = (b[0]! << 8) | b[1]!;
    }
    const tunnel: Tunnel = {
      id,
      peerAddress: peer,
      peerPort: port,
      localAddress: local,
      state,
      sessions: new Map(),
      lastHeard: this.now,
      peerHost: '',
      channel: new ControlChannel(peerTunnel, (bytes) => this.emit(tunnel, bytes)),
    };
    this.tunnels.set(id, tunnel);
    return tunnel;
  }

  private newSession(t: Tunnel, peerSession: number, state: SessionState): Session {
    let id = 0;
    for (let i = 0; i < 1000 && (id === 0 || t.sessions.has(id)); i++) {
      const b = this.options.randomBytes(2);
      id = (b[0]! << 8) | b[1]!;
    }
    const s: Session = {
      ref: { tunnelId: t.id, sessionId: id },
      peerSessionId: peerSession,
      state,
      ppp: undefined,
      up: false,
    };
    t.sessions.set(id, s);
    return s;
  }

  private tunnelState(t: Tunnel, state: TunnelState): void {
    this.log(`Tnl ${t.id} L2TP: Tunnel state change from ${t.state} to ${state}`);
    t.state = state;
  }

  private sessionState(t: Tunnel, s: Session, state: SessionState): void {
    this.log(`Tnl/Sn ${t.id}/${s.ref.sessionId} L2TP: Session state change from ${s.state} to ${state}`);
    s.state = state;
  }

  private dropSession(t: Tunnel, s: Session, reason: string, sendCdn: boolean): void {
    if (!t.sessions.has(s.ref.sessionId)) return;
    t.sessions.delete(s.ref.sessionId);
    if (sendCdn && t.state === 'established')
      t.channel.send(
        MessageType.CDN,
        s.peerSessionId,
        [resultCode(CdnResult.AdminDisconnect), u16Avp(AvpType.AssignedSessionId, s.ref.sessionId)],
        this.now,
      );
    this.sessionState(t, s, 'closed');
    this.actions.push({ kind: 'sessionDown', session: s.ref, peer: t.peerAddress, reason });
  }

  private stop(t: Tunnel, result: number, reason: string): void {
    for (const s of [...t.sessions.values()]) this.dropSession(t, s, reason, false);
    t.channel.send(
      MessageType.StopCCN,
      0,
      [u16Avp(AvpType.AssignedTunnelId, t.id), resultCode(result)],
      this.now,
    );
    this.log(`Tnl ${t.id} L2TP: O StopCCN to ${t.peerAddress}: ${reason}`);
    this.tunnelState(t, 'closed');
    t.closingUntil = this.now + STOP_HOLD_SECONDS;
  }

  private dropTunnel(t: Tunnel, reason: string): void {
    for (const s of [...t.sessions.values()]) this.dropSession(t, s, reason, false);
    if (t.state !== 'closed') this.tunnelState(t, 'closed');
    this.tunnels.delete(t.id);
  }

  private session(ref: SessionRef): { tunnel: Tunnel; session: Session } | undefined {
    const tunnel = this.tunnels.get(ref.tunnelId);
    const session = tunnel?.sessions.get(ref.sessionId);
    return tunnel === undefined || session === undefined ? undefined : { tunnel, session };
  }

  private emit(t: Tunnel, data: Uint8Array): void {
    this.actions.push({
      kind: 'send',
      datagram: {
        srcAddress: t.localAddress,
        srcPort: L2TP_PORT,
        dstAddress: t.peerAddress,
        dstPort: t.peerPort,
        data,
      },
    });
  }

  private log(text: string): void {
    this.actions.push({ kind: 'log', text });
  }

  private flush(): L2tpAction[] {
    return this.actions.splice(0);
  }
}

function resultCode(code: number): Avp {
  return u16Avp(AvpType.ResultCode, code);
}

function hostOf(avps: readonly Avp[]): string {
  const h = findAvp(avps, AvpType.HostName);
  return h === undefined ? '' : avpText(h).slice(0, 64);
}
