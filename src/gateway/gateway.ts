// One router: configuration, IKE engine, data plane, adapters and event bus wired together.
// The engines are sans-I/O; the gateway feeds them bytes and time, performs what they return
// (send, install, remove, deliver) and keeps a single timer armed at their next deadline.

import { formatIkev2Sa } from '../observe/ikev2Show.js';
import { loginMethods, runMethodList, type ServerGroupFactories } from '../aaa/index.js';
import type { IkeAction, IkeDatagram, IkeSaInfo, XauthOutcome } from '../ike/types.js';
import type { KeyMaterial } from './certificates.js';
import { GreTunnels, type GreAction } from '../ipsec/gre.js';
import { iosTransformName } from '../ipsec/transform.js';
import { transportSelectorBehindNat } from '../ipsec/natt.js';
import type { EventBus } from '../observe/bus.js';
import type { SaTraffic } from '../observe/metrics.js';
import type { DebugCategory, GatewayEvent, TypeswanEvent } from '../observe/events.js';
import type { IkeEvent } from '../ike/events.js';
import {
  formatCryptoMap,
  formatCryptoSession,
  formatEngineConnections,
  formatIpsecSa,
  formatIsakmpPolicy,
  formatIsakmpSa,
  formatLocalPools,
  formatEzvpnClient,
  formatIsakmpSaDetail,
  formatSaList,
  formatTransformSets,
  formatTunnelInterfaces,
  caCertificateViews,
  formatMyPubkeys,
  type TunnelInterfaceView,
  formatCaCertificates,
  formatPubkeyChain,
  formatPubkeyDetail,
  pubkeyChainViews,
  selectPubkeys,
  cryptoMapViews,
  ipsecSaDetailLines,
  type SaListView,
  type EzvpnClientView,
} from '../observe/show/index.js';
import {
  zeroCounters,
  type IpsecFlowView,
  type IsakmpSaView,
  type SaCounters,
} from '../observe/show/views.js';
import type {
  OutsideTap,
  PacketTunnel,
  RawIpEndpoint,
  Scheduler,
  UdpDatagram,
  UdpEndpoint,
} from '../net/types.js';
import { natFor, natNotices, natShow, type NatService } from './nat/natGateway.js';
import type { CryptoMapEntry, RouterConfig } from '../policy/model.js';
import type { IpsecSa } from '../policy/sa.js';
import { selectorContains } from '../policy/selector.js';
import {
  ControlNotFound,
  type ClearWhat,
  type ControlTarget,
  type GatewayShowWhat,
  type InitiateTarget,
} from './controlProtocol.js';
import { buildSaList } from './saList.js';
import { formatCounters, gatewayCounters, type GatewayCounters } from './counters.js';
import { renderDebug, stampDebug } from '../observe/debug.js';
import {
  addSaCounters,
  buildFlows,
  localIdent,
  remoteIdent,
  ruleIndexFor,
  type InstalledSa,
} from './flows.js';
import { refuseUnsupported } from './configFile.js';
import { AcquireQueue } from './acquireQueue.js';
import { discoverRequest, isDiscoverRule, tedDatagram, transitPacket } from './ted.js';
import type { DhRequest } from '../crypto/index.js';
import { inlineDh, type DhRunner } from './dhWorkers.js';
import { IkeIngress } from './ikeIngress.js';
import type { AddressPools, PoolView } from './addressPool.js';
import type { StoredKeyPair } from '../pki/keystore.js';
import { FailedNegotiations } from './failedNegotiations.js';
import type { DataPlane, DataPlaneCounters, DataPlaneOutput, IkeEngine } from './ports.js';
import { L2tpService, type L2tpClientSettings } from './l2tpService.js';
import { dynamicTemplates, policyRules, type DynamicTemplate, type PolicyRule } from './spdFromConfig.js';
import { greTunnelSpecs } from './greFromConfig.js';
import { PeerFailover, peerFailure, type PeerMove } from './peerFailover.js';

export interface GatewayAdapters {
  /** UDP endpoints on 500 and 4500 of the local addresses. */
  readonly udp: readonly UdpEndpoint[];
  readonly raw: readonly RawIpEndpoint[];
  readonly tunnel: PacketTunnel;
  /** One packet tunnel per GRE tunnel interface (`interface TunnelN`), by interface name. */
  readonly greTunnels?: ReadonlyMap<string, PacketTunnel>;
  /** The outside interface for NAT's return traffic; without it `ip nat` is not run (nat/natGateway.ts). */
  readonly natOutside?: OutsideTap;
}

export interface GatewayOptions {
  readonly config: RouterConfig;
  readonly adapters: GatewayAdapters;
  readonly scheduler: Scheduler;
  readonly bus: EventBus;
  readonly ike: IkeEngine;
  readonly dataPlane: DataPlane;
  /**
   * Packets held per pending acquire while IKE runs. 0 (the default) is what IOS does: the
   * packet that triggers IKE is dropped (and counted as a send error), so the chapter's first
   * ping prints `.!!!!`.
   */
  readonly holdQueueLimit?: number;
  /** Seconds an acquire stays pending (later packets do not re-trigger IKE meanwhile). */
  readonly acquireTimeout?: number;
  /** Longest wait, in seconds, before traffic may ask IKE again after failed negotiations. */
  readonly acquireBackoffLimit?: number;
  /** Interface MTU for `show crypto ipsec sa`. */
  readonly mtu?: number;
  /** The `ip local pool`s Mode Config leases from (the IKE engine's `addressLeases`). */
  readonly pools?: AddressPools;
  /** RADIUS and TACACS+ server groups for XAUTH's login lists; without them those groups answer `error`. */
  readonly aaa?: ServerGroupFactories;
  /** The router's own key pairs, read when shown (`show crypto key mypubkey rsa`). */
  readonly keyPairs?: () => readonly StoredKeyPair[];
  /** Where the engine's `dh` actions run (worker threads); without it, inline. */
  readonly dh?: DhRunner;
  /**
   * Queue IKE datagrams and process them established-first (ikeIngress.ts), deferring with
   * this function (setImmediate on a host); without it each is processed as it arrives.
   */
  readonly ikeDefer?: (callback: () => void) => void;
  /** Run the L2TP client (LAC + PPP) toward an LNS; without it a `vpdn-group` makes an LNS. */
  readonly l2tpClient?: L2tpClientSettings;
  /** Randomness for L2TP tunnel and session IDs and CHAP challenges. */
  readonly randomBytes?: (n: number) => Uint8Array;
}

const NON_ESP_MARKER = new Uint8Array(4);

