// L2TP over IPsec on the gateway (Example 13-23): the LNS of `vpdn-group ... accept dialin
// l2tp virtual-template N`, or the client's LAC (voluntary tunnelling, as Windows does it).
// L2TP rides UDP 1701 inside IPsec transport mode: decrypted datagrams to our port 1701 come
// here instead of the TUN, and our L2TP datagrams go back through the SPD, so the crypto map
// protects them. Each PPP client's IP packets go to the TUN; packets from the TUN for a
// client's address go into its session. The engines are sans-I/O (src/l2tp, src/ppp).

import { loginMethods, runChapMethodList, type ServerGroupFactories } from '../aaa/index.js';
import { L2tpEngine, type L2tpAction, type SessionRef } from '../l2tp/engine.js';
import { L2TP_PORT } from '../l2tp/constants.js';
import { rangeToCidrs } from '../net/host/cidr.js';
import { buildUdpPacket } from '../net/virtual/ip.js';
import { IPPROTO_UDP, ipv4ToText, parseIpv4, parseUdp } from '../packet/index.js';
import type { PppAuth } from '../ppp/session.js';
import type { Interface, RouterConfig, TrafficSelector } from '../policy/model.js';
import type { AddressPools } from './addressPool.js';

/** The client side: where to call and as whom (Windows' "L2TP connection" settings). */
export interface L2tpClientSettings {
  /** The LNS (the gateway's address, 10.0.0.7 in Example 13-23). */
  readonly server: string;
  /** Our address toward it (the source of UDP 1701). */
  readonly local: string;
  readonly username: string;
  readonly password: string;
}

export interface L2tpServiceHost {
  /** An IP packet (an L2TP datagram of ours) to send through the SPD. */
  sendThroughPolicy(packet: Uint8Array): void;
  /** A client's IP packet for the protected side. */
  deliver(packet: Uint8Array): void;
  log(text: string): void;
  now(): number;
  /** Called after anything that may move `nextDeadline`. */
  rearm(): void;
}

interface PppPeer {
  readonly ref: SessionRef;
  readonly tunnelPeer: string;
  readonly user: string;
  readonly localAddress: string;
  readonly peerAddress: string;
}

/** The LNS's Virtual-Template and pool for a vpdn-group, or why there is none. */
export function lnsTemplate(
  config: RouterConfig,
): { template: Interface; group: string } | { error: string } | undefined {
  const vpdn = config.vpdn;
  if (vpdn === undefined || !vpdn.enabled) return undefined;
  const group = vpdn.groups.find((g) => g.acceptDialin !== undefined);
  if (group === undefined) return undefined;
  const number = group.acceptDialin?.virtualTemplate ?? 0;
  const template = config.interfaces.find((i) => i.name.toLowerCase() === `virtual-template${number}`);
  if (template === undefined)
    return { error: `vpdn-group ${group.name}: no interface Virtual-Template${number}` };
  if (group.tunnelAuthentication)
    return {
      error: `vpdn-group ${group.name}: l2tp tunnel authentication is not supported; add "no l2tp tunnel authentication"`,
    };
  return { template, group: group.name };
}

/**
 * The LNS's pool as CIDRs (`peer default ip address pool` of the Virtual-Template): on a host
 * these are routed into the TUN, so replies to the PPP clients come back to their sessions.
 */
export function lnsPoolCidrs(config: RouterConfig): string[] {
  const lns = lnsTemplate(config);
  const pool = lns !== undefined && 'template' in lns ? lns.template.peerPool : undefined;
  const range = config.localPools.find((p) => p.name === pool);
  return range === undefined ? [] : rangeToCidrs(range.first, range.last);
}

/**
 * The protect rules the kernel must route into the TUN. L2TP's own (UDP 1701 to or from port
 * 1701, Example 13-23's `permit udp host A eq 1701 any`) carry only our L2TP datagrams, which
 * never pass the kernel: routing their `any` into the TUN would take every packet of the host.
 */
export function kernelRoutedRules<R extends { readonly rule: { readonly selector: TrafficSelector } }>(
  config: RouterConfig,
  rules: readonly R[],
  client: boolean,
): readonly R[] {
  if (!client && !L2tpService.wanted(config, undefined)) return rules;
  const l2tpPort = (start: number, end: number): boolean => start === L2TP_PORT && end === L2TP_PORT;
  return rules.filter((r) => {
    const s = r.rule.selector;
    return !(
      s.protocol === IPPROTO_UDP &&
      (l2tpPort(s.localPortStart, s.localPortEnd) || l2tpPort(s.remotePortStart, s.remotePortEnd))
    );
  });
}

