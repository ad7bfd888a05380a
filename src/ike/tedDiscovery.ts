// The TED exchanges of one IKE manager (ted.ts has the messages): our probes, each with its
// cookie, conn-id and retransmissions (the task manager's, RFC 2408 §5 style), and the
// stateless answers to other gateways' probes. IOS deletes a TED SA as soon as the response
// is in or sent ("ISAKMP (0:1): deleting SA"): so do we, and a responder keeps nothing, so a
// flood of probes costs one answer each and no table space.

import type { AcquireRequest, IkeDatagram, RetransmitPolicy } from './types.js';
import { ExchangeType } from './constants.js';
import type { IkeEvent } from './events.js';
import type { Message } from './message.js';
import { answerProbe, TedProbe, vendorIdNames, type DiscoverRequest } from './ted.js';
import { TaskManager } from './taskManager.js';
import { payloadNames } from './describe.js';
import { encodeMessage, type Payload } from '../wire/index.js';
import { lifetimeOf, localAddressForMap } from '../policy/cryptoMap.js';
import type { RouterConfig } from '../policy/model.js';

/** IOS retries its probe a few times: 1 s, then doubling, 4 transmissions in all (15 s). */
export const TED_RETRANSMIT: RetransmitPolicy = { initial: 1, factor: 2, maxRetries: 3 };

/** Probes in flight at once; more interesting traffic waits for the acquire to be retried. */
const MAX_PROBES = 64;

export interface TedHost {
  readonly config: RouterConfig;
  emit(event: IkeEvent): void;
  /** A datagram routed like forwarded traffic (its source is not one of our addresses). */
  sendTransit(d: IkeDatagram): void;
  newConnId(): number;
  cookie(local: string, peer: string): Uint8Array;
  drop(connId: number, peer: string, reason: string): void;
  /** Main mode (or quick mode on an IKE SA we have) to the discovered peer. */
  acquire(request: AcquireRequest): void;
}

interface Probe {
  readonly connId: number;
  readonly ckyI: Uint8Array;
  readonly task: TedProbe;
  readonly tasks: TaskManager;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

const IKE_PORT = 500;

export class TedDiscovery {
  private readonly probes = new Map<string, Probe>();

  constructor(private readonly retransmit: RetransmitPolicy = TED_RETRANSMIT) {}

  get probing(): number {
    return this.probes.size;
  }

  /** Interesting traffic of a discover entry: probe its destination (Example 13-26). */
  discover(request: DiscoverRequest, transform: string, host: TedHost, now: number): void {
    const s = request.selector;
    for (const p of this.probes.values()) {
      const r = p.task.request;
      if (r.destination === request.destination && r.source === request.source) return;
    }
    if (this.probes.size >= MAX_PROBES) {
      host.drop(0, request.destination, `${MAX_PROBES} peer discovery probes in flight`);
      return;
    }
    const connId = host.newConnId();
    const ckyI = host.cookie(request.source, request.destination);
    const life = lifetimeOf(host.config, request.cryptoMapEntry);
    host.emit({
      type: 'tedRequest',
      connId,
      source: request.source,
      destination: request.destination,
      myAddress: request.localAddress,
      selector: s,
      transform,
      lifetimeSeconds: life.seconds,
      lifetimeKilobytes: life.kilobytes,
    });
    const task = new TedProbe(request);
    const built = task.build();
    if (built.status === 'failed') return;
    const payloads = built.step.send ?? [];
    const data = encodeMessage({ header: header(ckyI, new Uint8Array(8)), payloads });
    const probe: Probe = { connId, ckyI, task, tasks: new TaskManager(this.retransmit) };
    this.probes.set(hex(ckyI), probe);
    this.send(probe, data, payloads, host, false);
    probe.tasks.request(0, data, ExchangeType.TED, payloadNames(payloads), now);
  }

  /** A TED message: the response to one of our probes, or another gateway's probe. */
  receive(msg: Message, d: IkeDatagram, host: TedHost): void {
    const probe = this.probes.get(hex(msg.initiatorCookie));
    if (probe !== undefined && msg.responderCookie.some((b) => b !== 0)) {
      this.response(probe, msg, d, host);
      return;
    }
    if (msg.responderCookie.some((b) => b !== 0)) {
      host.drop(0, d.srcAddress, 'peer discovery response to no probe of ours');
      return;
    }
    this.answer(msg, d, host);
  }

  private response(probe: Probe, msg: Message, d: IkeDatagram, host: TedHost): void {
    const { connId } = probe;
    const r = probe.task.request;
    host.emit(packetEvent(connId, 'received', d.srcAddress, 'I', payloadNames(msg.payloads)));
    for (const name of vendorIdNames(msg.payloads)) {
      host.emit({ type: 'processing', connId, payload: 'vendor id', messageId: 0 });
      if (name === 'Unity') host.emit({ type: 'vendorId', connId, name: 'Cisco IOS' });
    }
    const result = probe.task.process(msg.payloads);
    if (result.status === 'failed') return;
    const { discovered, refused } = result.step;
    if (discovered === undefined) {
      host.emit({ type: 'tedRefused', connId, from: d.srcAddress, reason: refused ?? 'unusable response' });
      return;
    }
    this.probes.delete(hex(probe.ckyI));
    probe.tasks.clear();
    host.emit({ type: 'tedDiscovered', connId, peer: discovered.peer, selector: discovered.selector });
    host.acquire({
      cryptoMapEntry: { ...r.cryptoMapEntry, kind: 'ipsec-isakmp', peers: [discovered.peer] },
      peer: discovered.peer,
      selector: discovered.selector,
      localAddress: r.localAddress,
    });
  }