export class Gateway implements ControlTarget {
  readonly name: string;
  private configNow: RouterConfig;
  private rules: PolicyRule[];
  private templates: DynamicTemplate[];
  /** Rules instantiated from a dynamic map for one peer's SAs. */
  private readonly dynamicInstances = new WeakSet<PolicyRule>();
  private readonly policyListeners: ((rules: readonly PolicyRule[]) => void)[] = [];
  /** The IKE engine's next deadline, asked again only after the engine was called. */
  private ikeDeadline: number | undefined;
  private readonly failures = new FailedNegotiations();
  private readonly waiting: AcquireQueue;
  private readonly installed = new Map<string, InstalledSa>();
  private readonly retired = new Map<number, SaCounters>();
  private readonly lastSeen = new Map<string, DataPlaneCounters>();
  private nextSaConnId = 2000;
  private nextFlowId = 1;
  private timer: { cancel(): void } | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private started = false;
  /** The GRE tunnel interfaces (undefined when the configuration has none). */
  private gre: GreTunnels | undefined;
  /** The current peer of each crypto map entry with several `set peer`s. */
  private readonly peers = new PeerFailover();
  /** Drops the gateway itself decided (no rule, no adapter, hold queue full), by reason. */
  readonly drops = new Map<string, number>();
  /** L2TP over IPsec: the LNS of a `vpdn-group`, or the client's LAC. */
  readonly l2tp: L2tpService | undefined;
  /** NAT in the forwarding path (`ip nat`), when configured and the adapters offer an outside tap. */
  private nat: NatService | undefined;

  /** IKE datagrams read but not yet processed (with `ikeDefer`). */
  readonly ikeIngress: IkeIngress<IkeDatagram> | undefined;

  constructor(private readonly options: GatewayOptions) {
    this.name = options.config.hostname;
    const defer = options.ikeDefer;
    this.ikeIngress =
      defer === undefined
        ? undefined
        : new IkeIngress<IkeDatagram>((d) => {
            if (this.started) this.performIke(this.options.ike.receive(d, this.now()));
          }, defer);
    this.configNow = options.config;
    this.rules = this.peers.apply(policyRules(options.config));
    for (const r of this.rules) this.indexRule(r);
    this.templates = dynamicTemplates(options.config);
    this.gre = this.greTunnelsFor(options.config);
    this.nat = natFor(options.config, options.adapters.natOutside);
    this.waiting = new AcquireQueue(
      options.holdQueueLimit ?? 0,
      options.acquireTimeout ?? 30,
      options.acquireBackoffLimit ?? 30,
    );
    const randomBytes = options.randomBytes;
    this.l2tp =
      L2tpService.wanted(options.config, options.l2tpClient) && randomBytes !== undefined
        ? new L2tpService(
            options.config,
            {
              sendThroughPolicy: (packet) =>
                this.perform(this.options.dataPlane.outbound(packet, this.now())),
              deliver: (packet) => this.options.adapters.tunnel.writePacket(packet),
              log: (text) => this.publish({ type: 'vpdn', text }),
              now: () => this.now(),
              rearm: () => this.rearm(),
            },
            {
              randomBytes,
              ...(options.pools !== undefined ? { pools: options.pools } : {}),
              ...(options.aaa !== undefined ? { aaa: options.aaa } : {}),
              ...(options.l2tpClient !== undefined ? { client: options.l2tpClient } : {}),
            },
          )
        : undefined;
  }

  private greTunnelsFor(config: RouterConfig): GreTunnels | undefined {
    const specs = greTunnelSpecs(config);
    return specs.length === 0 ? undefined : new GreTunnels(specs, this.now());
  }

  get config(): RouterConfig {
    return this.configNow;
  }

  /** Called with the SPD's rules whenever they change (a dynamic-map SA came or went, a reload). */
  onPolicyChange(listener: (rules: readonly PolicyRule[]) => void): void {
    this.policyListeners.push(listener);
  }

  /**
   * A re-read configuration: new negotiations and the SPD follow it; the IKE engine deletes
   * (and tells the peer about) the SAs of removed entries and peers; other SAs carry on.
   */
  reconfigure(config: RouterConfig, keys?: KeyMaterial): { readonly deletedSas: number } {
    const now = this.now();
    if (keys) this.options.ike.useKeys?.(keys);
    const before = this.installed.size;
    this.configNow = config;
    this.options.pools?.configure(config.localPools);
    // Deletes first, against the rules their SAs were counted under.
    // The engine gets what it can run: inert policies and masked keys left out (planRun).
    this.performIke(this.options.ike.reconfigure?.(refuseUnsupported(config), now) ?? []);
    this.templates = dynamicTemplates(config);
    const down = (this.gre?.views() ?? []).filter((v) => !v.lineProtocolUp).map((v) => v.spec.name);
    this.gre = this.greTunnelsFor(config);
    // The new tunnels start up (IOS: up once source and destination are known): so do the devices
    // of those that were down.
    const up = down.filter((name) => this.gre?.isUp(name) === true);
    this.performGre(
      up.map((tunnel) => ({ kind: 'lineProtocol', tunnel, up: true, reason: 'configuration reloaded' })),
    );
    this.nat = natFor(config, this.options.adapters.natOutside);
    const next = this.peers.apply(policyRules(config));
    for (const record of this.installed.values()) {
      if (record.sa.direction !== 'outbound') continue;
      const instance = this.dynamicInstance(next, record.sa, record.peer);
      if (instance !== undefined) next.push(instance);
    }
    this.replaceRules(next);
    this.publish({ type: 'configReloaded', file: config.file });
    return { deletedSas: before - this.installed.size };
  }

  /**
   * Installs `next` as the SPD. Per-rule state (acquires, counts of deleted SAs) is keyed by
   * rule index: it moves with its rule, and goes with a rule that is gone.
   */
  private replaceRules(next: PolicyRule[]): void {
    const key = (r: PolicyRule): string =>
      `${r.rule.action} ${r.rule.name} ${r.rule.peer ?? ''} ${JSON.stringify(r.rule.selector)}`;
    const newIndex = new Map<string, number>();
    next.forEach((r, i) => newIndex.set(key(r), i));
    const moved = (old: number): number | undefined => {
      const rule = this.rules[old];
      return rule === undefined ? undefined : newIndex.get(key(rule));
    };
    const retired = [...this.retired];
    this.retired.clear();
    for (const [old, counters] of retired) {
      const index = moved(old);
      if (index !== undefined) this.retired.set(index, counters);
    }
    this.waiting.remap(moved);
    this.rules = next;
    this.rulesByPeer.clear();
    for (const r of next) this.indexRule(r);
    this.options.dataPlane.setPolicy(next.map((r) => r.rule));
    for (const listener of this.policyListeners) listener(next);
  }

  get policy(): readonly PolicyRule[] {
    return this.rules;
  }

