// The IKEv2 engine (sans-I/O, DESIGN.md principle 1; after strongSwan's ikev2 task manager):
// datagrams, time and requests in, datagrams to send, SAs to install or remove and log lines
// out. It keeps the IKE SA table by our SPI, routes each message to its exchange (ikeInit,
// ikeAuth with childSa, informational), numbers requests with message IDs (a window of one,
// RFC 7296 §2.3), retransmits ours until answered (§2.1) and answers the peer's retransmitted
// requests from the last response, never processing one twice.

import { DecodeError } from '../wire/errors.js';
import type { IkeAction, IkeDatagram, RetransmitPolicy, Rng } from '../ike/types.js';
import type { EspCipher, IntegrityAlg } from '../policy/sa.js';
import {
  decodeIkev2Message,
  encodeIkev2Message,
  ExchangeType,
  type Ikev2Header,
  type Ikev2Payload,
  nameOf,
  Notify,
  notify,
  ProtocolId,
} from '../wire/ikev2/index.js';
import { bytesEqual } from '../packet/address.js';
import { authRequestPayloads, authResponsePayloads, errorNotify, verifyPeer } from './ikeAuth.js';
import { childAccepted, childRequest, childResponse, spiBytes, spiNumber } from './childSa.js';
import type { Ikev2Peer } from './config.js';
import { identityText } from './identity.js';
import { buildInitRequest, processInitRequest, processInitResponse } from './ikeInit.js';
import { type ChildSa, Ikev2Sa } from './ikeSa.js';
import { openSk, sealSk } from './protection.js';
import { dhGroupOf } from './proposals.js';

/** What an IKEv2 SA's key log line needs (tshark's ikev2_decryption_table). */
export interface Ikev2SaKeys {
  readonly spiI: Uint8Array;
  readonly spiR: Uint8Array;
  readonly cipher: EspCipher;
  /** Cipher key length in bits. */
  readonly keyBits: number;
  readonly integrity: IntegrityAlg;
  /** SK_ei, SK_er (with the GCM salt), SK_ai, SK_ar (empty with GCM). */
  readonly ei: Uint8Array;
  readonly er: Uint8Array;
  readonly ai: Uint8Array;
  readonly ar: Uint8Array;
}

export type Ikev2Action =
  | Extract<IkeAction, { kind: 'send' | 'install' | 'remove' }>
  /** An IKE SA has its keys: for `--keylog` only. */
  | { readonly kind: 'keys'; readonly keys: Ikev2SaKeys }
  | { readonly kind: 'log'; readonly level: 'info' | 'warning' | 'debug'; readonly message: string };

export interface Ikev2EngineOptions {
  readonly peers: readonly Ikev2Peer[];
  readonly rng: Rng;
  /** Default: 2 s, ×2, 4 retransmissions (5 sends over about 62 s). */
  readonly retransmit?: RetransmitPolicy;
  /** Unauthenticated responder SAs live this long (s) at most; default 60. */
  readonly halfOpenSeconds?: number;
  /** At most this many of them (§2.6's concern); default 256: the oldest makes room. */
  readonly maxHalfOpen?: number;
}

export interface Ikev2SaInfo {
  readonly id: number;
  readonly role: 'initiator' | 'responder';
  readonly state: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly peerAddress: string;
  readonly peerPort: number;
  readonly spiI: string;
  readonly spiR: string;
  readonly profile: string;
  readonly encryption?: string;
  readonly keyBits?: number;
  readonly prf?: string;
  readonly integrity?: string;
  readonly dhGroup?: number;
  readonly peerId?: string;
  readonly localId: string;
  readonly lifetimeSeconds: number;
  readonly activeSeconds: number;
  readonly natT: boolean;
  /** Where NAT was detected (§2.23): in front of us, of the peer, or none. */
  readonly nat: 'local' | 'remote' | 'none';
  /** The message ID of our next request and the one the peer's next request must carry (§2.2). */
  readonly nextRequestId: number;
  readonly nextPeerRequestId: number;
  readonly children: readonly {
    readonly inboundSpi: number;
    readonly outboundSpi: number;
    readonly description: string;
  }[];
}