export class L2tpService {
  private readonly engine: L2tpEngine;
  /** PPP peer address -> its session (the LNS's routes into the sessions). */
  private readonly byAddress = new Map<string, PppPeer>();
  private readonly sessions = new Map<string, PppPeer>();
  private readonly localAddresses: ReadonlySet<string>;
  private clientRef: SessionRef | undefined;
  /** Client IP packets carried: out of PPP to the TUN, and from the TUN into PPP. */
  readonly counters = { fromPpp: 0, toPpp: 0 };

  constructor(
    private readonly config: RouterConfig,
    private readonly host: L2tpServiceHost,
    private readonly options: {
      readonly randomBytes: (n: number) => Uint8Array;
      readonly pools?: AddressPools;
      readonly aaa?: ServerGroupFactories;
      readonly client?: L2tpClientSettings;
    },
  ) {
    this.localAddresses = new Set(
      config.interfaces.flatMap((i) => (i.address === undefined ? [] : [i.address])),
    );
    const lns = lnsTemplate(config);
    const client = options.client;
    const template = lns !== undefined && 'template' in lns ? lns.template : undefined;
    const group = config.vpdn?.groups.find((g) => g.acceptDialin !== undefined);
    const ownAddress =
      config.interfaces.find((i) => i.name === template?.unnumbered)?.address ??
      config.interfaces.find((i) => i.address !== undefined)?.address ??
      '0.0.0.0';
    const auth: PppAuth[] = [...(template?.pppAuthentication ?? [])];
    this.engine = new L2tpEngine({
      role: client === undefined ? 'lns' : 'lac',
      hostName: group?.localName ?? config.hostname,
      randomBytes: options.randomBytes,
      ...(group?.hello !== undefined && group.hello > 0 ? { helloInterval: group.hello } : {}),
      ppp: (ref, peer) =>
        client !== undefined
          ? { role: 'client', username: client.username, password: client.password }
          : {
              role: 'server',
              auth: auth.length > 0 ? auth : ['chap'],
              localAddress: ownAddress,
              name: config.hostname,
              addressFor: () => this.lease(template?.peerPool, ref, peer),
            },
    });
  }

  /** Whether this configuration runs an LNS (or, with `client`, a LAC). */
  static wanted(config: RouterConfig, client: L2tpClientSettings | undefined): boolean {
    const lns = lnsTemplate(config);
    return client !== undefined || (lns !== undefined && 'template' in lns);
  }

  start(): void {
    const client = this.options.client;
    if (client === undefined) return;
    const { session, actions } = this.engine.connect(client.local, client.server, this.host.now());
    this.clientRef = session;
    this.perform(actions);
  }

  /** A decrypted packet for us: L2TP to our UDP 1701 is ours; anything else is not. */
  inbound(packet: Uint8Array): boolean {
    const d = this.udp1701(packet);
    if (d === undefined) return false;
    this.perform(this.engine.receive(d, this.host.now()));
    return true;
  }

  /** A packet from the TUN: the LNS takes those for a client's address, the LAC everything once PPP is up. */
  outbound(packet: Uint8Array): boolean {
    if (packet.length < 20 || packet[0]! >> 4 !== 4) return false;
    const destination = ipv4ToText(packet, 16);
    const peer =
      this.clientRef !== undefined ? this.sessions.get(key(this.clientRef)) : this.byAddress.get(destination);
    if (peer === undefined) return false;
    this.counters.toPpp++;
    this.perform(this.engine.sendIp(peer.ref, packet, this.host.now()));
    return true;
  }

  tick(): void {
    this.perform(this.engine.tick(this.host.now()));
  }

  nextDeadline(): number | undefined {
    return this.engine.nextDeadline();
  }

  stop(): void {
    this.perform(this.engine.closeAll(this.host.now()));
  }

  /** The pool clients this service holds (their leases are not the IKE SAs' to return). */
  holds(client: string): boolean {
    return client.startsWith('l2tp:');
  }

  /** `show vpdn`-like state, and for the lab: who is up with which address. */
  peers(): readonly PppPeer[] {
    return [...this.sessions.values()];
  }

  tunnels(): ReturnType<L2tpEngine['list']> {
    return this.engine.list();
  }