  private now(): number {
    return this.options.scheduler.clock.now();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.ikeDeadline = this.options.ike.nextDeadline();
    const { adapters, dataPlane } = this.options;
    dataPlane.setPolicy(this.rules.map((r) => r.rule));
    for (const endpoint of adapters.udp) endpoint.onReceive((d) => this.onUdp(endpoint, d));
    for (const raw of adapters.raw) raw.onPacket((p) => this.perform(dataPlane.inbound(p, this.now())));
    adapters.natOutside?.onPacket((p) => this.fromOutside(p));
    for (const message of natNotices(this.configNow, adapters.natOutside))
      this.publish({ type: 'warning', message });
    adapters.tunnel.onPacket((inside) => {
      // IOS order: NAT, then the crypto map of the outside interface.
      const p = this.nat === undefined ? inside : this.natInside(inside);
      if (p === undefined) return;
      const ted = this.options.ike.discover === undefined ? undefined : tedDatagram(p);
      if (ted !== undefined) this.performIke(this.options.ike.receive(ted, this.now()));
      else if (this.l2tp?.outbound(p) !== true) this.perform(dataPlane.outbound(p, this.now()));
    });
    for (const [name, tunnel] of adapters.greTunnels ?? []) {
      tunnel.onPacket((p) => this.performGre(this.gre?.encapsulate(name, p, this.now()) ?? []));
    }
    this.publish({
      type: 'started',
      interfaces: this.rules.map((r) => r.iface.name).filter((n, i, a) => a.indexOf(n) === i),
    });
    this.l2tp?.start();
    this.rearm();
  }

  stop(): void {
    if (!this.started) return;
    this.l2tp?.stop();
    this.started = false;
    this.timer?.cancel();
    this.timer = undefined;
    for (const endpoint of this.options.adapters.udp) endpoint.close();
    for (const raw of this.options.adapters.raw) raw.close();
    this.options.adapters.tunnel.close();
    this.options.dh?.close();
    for (const tunnel of this.options.adapters.greTunnels?.values() ?? []) tunnel.close();
    this.options.adapters.natOutside?.close();
    this.publish({ type: 'stopped' });
  }

  // ------------------------------------------------------------------ inputs

  private onUdp(endpoint: UdpEndpoint, d: UdpDatagram): void {
    const now = this.now();
    if (endpoint.localPort !== 4500) {
      this.receiveIke(d, now);
      return;
    }
    // RFC 3948 §2.2: a 1-byte 0xFF payload is a NAT keepalive
    if (d.data.length === 1 && d.data[0] === 0xff) return;
    // RFC 3948 §2.1: a zero non-ESP marker means IKE; anything else is ESP (SPI is never 0)
    if (d.data.length >= 4 && d.data[0] === 0 && d.data[1] === 0 && d.data[2] === 0 && d.data[3] === 0) {
      const ike: IkeDatagram = { ...d, data: d.data.subarray(4) };
      this.receiveIke(ike, now);
      return;
    }
    this.perform(this.options.dataPlane.inboundUdp(d, now));
  }

  private receiveIke(d: IkeDatagram, now: number): void {
    if (this.ikeIngress !== undefined) this.ikeIngress.offer(d);
    else this.performIke(this.options.ike.receive(d, now));
  }

  // ------------------------------------------------------------------ IKE actions

  private performIke(actions: readonly IkeAction[]): void {
    const now = this.now();
    let ended = false;
    for (const action of actions) {
      switch (action.kind) {
        case 'send':
          if (action.transit === true) {
            this.options.adapters.tunnel.writePacket(transitPacket(action));
            break;
          }
          this.sendIke(
            action.srcAddress,
            action.srcPort,
            action.dstAddress,
            action.dstPort,
            action.data,
            action.natKeepalive === true,
          );
          break;
        case 'event':
          this.options.bus.publish({ source: 'ike', router: this.name, time: now, event: action.event });
          this.noteIkeEvent(action.event, now);
          this.movePeers(this.peers.failed(this.rules, peerFailure(action.event)));
          if (action.event.type === 'ikeSaDeleted' || action.event.type === 'ipsecSasDeleted') ended = true;
          break;
        case 'xauthVerify':
          this.verifyXauth(action);
          break;
        case 'dh':
          this.runDh(action.id, action.request);
          break;
        case 'install':
          this.movePeers(this.peers.established(this.rules, action.peer));
          for (const pair of action.pairs) {
            const bundleHasEsp =
              pair.inbound.protocol === 'ah' && action.pairs.some((p) => p.inbound.protocol === 'esp');
            this.install(pair.inbound, action.peer, now, bundleHasEsp);
            this.install(pair.outbound, action.peer, now, bundleHasEsp);
          }
          this.releaseHeld(action.pairs.map((p) => p.outbound));
          break;
        case 'remove':
          for (const pair of action.pairs) {
            this.uninstall(pair.protocol, pair.inboundSpi, 'inbound', action.reason);
            this.uninstall(pair.protocol, pair.outboundSpi, 'outbound', action.reason);
          }
          this.retireDynamic([action.peer]);
          break;
      }
    }
    if (ended) this.releaseAddresses();
    // Every engine call (receive, acquire, tick, clear, rekey, reconfigure) ends here: the only
    // place the engine's deadlines can have moved.
    this.ikeDeadline = this.options.ike.nextDeadline();
    this.rearm();
  }

  /**
   * XAUTH credentials go through the crypto map's login list (src/aaa: methods in IOS order)
   * off the engine's path; the verdict comes back through `xauthResult`. The password is
   * used here and dropped, never published.
   */
  private verifyXauth(a: Extract<IkeAction, { kind: 'xauthVerify' }>): void {
    const methods = loginMethods(this.configNow, a.list, this.options.aaa ?? {});
    void runMethodList(methods, a.username, a.password)
      .then(
        (r): XauthOutcome => ({ ...r.outcome, method: r.method }),
        (e: unknown): XauthOutcome => ({ kind: 'error', reason: e instanceof Error ? e.message : String(e) }),
      )
      .then((outcome) => {
        const ike = this.options.ike;
        if (this.started && ike.xauthResult)
          this.performIke(ike.xauthResult(a.connId, a.request, outcome, this.now()));
      });
  }

  /** The engine waits on this exponentiation; its result goes back as soon as it is there. */
  private runDh(id: number, request: DhRequest): void {
    (this.options.dh ?? inlineDh).run(request, (result) => {
      const ike = this.options.ike;
      if (this.started && ike.dhResult) this.performIke(ike.dhResult(id, result, this.now()));
    });
  }