const DEFAULT_RETRANSMIT: RetransmitPolicy = { initial: 2, factor: 2, maxRetries: 4 };
const NAT_T_PORT = 4500;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export class Ikev2Engine {
  private readonly sas = new Map<string, Ikev2Sa>();
  /** Responder SAs by the peer's address and SPI, to answer a retransmitted IKE_SA_INIT. */
  private readonly byInitiator = new Map<string, Ikev2Sa>();
  private nextSaId = 1;
  private readonly retransmit: RetransmitPolicy;
  private peers: readonly Ikev2Peer[];

  constructor(private readonly options: Ikev2EngineOptions) {
    this.retransmit = options.retransmit ?? DEFAULT_RETRANSMIT;
    this.peers = options.peers;
  }

  /**
   * A reloaded configuration's peers. Negotiations from now on use them (a rekey takes its
   * profile's new settings by name); the IKE SAs of a profile no longer there are deleted.
   */
  setPeers(peers: readonly Ikev2Peer[], now: number): Ikev2Action[] {
    this.peers = peers;
    const names = new Set(peers.map((p) => p.name));
    return [...this.sas.values()]
      .filter((sa) => !names.has(sa.peer.name))
      .flatMap((sa) => this.deleteSas(now, sa.id));
  }

  // ------------------------------------------------------------------ inputs

  receive(d: IkeDatagram, now: number): Ikev2Action[] {
    const out: Ikev2Action[] = [];
    let message;
    try {
      message = decodeIkev2Message(d.data);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      return [log('warning', `IKEv2: dropped a malformed message from ${d.srcAddress}: ${e.message}`)];
    }
    const h = message.header;
    if (h.exchangeType === ExchangeType.IKE_SA_INIT && !h.response && h.initiator && isZero(h.spiR)) {
      this.initRequest(d, message.payloads, h, now, out);
      return out;
    }
    const sa = this.sas.get(hex(h.initiator ? h.spiR : h.spiI));
    if (!sa || sa.initiator === h.initiator || !bytesEqual(sa.spiI, h.spiI)) {
      out.push(log('debug', `IKEv2: dropped a message for an unknown IKE SA from ${d.srcAddress}`));
      return out;
    }
    if (h.exchangeType === ExchangeType.IKE_SA_INIT) {
      if (h.response && sa.initiator && sa.state === 'CONNECTING' && sa.pending?.messageId === 0) {
        this.initResponse(sa, d, message.payloads, h, now, out);
      }
      return out;
    }
    if (!sa.inbound) return out;
    let payloads: Ikev2Payload[] | undefined;
    try {
      payloads = openSk(d.data, message, sa.inbound)?.payloads;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      out.push(log('warning', `IKEv2 SA ${sa.id}: an authentic message does not parse: ${e.message}`));
      return out;
    }
    if (!payloads) {
      out.push(
        log(
          'warning',
          `IKEv2 SA ${sa.id}: dropped a message from ${d.srcAddress} whose integrity check failed`,
        ),
      );
      return out;
    }
    // An authentic message: its addresses are the peer's now (a NAT may have moved it, §2.23).
    sa.peerAddress = d.srcAddress;
    sa.peerPort = d.srcPort;
    sa.localPort = d.dstPort;
    if (h.response) {
      if (sa.pending?.messageId !== h.messageId) return out;
      delete sa.pending;
      this.response(sa, h, payloads, now, out);
      return out;
    }
    if (h.messageId + 1 === sa.nextPeerRequestId && sa.lastResponse?.messageId === h.messageId) {
      out.push(this.send(sa, sa.lastResponse.data));
      return out;
    }
    if (h.messageId !== sa.nextPeerRequestId) {
      out.push(
        log(
          'debug',
          `IKEv2 SA ${sa.id}: request with message ID ${h.messageId}, expected ${sa.nextPeerRequestId}`,
        ),
      );
      return out;
    }
    this.request(sa, h, payloads, now, out);
    return out;
  }

  /** Starts an IKE SA with the first CHILD_SA to the peer of profile `name` (or of address `peer`). */
  initiate(peer: string, now: number): Ikev2Action[] {
    const config = this.peers.find((p) => p.name === peer || p.remoteAddress === peer);
    if (!config) return [log('warning', `IKEv2: no profile for peer ${peer}`)];
    const out: Ikev2Action[] = [];
    const existing = [...this.sas.values()].find((s) => s.peer === config && s.state !== 'DELETING');
    // An IKE SA whose only child is gone (its lifetime ended, the peer deleted it) cannot carry a
    // new one until CREATE_CHILD_SA runs: it is deleted and a new IKE SA brings the child.
    if (existing && (existing.state !== 'ESTABLISHED' || existing.children.length > 0)) return [];
    if (existing) out.push(...this.deleteSas(now, existing.id));
    out.push(...this.start(config, now));
    return out;
  }

  /**
   * A CHILD_SA with this SPI (either direction) reached its soft lifetime. Without
   * CREATE_CHILD_SA the replacement is a new IKE SA with a new child (a reauthentication, as
   * RFC 7296 §2.8.3 allows); the old IKE SA and its child are deleted once the new child is
   * up. Undefined: not an IKEv2 SA.
   */
  rekeyChild(spi: number, now: number): Ikev2Action[] | undefined {
    const old = [...this.sas.values()].find((s) =>
      s.children.some((c) => c.inboundSpi === spi || c.outboundSpi === spi),
    );
    if (!old) return undefined;
    const busy = [...this.sas.values()].some((s) => s.replaces === old.id);
    if (old.state !== 'ESTABLISHED' || busy) return [];
    const config = this.peers.find((p) => p.name === old.peer.name);
    if (!config) return [];
    return this.start(config, now, old);
  }

  /** A new IKE SA of ours to `config`'s peer (replacing `old` when given): its IKE_SA_INIT. */
  private start(config: Ikev2Peer, now: number, old?: Ikev2Sa): Ikev2Action[] {
    const group = old?.suite?.dh.id ?? config.ikeProposals.map(dhGroupOf).find((g) => g !== undefined);
    if (group === undefined) return [log('warning', `IKEv2: profile ${config.name} has no DH group`)];
    const spiI = this.options.rng.randomBytes(8);
    const sa = new Ikev2Sa(
      this.nextSaId++,
      'initiator',
      spiI,
      config,
      config.localAddress,
      config.remoteAddress,
      now,
    );
    if (old) sa.replaces = old.id;
    this.sas.set(hex(sa.spiI), sa);
    const what = old
      ? `replacing IKE SA ${old.id} and its CHILD_SA before their lifetime ends`
      : `initiating to ${sa.peerAddress}`;
    return [log('info', `IKEv2 SA ${sa.id}: ${what}`), this.sendInit(sa, group, now)];
  }

  /** Retransmits what is due and ends what timed out. */
  tick(now: number): Ikev2Action[] {
    const out: Ikev2Action[] = [];
    const halfOpen = this.options.halfOpenSeconds ?? 60;
    for (const sa of [...this.sas.values()]) {
      if (sa.role === 'responder' && sa.state === 'CONNECTING' && now - sa.createdAt > halfOpen) {
        this.remove(sa, 'half-open SA timed out', out);
        continue;
      }
      const p = sa.pending;
      if (!p || p.nextAt > now) continue;
      if (p.retries >= this.retransmit.maxRetries) {
        this.remove(sa, `no answer to ${nameOf(ExchangeType, p.exchangeType)} request ${p.messageId}`, out);
        continue;
      }
      p.retries++;
      p.interval *= this.retransmit.factor;
      p.nextAt = now + p.interval;
      out.push(
        log(
          'debug',
          `IKEv2 SA ${sa.id}: retransmitting ${nameOf(ExchangeType, p.exchangeType)} request ${p.messageId}`,
        ),
      );
      out.push(this.send(sa, p.data));
    }
    return out;
  }

  nextDeadline(): number | undefined {
    let t = Number.POSITIVE_INFINITY;
    const halfOpen = this.options.halfOpenSeconds ?? 60;
    for (const sa of this.sas.values()) {
      if (sa.pending) t = Math.min(t, sa.pending.nextAt);
      if (sa.role === 'responder' && sa.state === 'CONNECTING') t = Math.min(t, sa.createdAt + halfOpen);
    }
    return Number.isFinite(t) ? t : undefined;
  }

  /** Deletes IKE SAs (all, or the one with this id) with an INFORMATIONAL DELETE to the peer. */
  deleteSas(now: number, id?: number): Ikev2Action[] {
    const out: Ikev2Action[] = [];
    for (const sa of [...this.sas.values()]) {
      if (id !== undefined && sa.id !== id) continue;
      if (sa.state !== 'ESTABLISHED') {
        this.remove(sa, 'cleared', out);
        continue;
      }
      this.removeChildren(sa, sa.children, 'IKE SA deleted', out);
      sa.state = 'DELETING';
      out.push(
        this.sendRequest(
          sa,
          ExchangeType.INFORMATIONAL,
          [{ type: 42, protocolId: ProtocolId.IKE, spiSize: 0, spis: [] }],
          now,
        ),
      );
    }
    return out;
  }

  /**
   * Deletes the CHILD_SAs of the established IKE SAs (of `peer` only, when given) with an
   * INFORMATIONAL naming our inbound SPIs (RFC 7296 §1.4.1); the IKE SAs stay up. An IKE SA
   * with a request in flight (a window of one, §2.3) drops its children without telling.
   */
  deleteChildren(now: number, peer?: string): Ikev2Action[] {
    const out: Ikev2Action[] = [];
    for (const sa of [...this.sas.values()]) {
      if (sa.state !== 'ESTABLISHED' || sa.children.length === 0) continue;
      if (peer !== undefined && sa.peerAddress !== peer) continue;
      const children = sa.children;
      if (!sa.pending) {
        const spis = children.map((c) => spiBytes(c.inboundSpi));
        out.push(
          this.sendRequest(
            sa,
            ExchangeType.INFORMATIONAL,
            [{ type: 42, protocolId: ProtocolId.ESP, spiSize: 4, spis }],
            now,
          ),
        );
      } else {
        out.push(
          log('warning', `IKEv2 SA ${sa.id}: CHILD_SAs cleared without a DELETE (a request is pending)`),
        );
      }
      this.removeChildren(sa, children, 'cleared', out);
    }
    return out;
  }

  list(now: number): Ikev2SaInfo[] {
    return [...this.sas.values()].map((sa) => {
      const s = sa.suite;
      return {
        id: sa.id,
        role: sa.role,
        state: sa.state,
        localAddress: sa.localAddress,
        localPort: sa.localPort,
        peerAddress: sa.peerAddress,
        peerPort: sa.peerPort,
        spiI: hex(sa.spiI),
        spiR: hex(sa.spiR),
        profile: sa.peer.name,
        ...(s
          ? {
              encryption: s.cipher.name,
              keyBits: s.cipher.keyLength * 8,
              prf: s.prf,
              ...(s.integrity ? { integrity: s.integrity.name } : {}),
              dhGroup: s.dh.id,
            }
          : {}),
        ...(sa.peerId ? { peerId: sa.peerId } : {}),
        localId: identityText(sa.peer.localId),
        lifetimeSeconds: sa.peer.ikeLifetimeSeconds,
        activeSeconds: Math.floor(now - (sa.establishedAt ?? now)),
        natT: sa.natLocal || sa.natRemote,
        nat: sa.natLocal ? 'local' : sa.natRemote ? 'remote' : 'none',
        nextRequestId: sa.nextRequestId,
        nextPeerRequestId: sa.nextPeerRequestId,
        children: sa.children.map((c) => ({
          inboundSpi: c.inboundSpi,
          outboundSpi: c.outboundSpi,
          description: c.description,
        })),
      };
    });
  }

  // ------------------------------------------------------------------ IKE_SA_INIT

  private sendInit(sa: Ikev2Sa, group: number, now: number): Ikev2Action {
    const local = { address: sa.localAddress, port: 500 };
    const peer = { address: sa.peerAddress, port: 500 };
    const payloads = buildInitRequest(sa, this.options.rng, group, local, peer);
    const header = {
      spiI: sa.spiI,
      spiR: new Uint8Array(8),
      exchangeType: ExchangeType.IKE_SA_INIT,
      initiator: true,
      response: false,
      messageId: 0,
    };
    const { bytes } = encodeIkev2Message({ header, payloads });
    sa.ourInit = bytes;
    this.arm(sa, 0, ExchangeType.IKE_SA_INIT, bytes, now);
    return this.send(sa, bytes);
  }

  private initRequest(
    d: IkeDatagram,
    payloads: readonly Ikev2Payload[],
    h: Ikev2Header,
    now: number,
    out: Ikev2Action[],
  ): void {
    const key = `${d.srcAddress}|${hex(h.spiI)}`;
    const known = this.byInitiator.get(key);
    if (known) {
      if (known.lastResponse?.messageId === 0) out.push(this.send(known, known.lastResponse.data));
      return;
    }
    const config = this.peers.find(
      (p) => p.remoteAddress === d.srcAddress && p.localAddress === d.dstAddress,
    );
    if (!config) {
      out.push(log('warning', `IKEv2: IKE_SA_INIT from ${d.srcAddress}, which no ikev2 profile matches`));
      return;
    }
    this.makeRoom(out);
    const sa = new Ikev2Sa(this.nextSaId++, 'responder', h.spiI, config, d.dstAddress, d.srcAddress, now);
    sa.spiR = this.options.rng.randomBytes(8);
    sa.localPort = d.dstPort;
    sa.peerPort = d.srcPort;
    const peer = { address: d.srcAddress, port: d.srcPort };
    const local = { address: d.dstAddress, port: d.dstPort };
    const outcome = processInitRequest(sa, payloads, this.options.rng, peer, local);
    if ('refused' in outcome) {
      sa.dropScratch();
      out.push(log('warning', `IKEv2: IKE_SA_INIT from ${d.srcAddress} refused: ${outcome.refused.reason}`));
      if (outcome.refused.notify) {
        const header = {
          spiI: h.spiI,
          spiR: new Uint8Array(8),
          exchangeType: ExchangeType.IKE_SA_INIT,
          initiator: false,
          response: true,
          messageId: 0,
        };
        out.push(this.send(sa, encodeIkev2Message({ header, payloads: [outcome.refused.notify] }).bytes));
      }
      return;
    }
    const header = {
      spiI: sa.spiI,
      spiR: sa.spiR,
      exchangeType: ExchangeType.IKE_SA_INIT,
      initiator: false,
      response: true,
      messageId: 0,
    };
    const { bytes } = encodeIkev2Message({ header, payloads: outcome.payloads });
    sa.ourInit = bytes;
    sa.peerInit = d.data;
    sa.lastResponse = { messageId: 0, data: bytes };
    sa.nextPeerRequestId = 1;
    this.sas.set(hex(sa.spiR), sa);
    this.byInitiator.set(key, sa);
    out.push(keysOf(sa));
    out.push(
      log(
        'info',
        `IKEv2 SA ${sa.id}: IKE_SA_INIT from ${d.srcAddress} (profile ${config.name}), ${suiteText(sa)}`,
      ),
    );
    out.push(this.send(sa, bytes));
  }

  private initResponse(
    sa: Ikev2Sa,
    d: IkeDatagram,
    payloads: readonly Ikev2Payload[],
    h: Ikev2Header,
    now: number,
    out: Ikev2Action[],
  ): void {
    const peer = { address: d.srcAddress, port: d.srcPort };
    const local = { address: d.dstAddress, port: d.dstPort };
    const result = processInitResponse(sa, payloads, h.spiR, peer, local);
    switch (result.kind) {
      case 'retry':
        out.push(
          log('info', `IKEv2 SA ${sa.id}: ${result.reason}, trying again`),
          this.sendInit(sa, result.group, now),
        );
        return;
      case 'cookie':
        sa.cookie = result.cookie;
        out.push(this.sendInit(sa, sa.dh?.group ?? 0, now));
        return;
      case 'failed':
        this.remove(sa, result.reason, out);
        return;
      case 'done':
        break;
    }
    delete sa.pending;
    sa.peerInit = d.data;
    sa.nextRequestId = 1;
    out.push(keysOf(sa));
    if (sa.natLocal || sa.natRemote) {
      // §2.23: from IKE_AUTH on, IKE runs on UDP 4500.
      sa.localPort = NAT_T_PORT;
      sa.peerPort = NAT_T_PORT;
      out.push(
        log(
          'debug',
          `IKEv2 SA ${sa.id}: NAT detected (${sa.natLocal ? 'here' : 'at the peer'}), moving to UDP 4500`,
        ),
      );
    }
    out.push(log('info', `IKEv2 SA ${sa.id}: IKE_SA_INIT done with ${sa.peerAddress}, ${suiteText(sa)}`));
    out.push(
      this.sendRequest(
        sa,
        ExchangeType.IKE_AUTH,
        [...authRequestPayloads(sa), ...childRequest(sa, this.options.rng)],
        now,
      ),
    );
  }

  // ------------------------------------------------------------------ encrypted exchanges

  /** Sends a request of ours with the next message ID and waits for its answer. */
  private sendRequest(sa: Ikev2Sa, exchangeType: number, payloads: Ikev2Payload[], now: number): Ikev2Action {
    const messageId = sa.nextRequestId++;
    const bytes = this.seal(sa, exchangeType, messageId, false, payloads);
    this.arm(sa, messageId, exchangeType, bytes, now);
    return this.send(sa, bytes);
  }

  private request(
    sa: Ikev2Sa,
    h: Ikev2Header,
    payloads: Ikev2Payload[],
    now: number,
    out: Ikev2Action[],
  ): void {
    switch (h.exchangeType) {
      case ExchangeType.IKE_AUTH:
        this.authRequest(sa, h, payloads, now, out);
        return;
      case ExchangeType.INFORMATIONAL:
        this.informationalRequest(sa, h, payloads, out);
        return;
      default:
        // CREATE_CHILD_SA is not run yet: refused as §1.3 allows.
        this.respond(sa, h, [notify(Notify.NO_ADDITIONAL_SAS)], out);
    }
  }

  private response(
    sa: Ikev2Sa,
    h: Ikev2Header,
    payloads: Ikev2Payload[],
    now: number,
    out: Ikev2Action[],
  ): void {
    if (h.exchangeType === ExchangeType.IKE_AUTH && sa.state === 'CONNECTING') {
      this.authResponse(sa, payloads, now, out);
    } else if (h.exchangeType === ExchangeType.INFORMATIONAL && sa.state === 'DELETING') {
      this.remove(sa, 'deleted', out);
    }
  }

  private authRequest(
    sa: Ikev2Sa,
    h: Ikev2Header,
    payloads: Ikev2Payload[],
    now: number,
    out: Ikev2Action[],
  ): void {
    if (sa.state !== 'CONNECTING' || sa.initiator) {
      this.respond(sa, h, [], out);
      return;
    }
    const refused = verifyPeer(sa, payloads);
    if (refused) {
      out.push(log('warning', `IKEv2 SA ${sa.id}: ${refused.reason}`));
      this.respond(sa, h, refused.notify ? [refused.notify] : [], out);
      this.remove(sa, 'authentication failed', out);
      return;
    }
    this.established(sa, now, out);
    const child = childResponse(sa, payloads, this.options.rng);
    if ('refused' in child) {
      out.push(log('warning', `IKEv2 SA ${sa.id}: ${child.refused.reason}`));
      this.respond(
        sa,
        h,
        [...authResponsePayloads(sa), ...(child.refused.notify ? [child.refused.notify] : [])],
        out,
      );
      return;
    }
    this.respond(sa, h, [...authResponsePayloads(sa), ...child.payloads], out);
    this.install(sa, child.child, h.messageId, out, now);
  }

  private authResponse(sa: Ikev2Sa, payloads: Ikev2Payload[], now: number, out: Ikev2Action[]): void {
    const error = errorNotify(payloads);
    if (error && !payloads.some((p) => p.type === 39)) {
      this.remove(sa, `the peer refused IKE_AUTH: ${nameOf(Notify, error.notifyType)}`, out);
      return;
    }
    const refused = verifyPeer(sa, payloads);
    if (refused) {
      this.remove(sa, refused.reason, out);
      return;
    }
    this.established(sa, now, out);
    if (error) {
      out.push(
        log(
          'warning',
          `IKEv2 SA ${sa.id}: no CHILD_SA: the peer answered ${nameOf(Notify, error.notifyType)}`,
        ),
      );
      return;
    }
    const child = childAccepted(sa, payloads);
    if ('refused' in child) {
      out.push(log('warning', `IKEv2 SA ${sa.id}: ${child.refused.reason}`));
      out.push(...this.deleteSas(now, sa.id));
      return;
    }
    this.install(sa, child.child, 1, out, now);
  }

  private informationalRequest(
    sa: Ikev2Sa,
    h: Ikev2Header,
    payloads: Ikev2Payload[],
    out: Ikev2Action[],
  ): void {
    const deletes = payloads.filter((p) => p.type === 42);
    if (deletes.some((p) => p.protocolId === ProtocolId.IKE)) {
      this.respond(sa, h, [], out);
      this.remove(sa, 'deleted by the peer', out);
      return;
    }
    // §1.4.1: the peer names its inbound SPIs (our outbound); we answer with ours of the same SAs.
    const gone = deletes
      .filter((p) => p.protocolId === ProtocolId.ESP && p.spiSize === 4)
      .flatMap((p) => p.spis.map(spiNumber))
      .map((spi) => sa.children.find((c) => c.outboundSpi === spi))
      .filter((c): c is ChildSa => c !== undefined);
    const answer: Ikev2Payload[] = gone.length
      ? [{ type: 42, protocolId: ProtocolId.ESP, spiSize: 4, spis: gone.map((c) => spiBytes(c.inboundSpi)) }]
      : [];
    this.respond(sa, h, answer, out);
    this.removeChildren(sa, gone, 'deleted by the peer', out);
  }

  // ------------------------------------------------------------------ helpers

  private established(sa: Ikev2Sa, now: number, out: Ikev2Action[]): void {
    sa.state = 'ESTABLISHED';
    sa.establishedAt = now;
    sa.dropScratch();
    this.byInitiator.delete(`${sa.peerAddress}|${hex(sa.spiI)}`);
    out.push(
      log(
        'info',
        `IKEv2 SA ${sa.id}: established with ${sa.peerAddress} (${sa.peerId ?? '?'}), ${suiteText(sa)}`,
      ),
    );
  }

  private install(sa: Ikev2Sa, child: ChildSa, messageId: number, out: Ikev2Action[], now: number): void {
    sa.children.push(child);
    out.push(
      log(
        'info',
        `IKEv2 SA ${sa.id}: CHILD_SA ${hex(spiBytes(child.inboundSpi))}/${hex(spiBytes(child.outboundSpi))} ${child.description}`,
      ),
    );
    out.push({ kind: 'install', connId: sa.id, messageId, peer: sa.peerAddress, pairs: [child.pair] });
    if (sa.replaces !== undefined) {
      out.push(...this.deleteSas(now, sa.replaces));
      delete sa.replaces;
    }
  }

  private removeChildren(
    sa: Ikev2Sa,
    children: readonly ChildSa[],
    reason: string,
    out: Ikev2Action[],
  ): void {
    if (children.length === 0) return;
    sa.children = sa.children.filter((c) => !children.includes(c));
    out.push({
      kind: 'remove',
      peer: sa.peerAddress,
      pairs: children.map((c) => ({ protocol: 'esp', inboundSpi: c.inboundSpi, outboundSpi: c.outboundSpi })),
      reason,
    });
  }

  private remove(sa: Ikev2Sa, reason: string, out: Ikev2Action[]): void {
    this.removeChildren(sa, sa.children, reason, out);
    this.sas.delete(hex(sa.localSpi));
    this.byInitiator.delete(`${sa.peerAddress}|${hex(sa.spiI)}`);
    sa.wipe();
    out.push(
      log(
        reason === 'deleted' || reason === 'deleted by the peer' ? 'info' : 'warning',
        `IKEv2 SA ${sa.id} with ${sa.peerAddress}: ${reason}`,
      ),
    );
  }

  /** The oldest half-open responder SA goes when the table is full. */
  private makeRoom(out: Ikev2Action[]): void {
    const halfOpen = [...this.sas.values()].filter((s) => s.role === 'responder' && s.state === 'CONNECTING');
    const oldest = halfOpen[0];
    if (oldest && halfOpen.length >= (this.options.maxHalfOpen ?? 256))
      this.remove(oldest, 'half-open table full', out);
  }

  private respond(sa: Ikev2Sa, h: Ikev2Header, payloads: Ikev2Payload[], out: Ikev2Action[]): void {
    const bytes = this.seal(sa, h.exchangeType, h.messageId, true, payloads);
    sa.lastResponse = { messageId: h.messageId, data: bytes };
    sa.nextPeerRequestId = h.messageId + 1;
    out.push(this.send(sa, bytes));
  }

  private seal(
    sa: Ikev2Sa,
    exchangeType: number,
    messageId: number,
    response: boolean,
    payloads: Ikev2Payload[],
  ): Uint8Array {
    const keys = sa.outbound;
    if (!keys) throw new Error('no keys to protect the message');
    const header = {
      spiI: sa.spiI,
      spiR: sa.spiR,
      exchangeType,
      initiator: sa.initiator,
      response,
      messageId,
    };
    return sealSk(header, payloads, keys, this.options.rng.randomBytes(keys.cipher.ivLength));
  }

  private arm(sa: Ikev2Sa, messageId: number, exchangeType: number, data: Uint8Array, now: number): void {
    sa.pending = {
      messageId,
      exchangeType,
      data,
      retries: 0,
      interval: this.retransmit.initial,
      nextAt: now + this.retransmit.initial,
    };
  }

  private send(sa: Ikev2Sa, data: Uint8Array): Ikev2Action {
    return {
      kind: 'send',
      srcAddress: sa.localAddress,
      srcPort: sa.localPort,
      dstAddress: sa.peerAddress,
      dstPort: sa.peerPort,
      data,
    };
  }
}

function keysOf(sa: Ikev2Sa): Ikev2Action {
  const s = sa.suite;
  const k = sa.keys;
  if (!s || !k) throw new Error('an IKE SA without keys');
  return {
    kind: 'keys',
    keys: {
      spiI: sa.spiI,
      spiR: sa.spiR,
      cipher: s.cipher.name,
      keyBits: s.cipher.keyLength * 8,
      integrity: s.integrity?.name ?? 'none',
      ei: k.ei,
      er: k.er,
      ai: k.ai,
      ar: k.ar,
    },
  };
}

function isZero(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

function log(level: 'info' | 'warning' | 'debug', message: string): Ikev2Action {
  return { kind: 'log', level, message };
}

function suiteText(sa: Ikev2Sa): string {
  const s = sa.suite;
  if (!s) return 'no proposal';
  return `${s.cipher.name}-${s.cipher.keyLength * 8}${s.integrity ? `/${s.integrity.name}` : ''}/prf-${s.prf}/DH ${s.dh.id}`;
}