  /** `show vpdn`: each L2TP tunnel and its sessions (user, PPP address). */
  show(): { readonly text: string; readonly data: ReturnType<L2tpEngine['list']> } {
    const data = this.engine.list();
    const lines: string[] = [];
    for (const t of data) {
      lines.push(
        `L2TP Tunnel ${t.tunnelId} (remote ${t.peerTunnelId}) ${t.peer} ${t.peerHost} ${t.state}, ${t.sessions.length} session(s)`,
      );
      for (const s of t.sessions)
        lines.push(
          `  Session ${s.sessionId} (remote ${s.peerSessionId}) ${s.state} user ${s.user || '-'} address ${s.address ?? '-'}`,
        );
    }
    return { text: lines.map((l) => `${l}\n`).join(''), data };
  }

  private lease(pool: string | undefined, ref: SessionRef, peer: string): string | undefined {
    const pools = this.options.pools;
    if (pool === undefined || pools === undefined) {
      this.host.log(
        `Tnl/Sn ${ref.tunnelId}/${ref.sessionId} VPDN: no peer default ip address pool: no address for ${peer}`,
      );
      return undefined;
    }
    const lease = pools.lease(pool, `l2tp:${peer}:${ref.tunnelId}/${ref.sessionId}`);
    if ('error' in lease) {
      this.host.log(`Tnl/Sn ${ref.tunnelId}/${ref.sessionId} VPDN: ${lease.error}`);
      return undefined;
    }
    return lease.address;
  }

  private perform(actions: readonly L2tpAction[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case 'send':
          this.host.sendThroughPolicy(
            buildUdpPacket(
              a.datagram.srcAddress,
              a.datagram.dstAddress,
              a.datagram.srcPort,
              a.datagram.dstPort,
              a.datagram.data,
            ),
          );
          break;
        case 'ip':
          this.counters.fromPpp++;
          this.host.deliver(a.packet);
          break;
        case 'authenticate':
          this.authenticate(a.session, a.credentials);
          break;
        case 'sessionUp': {
          const peer: PppPeer = {
            ref: a.session,
            tunnelPeer: a.peer,
            user: a.user,
            localAddress: a.localAddress,
            peerAddress: a.peerAddress,
          };
          this.sessions.set(key(a.session), peer);
          if (this.clientRef === undefined) this.byAddress.set(a.peerAddress, peer);
          this.host.log(
            `Tnl/Sn ${a.session.tunnelId}/${a.session.sessionId} VPDN: ${a.user} up, ${a.localAddress} <-> ${a.peerAddress}`,
          );
          break;
        }
        case 'sessionDown': {
          const peer = this.sessions.get(key(a.session));
          this.sessions.delete(key(a.session));
          if (peer !== undefined && this.byAddress.get(peer.peerAddress) === peer)
            this.byAddress.delete(peer.peerAddress);
          this.options.pools?.release(`l2tp:${a.peer}:${a.session.tunnelId}/${a.session.sessionId}`);
          this.host.log(
            `Tnl/Sn ${a.session.tunnelId}/${a.session.sessionId} VPDN: session down: ${a.reason}`,
          );
          break;
        }
        case 'log':
          this.host.log(a.text);
          break;
      }
    }
    this.host.rearm();
  }

  /** `aaa authentication ppp default ...`: the method list in IOS order, off the engine's path. */
  private authenticate(ref: SessionRef, credentials: Parameters<typeof runChapMethodList>[1]): void {
    const methods = loginMethods(this.config, 'default', this.options.aaa ?? {}, 'ppp');
    runChapMethodList(methods, credentials, (r) => {
      this.host.log(
        `Tnl/Sn ${ref.tunnelId}/${ref.sessionId} AAA: ${credentials.username} ${r.outcome.kind} by ${r.method}`,
      );
      this.perform(this.engine.authResult(ref, r.outcome, this.host.now()));
    });
  }

  private udp1701(packet: Uint8Array): Parameters<L2tpEngine['receive']>[0] | undefined {
    if (packet.length < 28 || packet[0]! >> 4 !== 4) return undefined;
    let header;
    try {
      header = parseIpv4(packet);
    } catch {
      return undefined;
    }
    if (header.protocol !== IPPROTO_UDP) return undefined;
    const dstAddress = ipv4ToText(header.destination);
    if (!this.localAddresses.has(dstAddress)) return undefined;
    let udp;
    try {
      udp = parseUdp(header.payload);
    } catch {
      return undefined;
    }
    if (udp.destinationPort !== L2TP_PORT) return undefined;
    return {
      srcAddress: ipv4ToText(header.source),
      srcPort: udp.sourcePort,
      dstAddress,
      dstPort: udp.destinationPort,
      data: udp.payload,
    };
  }
}

function key(ref: SessionRef): string {
  return `${ref.tunnelId}/${ref.sessionId}`;
}