  /** A client whose IKE and IPsec SAs are all gone gives its Mode Config address back. */
  private releaseAddresses(): void {
    const pools = this.options.pools;
    if (pools === undefined) return;
    const now = this.now();
    const live = new Set([
      ...this.options.ike.listIkeSas(now).map((s) => s.dst),
      ...this.options.ike.listIpsecSas(now).map((i) => i.peer),
    ]);
    for (const client of pools.clients()) {
      if (live.has(client) || this.l2tp?.holds(client) === true) continue;
      const addresses = pools.release(client);
      if (addresses.length > 0) this.publish({ type: 'addressReleased', client, addresses });
    }
  }

  /**
   * A negotiation that failed or was refused ends the acquires toward that peer at once, so
   * traffic can ask again after a short backoff instead of the acquire timeout.
   */
  private noteIkeEvent(event: IkeEvent, now: number): void {
    const failed = event.type === 'tedFailed' ? event.destination : this.failures.failedPeer(event);
    if (failed === undefined) return;
    const peer = failed;
    // A discover entry's acquire has no peer: its traffic is what failed (TED or the main mode after it).
    const traffic = event.type === 'tedFailed' || event.type === 'acquireFailed' ? event.selector : undefined;
    const released = this.waiting.fail((ruleIndex) => {
      const rule = this.rules[ruleIndex];
      if (rule?.rule.peer === peer) return true;
      return traffic !== undefined && isDiscoverRule(rule) && selectorContains(rule.rule.selector, traffic);
    }, now);
    for (const { ruleIndex, retryAt } of released) {
      const rule = this.rules[ruleIndex];
      this.publish({
        type: 'acquireReleased',
        peer,
        cryptoMap: rule?.entry.map ?? '-',
        seq: rule?.entry.seq ?? 0,
        retryIn: Math.max(0, retryAt - now),
      });
    }
  }

  private sendIke(
    srcAddress: string,
    srcPort: number,
    dstAddress: string,
    dstPort: number,
    data: Uint8Array,
    natKeepalive: boolean,
  ): void {
    const udp = this.options.adapters.udp;
    const endpoint =
      udp.find((e) => e.localAddress === srcAddress && e.localPort === srcPort) ??
      udp.find((e) => e.localPort === srcPort);
    if (endpoint === undefined) {
      this.drop('outbound', 'no UDP endpoint', `${srcAddress}:${srcPort}`);
      return;
    }
    // RFC 3948 §2.3: a NAT-keepalive is the single byte 0xFF, with no non-ESP marker.
    if (srcPort === 4500 && !natKeepalive) {
      const framed = new Uint8Array(4 + data.length);
      framed.set(NON_ESP_MARKER, 0);
      framed.set(data, 4);
      endpoint.send(dstAddress, dstPort, framed);
    } else {
      endpoint.send(dstAddress, dstPort, data);
    }
  }

  private install(negotiated: IpsecSa, peer: string, now: number, bundleHasEsp: boolean): void {
    const sa = transportSelectorBehindNat(negotiated);
    try {
      this.options.dataPlane.installSa(sa, now);
    } catch (error) {
      // The data plane refuses inconsistent SA parameters; the gateway keeps serving.
      const message = error instanceof Error ? error.message : String(error);
      this.publish({
        type: 'warning',
        message: `SA 0x${(sa.spi >>> 0).toString(16)} from ${peer} not installed: ${message}`,
      });
      return;
    }
    if (sa.direction === 'outbound') this.instantiateDynamic(sa, peer);
    const record: InstalledSa = {
      sa,
      bundleHasEsp,
      installedAt: now,
      connId: this.nextSaConnId++,
      flowId: this.nextFlowId++,
      peer,
    };
    this.installed.set(`${sa.direction}/${sa.spi}`, record);
    if (sa.direction === 'outbound') {
      const set = this.outboundByPeer.get(peer);
      if (set === undefined) this.outboundByPeer.set(peer, new Set([record]));
      else set.add(record);
    }
    this.publish({
      type: 'saInstalled',
      direction: sa.direction,
      protocol: sa.protocol,
      spi: sa.spi,
      local: sa.direction === 'outbound' ? sa.source : sa.destination,
      remote: sa.direction === 'outbound' ? sa.destination : sa.source,
      localProxy: localIdent(sa.selector),
      remoteProxy: remoteIdent(sa.selector),
      transform: iosTransformName(sa),
      lifetimeSeconds: sa.lifetime.seconds,
      lifetimeKilobytes: sa.lifetime.kilobytes,
      connId: record.connId,
      mode: sa.mode,
    });
  }

  /**
   * An SA negotiated through a dynamic map (a peer no static entry names): its traffic gets a
   * protect rule after the static ones, so replies from our side use it (IOS instantiates the
   * dynamic map entry for the peer).
   */
  private instantiateDynamic(sa: IpsecSa, peer: string): void {
    const instance = this.dynamicInstance(this.rules, sa, peer);
    if (instance !== undefined) this.appendRule(instance);
  }

  /**
   * A rule added after all others: no rule index moves, so the per-rule counters and waiting
   * acquires stay where they are, and the SPD compiles only the new rule (replaceRules would
   * re-key and remap every rule, per peer that comes up).
   */
  private appendRule(rule: PolicyRule): void {
    this.rules.push(rule);
    this.indexRule(rule);
    const dataPlane = this.options.dataPlane;
    if (dataPlane.appendPolicy) dataPlane.appendPolicy(rule.rule);
    else dataPlane.setPolicy(this.rules.map((r) => r.rule));
    for (const listener of this.policyListeners) listener(this.rules);
  }

  /** Protect rules by peer, for the dynamic-map checks (what a peer's SA needs, what may go). */
  private readonly rulesByPeer = new Map<string, PolicyRule[]>();

  private indexRule(r: PolicyRule): void {
    const peer = r.rule.peer;
    if (r.rule.action !== 'protect' || peer === undefined) return;
    const list = this.rulesByPeer.get(peer);
    if (list === undefined) this.rulesByPeer.set(peer, [r]);
    else list.push(r);
  }

  /** The dynamic-map rule `sa` needs beside `rules`; undefined when a rule covers it already. */
  private dynamicInstance(rules: readonly PolicyRule[], sa: IpsecSa, peer: string): PolicyRule | undefined {
    const candidates = rules === this.rules ? (this.rulesByPeer.get(peer) ?? []) : rules;
    const covered = candidates.some(
      (r) =>
        r.rule.action === 'protect' && r.rule.peer === peer && selectorContains(r.rule.selector, sa.selector),
    );
    const template = this.templates[0];
    if (covered || template === undefined) return undefined;
    const dynamic = template.entry.dynamic;
    const instance: PolicyRule = {
      rule: {
        action: 'protect',
        selector: sa.selector,
        name: `${template.entry.map} ${template.entry.seq} dynamic ${dynamic?.name ?? ''} for ${peer}`,
        peer,
      },
      entry: { ...template.entry, peers: [peer] },
      iface: template.iface,
      localAddress: template.localAddress,
      aclLine: 0,
    };
    this.dynamicInstances.add(instance);
    return instance;
  }