  /** Responder: answer from the destination the probe was sent to, to its source. */
  private answer(msg: Message, d: IkeDatagram, host: TedHost): void {
    const entry = host.config.cryptoMaps.find((e) => e.kind === 'dynamic' && e.discover === true);
    const local = entry === undefined ? undefined : localAddressForMap(host.config, entry.map);
    const answer = answerProbe(host.config, local ?? d.dstAddress, d.dstAddress, msg.payloads);
    if ('ignored' in answer) {
      host.drop(0, d.srcAddress, answer.ignored);
      return;
    }
    const connId = host.newConnId();
    host.emit(packetEvent(0, 'received', d.srcAddress, 'N', payloadNames(msg.payloads)));
    for (const name of vendorIdNames(msg.payloads)) {
      host.emit({ type: 'processing', connId, payload: 'vendor id', messageId: 0 });
      if (name === 'Unity') host.emit({ type: 'vendorId', connId, name: 'Cisco IOS' });
    }
    host.emit({
      type: 'tedAnswered',
      connId,
      peer: answer.peer,
      to: d.srcAddress,
      selector: answer.selector,
    });
    const ckyR = host.cookie(d.dstAddress, d.srcAddress);
    const data = encodeMessage({ header: header(msg.initiatorCookie, ckyR), payloads: answer.payloads });
    host.emit(packetEvent(connId, 'sent', d.srcAddress, 'R', payloadNames(answer.payloads)));
    host.sendTransit({
      srcAddress: d.dstAddress,
      srcPort: IKE_PORT,
      dstAddress: d.srcAddress,
      dstPort: d.srcPort,
      data,
    });
  }

  private send(
    probe: Probe,
    data: Uint8Array,
    payloads: readonly Payload[] | readonly string[],
    host: TedHost,
    again: boolean,
  ): void {
    const r = probe.task.request;
    const names = payloads.map((p) => (typeof p === 'string' ? p : (payloadNames([p])[0] ?? '')));
    host.emit({
      ...packetEvent(probe.connId, 'sent', r.destination, 'I', names),
      ...(again ? { retransmission: true } : {}),
    });
    host.sendTransit({
      srcAddress: r.source,
      srcPort: IKE_PORT,
      dstAddress: r.destination,
      dstPort: IKE_PORT,
      data,
    });
  }

  /** Retransmits due probes; a probe nobody answered ends with a clear log. */
  run(host: TedHost, now: number): void {
    for (const [key, probe] of [...this.probes]) {
      for (const p of probe.tasks.due(now)) {
        const r = probe.task.request;
        if (probe.tasks.exhausted(p)) {
          this.probes.delete(key);
          probe.tasks.clear();
          host.emit({
            type: 'tedFailed',
            connId: probe.connId,
            destination: r.destination,
            selector: r.selector,
            transmissions: p.retries + 1,
          });
          continue;
        }
        probe.tasks.backOff(p, now);
        host.emit({
          type: 'retransmit',
          connId: probe.connId,
          messageId: 0,
          count: p.retries,
          peer: r.destination,
          state: 'PEER_DISCOVERY',
        });
        this.send(probe, p.data, p.payloadNames, host, true);
      }
    }
  }

  nextDeadline(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const p of this.probes.values()) t = Math.min(t, p.tasks.nextRetransmitAt());
    return t;
  }

  /** `clear crypto isakmp`: probes end too. */
  clear(): void {
    for (const p of this.probes.values()) p.tasks.clear();
    this.probes.clear();
  }
}

function header(ckyI: Uint8Array, ckyR: Uint8Array): Parameters<typeof encodeMessage>[0]['header'] {
  return {
    initiatorCookie: ckyI,
    responderCookie: ckyR,
    exchangeType: ExchangeType.TED,
    flags: { encryption: false, commit: false, authenticationOnly: false },
    messageId: 0,
  };
}

function packetEvent(
  connId: number,
  direction: 'sent' | 'received',
  peer: string,
  role: 'I' | 'R' | 'N',
  payloads: readonly string[],
): Extract<IkeEvent, { type: 'packet' }> {
  return {
    type: 'packet',
    connId,
    direction,
    peer,
    localPort: IKE_PORT,
    peerPort: IKE_PORT,
    role,
    state: role === 'N' ? 'NEW SA' : 'PEER_DISCOVERY',
    exchange: 'TED',
    messageId: 0,
    payloads,
  };
}