  /** A dynamic-map instance goes with its last outbound SA (IOS removes the instance too). */
  private retireDynamic(peers: Iterable<string>): void {
    const gone = new Set<PolicyRule>();
    for (const peer of new Set(peers)) {
      const live = [...(this.outboundByPeer.get(peer) ?? [])];
      for (const r of this.rulesByPeer.get(peer) ?? [])
        if (
          this.dynamicInstances.has(r) &&
          !live.some((i) => selectorContains(r.rule.selector, i.sa.selector))
        )
          gone.add(r);
    }
    if (gone.size > 0) this.replaceRules(this.rules.filter((r) => !gone.has(r)));
  }

  /** Installed outbound SAs by peer: what keeps a dynamic-map instance. */
  private readonly outboundByPeer = new Map<string, Set<InstalledSa>>();

  private forgetInstalled(key: string, record: InstalledSa): void {
    this.installed.delete(key);
    if (record.sa.direction !== 'outbound') return;
    const set = this.outboundByPeer.get(record.peer);
    set?.delete(record);
    if (set?.size === 0) this.outboundByPeer.delete(record.peer);
  }

  private uninstall(
    protocol: 'esp' | 'ah',
    spi: number,
    direction: 'inbound' | 'outbound',
    reason: string,
  ): void {
    const key = `${direction}/${spi}`;
    const record = this.installed.get(key);
    if (record === undefined) return;
    this.forgetInstalled(key, record);
    const counters = this.options.dataPlane.counters(spi, direction) ?? this.lastSeen.get(key);
    this.retire(record, counters);
    this.options.dataPlane.removeSa(protocol, spi, record.sa.destination);
    this.publish({
      type: 'saRemoved',
      protocol,
      spi,
      destination: record.sa.destination,
      reason,
      ...removedTraffic(record, counters),
    });
  }

  /** Keeps a deleted SA's counts in its flow (IOS counts per flow across rekeys). */
  private retire(record: InstalledSa, counters: DataPlaneCounters | undefined): void {
    const key = `${record.sa.direction}/${record.sa.spi}`;
    const final = counters ?? this.lastSeen.get(key);
    this.lastSeen.delete(key);
    const index = ruleIndexFor(this.rules, record);
    if (final === undefined || index < 0) return;
    const flow = this.retired.get(index) ?? zeroCounters();
    addSaCounters(flow, record, final);
    this.retired.set(index, flow);
  }

  // ------------------------------------------------------------------ data-plane outputs

  private perform(outputs: readonly DataPlaneOutput[]): void {
    const now = this.now();
    const { adapters } = this.options;
    for (const out of outputs) {
      if (out.kind === 'send' || out.kind === 'sendUdp' || out.kind === 'deliver') this.trafficSeen(out, now);
      switch (out.kind) {
        case 'send':
          this.sendRaw(out.packet);
          break;
        case 'sendUdp': {
          const endpoint =
            adapters.udp.find((e) => e.localAddress === out.srcAddress && e.localPort === out.srcPort) ??
            adapters.udp.find((e) => e.localPort === out.srcPort);
          if (endpoint === undefined)
            this.drop('outbound', 'no UDP endpoint', `${out.srcAddress}:${out.srcPort}`);
          else endpoint.send(out.dstAddress, out.dstPort, out.data);
          break;
        }
        case 'deliver':
          // GRE for one of our tunnel interfaces (decrypted, or cleartext that policy let in)
          if (this.gre?.claims(out.packet) === true) this.performGre(this.gre.decapsulate(out.packet, now));
          else if (this.l2tp?.inbound(out.packet) !== true) adapters.tunnel.writePacket(out.packet);
          break;
        case 'icmp':
          adapters.tunnel.writePacket(out.packet);
          this.publish({
            type: 'icmpSent',
            reason: out.reason,
            destination: `${out.packet[16]}.${out.packet[17]}.${out.packet[18]}.${out.packet[19]}`,
          });
          break;
        case 'bypass':
          // Our own GRE packets that no crypto ACL protects leave in the clear; other cleartext
          // traffic is routed by the host, not by the tunnel: nothing to forward it to.
          // With NAT the gateway is the path to the outside, translated or not.
          if (this.gre?.sends(out.packet) === true || this.nat !== undefined) this.sendRaw(out.packet);
          else this.drop('outbound', 'bypass');
          break;
        case 'drop':
          this.drop(out.direction, out.reason);
          if (out.unknownSpi && out.spi !== undefined && this.options.ike.invalidSpi)
            this.performIke(
              this.options.ike.invalidSpi(out.unknownSpi.peer, out.spi, out.unknownSpi.protocol, now),
            );
          break;
        case 'acquire':
          this.acquire(out.ruleIndex, out.packet, now);
          break;
        case 'rekey':
          this.rekey(out.spi, now);
          break;
        case 'expired': {
          const record = this.installed.get(`${out.direction}/${out.spi}`);
          if (record !== undefined) {
            this.forgetInstalled(`${out.direction}/${out.spi}`, record);
            // The data plane has already removed it: its last counts seen by `show` are kept.
            const last = this.lastSeen.get(`${out.direction}/${out.spi}`);
            this.retire(record, undefined);
            this.publish({
              type: 'saRemoved',
              protocol: record.sa.protocol,
              spi: out.spi,
              destination: record.sa.destination,
              reason: `lifetime expired (${out.reason})`,
              ...removedTraffic(record, last),
            });
            this.retireDynamic([record.peer]);
          }
          break;
        }
      }
    }
    this.rearm();
  }

  private natInside(packet: Uint8Array): Uint8Array | undefined {
    const outcome = this.nat?.fromInside(packet, this.now());
    if (outcome?.kind === 'drop') this.drop('outbound', `NAT: ${outcome.reason}`);
    return outcome?.kind === 'forward' ? outcome.packet : undefined;
  }

  /** A packet at the outside interface: true when a NAT translation took it (to the inside). */
  private fromOutside(packet: Uint8Array): boolean {
    const inside = this.nat?.fromOutside(packet, this.now());
    if (inside === undefined) return false;
    this.options.adapters.tunnel.writePacket(inside);
    return true;
  }

  private sendRaw(packet: Uint8Array): void {
    const raw = this.options.adapters.raw;
    const source = packet.length >= 20 ? `${packet[12]}.${packet[13]}.${packet[14]}.${packet[15]}` : '';
    const endpoint = raw.find((r) => r.localAddress === source) ?? raw[0];
    if (endpoint === undefined) this.drop('outbound', 'no raw IP endpoint');
    else endpoint.sendPacket(packet);
  }

  /** What the GRE tunnel interfaces asked for: GRE packets go through the SPD like any other. */
  private performGre(actions: readonly GreAction[]): void {
    const now = this.now();
    const tunnels = this.options.adapters.greTunnels;
    for (const a of actions) {
      switch (a.kind) {
        case 'transmit':
          this.perform(this.options.dataPlane.outbound(a.packet, now));
          break;
        case 'deliver':
        case 'icmp': {
          const tunnel = tunnels?.get(a.tunnel);
          if (tunnel === undefined) this.drop('inbound', 'no adapter for the tunnel interface', a.tunnel);
          else tunnel.writePacket(a.packet);
          break;
        }
        case 'lineProtocol': {
          let reason = a.reason;
          try {
            tunnels?.get(a.tunnel)?.setLinkUp?.(a.up);
          } catch (error) {
            reason += `; the device did not follow: ${error instanceof Error ? error.message : String(error)}`;
          }
          this.publish({ type: 'lineProtocol', interface: a.tunnel, up: a.up, reason });
          break;
        }
        case 'drop':
          this.drop('outbound', `GRE: ${a.reason}`, a.tunnel);
          break;
      }
    }
    this.rearm();
  }

  /** Tells IKE which peer's SA carried a packet: dead peer detection on demand needs it. */
  private trafficSeen(out: { readonly kind: string; readonly spi: number }, now: number): void {
    const direction = out.kind === 'deliver' ? 'inbound' : 'outbound';
    const peer = this.installed.get(`${direction}/${out.spi}`)?.peer;
    // Only a packet that moves IKE's next deadline earlier costs a deadline scan.
    if (peer !== undefined && this.options.ike.trafficSeen?.(peer, direction, now) === true)
      this.ikeDeadline = this.options.ike.nextDeadline();
  }

  /** Entries with several peers moved on: the SPD names the new ones (peerFailover.ts). */
  private movePeers(moves: readonly PeerMove[]): void {
    if (moves.length === 0) return;
    this.replaceRules(this.peers.apply(this.rules));
    for (const m of moves) this.publish({ type: 'peerFailover', ...m });
  }

  private acquire(ruleIndex: number, packet: Uint8Array, now: number): void {
    const policy = this.rules[ruleIndex];
    const peer = policy?.rule.peer ?? policy?.entry.peers[0];
    if (isDiscoverRule(policy) && peer === undefined && this.options.ike.discover !== undefined) {
      this.discover(ruleIndex, policy, packet, now);
      return;
    }
    if (policy === undefined || peer === undefined || policy.configEntry === undefined) {
      // A dynamic-map entry has no peer to initiate to: IOS drops the traffic.
      this.countAcquireDrop(ruleIndex);
      this.drop('outbound', 'no peer to initiate to', policy?.rule.name);
      return;
    }
    const { ask, held } = this.waiting.offer(ruleIndex, packet, now);
    if (!held) this.drops.set('awaiting SA', (this.drops.get('awaiting SA') ?? 0) + 1);
    if (!ask) return;
    this.askIke(policy, policy.configEntry, peer, held, now);
  }

  /** TED: the gateway protecting the packet's destination is found first (gateway/ted.ts). */
  private discover(ruleIndex: number, policy: PolicyRule, packet: Uint8Array, now: number): void {
    const request = discoverRequest(this.configNow, policy, packet);
    const discover = this.options.ike.discover;
    if (request === undefined || discover === undefined) {
      this.countAcquireDrop(ruleIndex);
      this.drop('outbound', 'no peer to initiate to', policy.rule.name);
      return;
    }
    const { ask, held } = this.waiting.offer(ruleIndex, packet, now);
    if (!held) this.drops.set('awaiting SA', (this.drops.get('awaiting SA') ?? 0) + 1);
    if (!ask) return;
    this.publish({
      type: 'acquire',
      peer: request.destination,
      cryptoMap: policy.entry.map,
      seq: policy.entry.seq,
      held,
    });
    this.performIke(discover.call(this.options.ike, request, now));
  }

  /** IKE is asked for the rule's proxy IDs toward `peer` (traffic's acquire, or `initiate`). */
  private askIke(
    policy: PolicyRule,
    cryptoMapEntry: CryptoMapEntry,
    peer: string,
    held: boolean,
    now: number,
  ): void {
    this.publish({ type: 'acquire', peer, cryptoMap: policy.entry.map, seq: policy.entry.seq, held });
    this.performIke(
      this.options.ike.acquire(
        {
          cryptoMapEntry,
          peer,
          selector: policy.rule.selector,
          ...(policy.localAddress !== undefined ? { localAddress: policy.localAddress } : {}),
        },
        now,
      ),
    );
  }

  private countAcquireDrop(ruleIndex: number): void {
    this.waiting.countDrop(ruleIndex);
    this.drops.set('awaiting SA', (this.drops.get('awaiting SA') ?? 0) + 1);
  }

  /** New outbound SAs are up: the acquires they answer are done; held packets go out now. */
  private releaseHeld(outbound: readonly IpsecSa[]): void {
    const now = this.now();
    const released = this.waiting.release((ruleIndex) => {
      const policy = this.rules[ruleIndex];
      return (
        policy !== undefined &&
        outbound.some(
          (sa) =>
            sa.destination === policy.rule.peer ||
            policy.entry.peers.includes(sa.destination) ||
            (isDiscoverRule(policy) && selectorContains(policy.rule.selector, sa.selector)),
        )
      );
    });
    for (const { ruleIndex, packets } of released) {
      for (const packet of packets) {
        const outputs = this.options.dataPlane.outbound(packet, now).filter((o) => {
          if (o.kind !== 'acquire') return true;
          this.countAcquireDrop(ruleIndex);
          return false;
        });
        this.perform(outputs);
      }
    }
  }

  private rekey(spi: number, now: number): void {
    const ike = this.options.ike;
    if (ike.rekeyRequest !== undefined) {
      this.performIke(ike.rekeyRequest(spi, now));
      return;
    }
    const record = this.installed.get(`outbound/${spi}`) ?? this.installed.get(`inbound/${spi}`);
    if (record === undefined) return;
    const policy = this.rules.find((r) => r.rule.action === 'protect' && r.rule.peer === record.peer);
    if (policy?.configEntry === undefined) return;
    this.performIke(
      ike.acquire(
        { cryptoMapEntry: policy.configEntry, peer: record.peer, selector: record.sa.selector },
        now,
      ),
    );
  }

  private drop(direction: 'inbound' | 'outbound', reason: string, detail?: string): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
    this.publish({ type: 'packetDropped', direction, reason, ...(detail !== undefined ? { detail } : {}) });
  }

  // ------------------------------------------------------------------ timer

  private rearm(): void {
    if (!this.started) return;
    const deadlines = [
      this.ikeDeadline,
      this.options.dataPlane.nextDeadline(),
      this.l2tp?.nextDeadline(),
      this.gre?.nextDeadline(),
    ].filter((d): d is number => d !== undefined);
    const next = deadlines.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...deadlines);
    if (next === this.timerAt) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = next;
    if (!Number.isFinite(next)) return;
    // A deadline already due runs at the next millisecond, so an engine that keeps reporting
    // a past deadline cannot spin the scheduler at one instant.
    const at = Math.max(next, this.now() + 0.001);
    this.timer = this.options.scheduler.setTimer(at, () => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      const now = this.now();
      this.performIke(this.options.ike.tick(now));
      this.perform(this.options.dataPlane.tick(now));
      this.l2tp?.tick();
      if (this.gre !== undefined) this.performGre(this.gre.tick(now));
    });
  }

  private publish(event: GatewayEvent): void {
    this.options.bus.publish({ source: 'gateway', router: this.name, time: this.now(), event });
  }

  // ------------------------------------------------------------------ show / clear / debug

  isakmpSas(): IsakmpSaView[] {
    return this.options.ike
      .listIkeSas(this.now())
      .map((s) => ({ dst: s.dst, src: s.src, state: s.state, connId: s.connId, slot: s.slot }));
  }

  /** The Mode Config pools and their leases (`show ip local pool`, metrics). */
  /** As a VPN client (`typeswan client`): each gateway's tunnel and what Mode Config gave us. */
  private ezvpnClientViews(): EzvpnClientView[] {
    const now = this.now();
    const ipsecPeers = new Set(this.options.ike.listIpsecSas(now).map((s) => s.peer));
    return this.options.ike
      .listIkeSas(now)
      .filter((s) => s.role === 'initiator' && s.modeConfig !== undefined)
      .map((s) => {
        const m = s.modeConfig;
        return {
          tunnel: this.configNow.cryptoMaps.find((e) => e.peers.includes(s.dst))?.map ?? '',
          gateway: s.dst,
          state: ipsecPeers.has(s.dst) ? 'IPSEC_ACTIVE' : s.state,
          ...(m?.address !== undefined ? { address: m.address } : {}),
          ...(m?.netmask !== undefined ? { netmask: m.netmask } : {}),
          dns: m?.dns ?? [],
          wins: m?.wins ?? [],
          ...(m?.domain !== undefined ? { domain: m.domain } : {}),
          splitInclude: m?.splitInclude ?? [],
          localLan: m?.localLan ?? [],
        };
      });
  }

  poolViews(): PoolView[] {
    return this.options.pools?.views() ?? [];
  }

  /** The IKE SAs with their algorithms, ports and lifetimes, as the engine lists them. */
  ikeSaDetails(): readonly IkeSaInfo[] {
    return this.options.ike.listIkeSas(this.now());
  }

  /** Every installed IPsec SA with its peer and data-plane counters (metrics, status page). */
  ipsecSaTraffic(): SaTraffic[] {
    return [...this.installed.entries()].map(([key, i]) => {
      const c = this.options.dataPlane.counters(i.sa.spi, i.sa.direction);
      if (c !== undefined) this.lastSeen.set(key, c);
      return {
        peer: i.peer,
        spi: i.sa.spi,
        protocol: i.sa.protocol,
        direction: i.sa.direction,
        transform: iosTransformName(i.sa),
        ...saPacketsAndBytes(i.sa.direction, c ?? this.lastSeen.get(key)),
      };
    });
  }

  ipsecFlows(peer?: string): IpsecFlowView[] {
    const flows = buildFlows({
      rules: this.rules,
      installed: [...this.installed.values()],
      counters: (spi, direction) => {
        const c = this.options.dataPlane.counters(spi, direction);
        if (c !== undefined) this.lastSeen.set(`${direction}/${spi}`, c);
        return c;
      },
      retired: this.retired,
      acquireDrops: this.waiting.drops,
      now: this.now(),
      mtu: this.options.mtu ?? 1500,
    });
    return peer === undefined ? flows : flows.filter((f) => f.currentPeer === peer);
  }

  /** The SA list of `list-sas`, the `detail` shows and `show crypto session` (peer: only its SAs). */
  saList(peer?: string): SaListView {
    const now = this.now();
    return buildSaList(
      {
        ike: this.options.ike.listIkeSas(now),
        ipsec: this.options.ike.listIpsecSas(now),
        rules: this.rules,
        counters: (spi, direction) => this.options.dataPlane.counters(spi, direction),
        connId: (spi, direction) => this.installed.get(`${direction}/${spi}`)?.connId,
        dpd: this.configNow.isakmp.keepalive !== undefined,
        now,
      },
      peer,
    );
  }

  show(
    what: GatewayShowWhat,
    options: { readonly peer?: string; readonly interface?: string; readonly name?: string } = {},
  ): { text: string; data: unknown } {
    const config = this.configNow;
    switch (what) {
      case 'isakmp sa': {
        const data = this.isakmpSas();
        return { text: formatIsakmpSa(data), data };
      }
      case 'isakmp sa detail': {
        const data = this.saList().ike;
        return { text: formatIsakmpSaDetail(data), data };
      }
      case 'ikev2 sa':
      case 'ikev2 sa detailed': {
        const data = this.options.ike.listIkev2Sas?.(this.now()) ?? [];
        return { text: formatIkev2Sa(data, what === 'ikev2 sa detailed'), data };
      }
      case 'ipsec sa': {
        const data = this.ipsecFlows(options.peer);
        return { text: formatIpsecSa(data), data };
      }
      case 'ipsec sa detail': {
        const flows = this.ipsecFlows(options.peer);
        const sas = this.saList(options.peer).ipsec;
        return { text: formatIpsecSa(flows, ipsecSaDetailLines(sas)), data: { flows, sas } };
      }
      case 'session':
      case 'session detail': {
        const data = this.saList(options.peer);
        return { text: formatCryptoSession(data, what === 'session detail'), data };
      }
      case 'engine connections active': {
        const data = this.saList();
        return { text: formatEngineConnections(data), data };
      }
      case 'map': {
        const data = cryptoMapViews(config);
        return { text: formatCryptoMap(data), data };
      }
      case 'isakmp policy':
        return { text: formatIsakmpPolicy(config.isakmpPolicies), data: config.isakmpPolicies };
      case 'ipsec transform-set':
        return { text: formatTransformSets(config.transformSets), data: config.transformSets };
      case 'ip nat translations':
      case 'ip nat statistics':
        return natShow(this.nat, what, this.now());
      case 'vpdn':
        return this.l2tp?.show() ?? { text: '', data: [] };
      case 'ip local pool': {
        const data = this.poolViews();
        return { text: formatLocalPools(data), data };
      }
      case 'ca certificates': {
        const data = caCertificateViews(config.certificates);
        return { text: formatCaCertificates(data), data };
      }
      case 'key pubkey-chain rsa': {
        // `... address A`: that key itself, as IOS prints it.
        const all = pubkeyChainViews(config.publicKeys, this.options.ike.certifiedKeys?.() ?? []);
        if (options.peer === undefined && options.name === undefined)
          return { text: formatPubkeyChain(all), data: all };
        const data = selectPubkeys(all, { ...options, address: options.peer });
        return { text: formatPubkeyDetail(data), data };
      }
      case 'key mypubkey rsa': {
        const data = (this.options.keyPairs?.() ?? []).map((k) => ({
          label: k.label,
          usage: k.usage,
          generatedAt: k.generatedAt.toISOString(),
          keyData: k.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'),
        }));
        return { text: formatMyPubkeys(data), data };
      }
      case 'ipsec client ezvpn': {
        const data = this.ezvpnClientViews();
        return { text: formatEzvpnClient(data), data };
      }
      case 'interfaces': {
        const data = this.tunnelInterfaces(options.interface);
        return { text: formatTunnelInterfaces(data, this.now()), data };
      }
    }
  }

  /** The GRE tunnel interfaces (`show interfaces [NAME]`); throws ControlNotFound for an unknown name. */
  tunnelInterfaces(name?: string): TunnelInterfaceView[] {
    const all = (this.gre?.views() ?? []).map((v): TunnelInterfaceView => {
      const iface = this.configNow.interfaces.find((i) => i.name === v.spec.name);
      return {
        ...v,
        ...(iface?.netmask !== undefined ? { netmask: iface.netmask } : {}),
        ...(iface?.cryptoMap !== undefined ? { cryptoMap: iface.cryptoMap } : {}),
      };
    });
    if (name === undefined) return all;
    const one = all.filter((v) => v.spec.name.toLowerCase() === name.toLowerCase());
    if (one.length === 0) throw new ControlNotFound(`no tunnel interface ${name}`);
    return one;
  }

  /** `typeswan list-sas`: the SA list in swanctl's layout. */
  sas(options: { readonly peer?: string } = {}): { text: string; data: SaListView } {
    const data = this.saList(options.peer);
    return { text: formatSaList(data), data };
  }

  counters(): { text: string; data: GatewayCounters } {
    const data = gatewayCounters({
      drops: this.drops,
      ike: this.options.ike.counters,
      sas: this.saList(),
      events: this.options.bus.published,
    });
    return { text: formatCounters(data), data };
  }

  events(emit: (event: TypeswanEvent) => void): () => void {
    return this.options.bus.subscribe((event) => {
      if (event.router === this.name) emit(event);
    });
  }

  /**
   * `initiate crypto map M N` / `initiate peer A`: IKE is asked for each protect rule of the
   * entry (or the peer's entries), with the rule's proxy IDs, as interesting traffic would.
   */
  initiate(target: InitiateTarget): { text: string; peers: string[] } {
    const indexes: number[] = [];
    this.rules.forEach((r, i) => {
      if (r.rule.action !== 'protect' || r.configEntry === undefined || this.dynamicInstances.has(r)) return;
      const matches =
        'peer' in target
          ? r.entry.peers.includes(target.peer)
          : r.entry.map === target.map && r.entry.seq === target.seq;
      if (matches) indexes.push(i);
    });
    const what = 'peer' in target ? `peer ${target.peer}` : `crypto map ${target.map} ${target.seq}`;
    if (indexes.length === 0)
      throw new ControlNotFound(`no crypto map entry with a peer to initiate to for ${what}`);
    const now = this.now();
    const peers = new Set<string>();
    for (const index of indexes) {
      const policy = this.rules[index];
      const peer = 'peer' in target ? target.peer : (policy?.rule.peer ?? policy?.entry.peers[0]);
      if (policy?.configEntry === undefined || peer === undefined) continue;
      peers.add(peer);
      this.askIke(policy, policy.configEntry, peer, false, now);
    }
    const n = indexes.length;
    return {
      text: `initiating ${what}: ${n} proxy ID pair${n === 1 ? '' : 's'} toward ${[...peers].join(', ')}`,
      peers: [...peers],
    };
  }

  clear(what: ClearWhat, options: { readonly peer?: string; readonly connId?: number } = {}): string {
    const now = this.now();
    if (what === 'nat') return `${this.nat?.clear() ?? 0} translations cleared\n`;
    if (
      options.connId !== undefined &&
      !this.options.ike.listIkeSas(now).some((s) => s.connId === options.connId)
    )
      throw new ControlNotFound(`no ISAKMP SA with conn-id ${options.connId}`);
    const filter =
      options.peer === undefined && options.connId === undefined
        ? undefined
        : {
            ...(options.peer !== undefined ? { peer: options.peer } : {}),
            ...(options.connId !== undefined ? { connId: options.connId } : {}),
          };
    const ike = this.options.ike;
    const actions =
      what === 'sa'
        ? ike.clearIpsec(filter, now)
        : what === 'ikev2'
          ? (ike.clearIkev2?.(filter, now) ?? [])
          : ike.clearIsakmp(filter, now);
    this.performIke(actions);
    if (what === 'sa') {
      // `clear crypto sa` starts the flows' counters from zero (a rekey does not).
      this.waiting.clear();
      this.retired.clear();
    }
    return '';
  }

  debug(categories: readonly DebugCategory[], emit: (line: string) => void): () => void {
    return this.options.bus.subscribe((event) => {
      if (event.router !== this.name) return;
      for (const line of renderDebug(event)) {
        if (categories.includes(line.category)) emit(stampDebug(event.time, line.text));
      }
    });
  }
}

function saPacketsAndBytes(
  direction: 'inbound' | 'outbound',
  c: DataPlaneCounters | undefined,
): { packets: number; bytes: number } {
  if (c === undefined) return { packets: 0, bytes: 0 };
  return { packets: direction === 'outbound' ? c.encaps : c.decaps, bytes: c.bytes };
}

/** What a removed SA carried, for the `saRemoved` event (per-peer traffic counters). */
function removedTraffic(
  record: InstalledSa,
  c: DataPlaneCounters | undefined,
): { peer: string; direction: 'inbound' | 'outbound'; packets: number; bytes: number } {
  return { peer: record.peer, direction: record.sa.direction, ...saPacketsAndBytes(record.sa.direction, c) };
}
