// The SA manager (one per router): dispatches datagrams to IKE SAs by cookies, runs the
// exchange tasks, frames/encrypts/retransmits their messages, installs and expires IPsec SAs,
// and answers `show`/`clear`. Sans-I/O: every entry point takes `now` and returns actions.

import type { KeyObject } from 'node:crypto';
import { pubkeyChain, type PeerPublicKey } from './rsaEncr.js';
import { CertifiedKeys, type CertifiedKey } from './certifiedKeys.js';
import { DEFAULT_ISAKMP_POLICY, type CryptoMapEntry, type TrafficSelector } from '../policy/model.js';
import type { IpsecSaPair } from '../policy/sa.js';
import { AggressiveMode } from './aggressiveMode.js';
import {
  DecodeError,
  encodeMessage,
  findPayload,
  encodePayloads,
  payloadLengths,
  payloadsOfType,
  payloadTypeOf,
  Reader,
  type Payload,
} from '../wire/index.js';
import { decodeBody, decodeDatagram, type Message } from './message.js';
import { computeDh, type DhRequest, type DhResult } from '../crypto/index.js';
import { dhPrivateLength, dhSupported, PrecomputedDh, precomputedDh, type DhExchange } from './keys.js';
import {
  ExchangeType,
  IKE_PORT,
  NATT_PORT,
  notifyName,
  NotifyType,
  PayloadType,
  ProtocolId,
} from './constants.js';
import type { IkeEvent } from './events.js';
import { IkeSa } from './ikeSa.js';
import {
  entryForPeer,
  entryForSelector,
  findPhase2Policy,
  lifetimeOf,
  localAddressFor,
  transformSetsOf,
} from '../policy/cryptoMap.js';
import { exchangeName, makeCookie, payloadNames } from './describe.js';
import { DeadPeerDetection, type DpdHost } from './dpd.js';
import {
  cookiesSpi,
  deleteIpsecPayload,
  deleteIsakmpPayload,
  notifyPayload,
  protect,
  verifyProtected,
} from './informational.js';
import { transformText, spiBytes } from './ipsecTransforms.js';
import { IkeRekey, noInitialContact, type IkeRekeyHost } from './ikeRekey.js';
import { Informational, InformationalExchange } from './informationalTask.js';
import type { ExchangeRegistration, ExchangeTask, InitiatorTask } from './exchange.js';
import { InvalidSpiLimiter, invalidSpiPayload } from './invalidSpi.js';
import { MainMode } from './mainMode.js';
import { Phase1Pending } from './rsaSig.js';
import { trustStore, type TrustPointCredentials } from './trustStore.js';
import {
  Phase1Failure,
  phase1Failed,
  refusalDelivery,
  type Phase1Context,
  type RefusalDelivery,
} from './phase1.js';
import { wipeInstalledQuickMode } from './quickModeScratch.js';
import { CONNECTED, offeredPfs, QUICK_MODE_EXCHANGE, QuickMode, type QuickModeContext } from './quickMode.js';
import { selectorsEqual } from './selectors.js';
import { DeadlineHeap } from './deadlines.js';
import { fingerprintOf, TaskManager } from './taskManager.js';
import { PHASE1_COMPLETE, transition, type Step, type TaskResult } from './task.js';
import { RemoteAccess, type RemoteAccessHost } from './remoteAccess.js';
import type { DiscoverRequest } from './ted.js';
import { TedDiscovery, type TedHost } from './tedDiscovery.js';
import { transactionExchange } from './transaction.js';
import { proxyIdText } from '../policy/proxyId.js';
import type {
  AcquireRequest,
  ClearFilter,
  IkeAction,
  IkeDatagram,
  IkeManagerOptions,
  IkeSaInfo,
  IpsecSaInfo,
  RetransmitPolicy,
  XauthOutcome,
} from './types.js';

// 11 transmissions over about 113 s (1, 1.5, 2.25, ... s): enough to cross 30 % loss each way.
const DEFAULT_RETRANSMIT: RetransmitPolicy = { initial: 1, factor: 1.5, maxRetries: 10 };

/** How long a peer may keep retransmitting one message: the whole backoff schedule. */
function retransmitWindow(r: RetransmitPolicy): number {
  let t = 0;
  let interval = r.initial;
  for (let i = 0; i <= r.maxRetries; i++) {
    t += interval;
    interval *= r.factor;
  }
  return t;
}
const MAX_NODES_PER_SA = 32;
/** An IKE SA this close to its hard lifetime takes no new quick mode: a new phase 1 does. */
const EXPIRING_MARGIN = 30;

/** A message waiting for its Diffie-Hellman result (`dh` action, `dhResult`). */
interface PendingDh {
  readonly sa: IkeSa;
  readonly messageId: number;
  readonly request: DhRequest;
  /** Hands the computed exchange to whoever needs it (the IKE SA, a quick mode). */
  readonly apply: (dh: DhExchange | undefined) => void;
  /** Takes the message up again where it stopped. */
  readonly resume: () => void;
}

interface InstalledSa {
  readonly connId: number;
  readonly messageId: number;
  readonly peer: string;
  readonly local: string;
  readonly selector: TrafficSelector;
  readonly pairs: readonly IpsecSaPair[];
  readonly entry?: CryptoMapEntry;
  readonly initiator: boolean;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly softAt: number;
  /** Install order: timers handle SAs due together in it. */
  readonly order: number;
  rekeyed: boolean;
  removeAt?: number;
}

export interface IkeCounters {
  duplicates: number;
  retransmissions: number;
  drops: number;
  replayedQm1: number;
}

/** How an exchange type's messages are received, after cookie dispatch and the reply cache. */
type ExchangeReceive = (sa: IkeSa, msg: Message, d: IkeDatagram, fingerprint: string) => void;

/** What an exchange task answers with (phase 1's Step, quick mode's QmStep). */
type ExchangeStep = Pick<Step, 'send' | 'expectReply' | 'commit' | 'after'>;

/** A task's state for a log line: quick mode's IOS state name, else its role. */
function stateOf(task: ExchangeTask): string {
  return task instanceof QuickMode ? task.state : task.role;
}

function installedDeadline(i: InstalledSa): number {
  return Math.min(
    i.expiresAt,
    i.removeAt ?? Number.POSITIVE_INFINITY,
    i.rekeyed ? Number.POSITIVE_INFINITY : i.softAt,
  );
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
function isZero(b: Uint8Array): boolean {
  return b.every((x) => x === 0);
}

export class IkeManager {
  private opts: IkeManagerOptions;
  private readonly retransmit: RetransmitPolicy;
  /** A finished quick mode keeps its last reply this long, for the peer's retransmissions. */
  private readonly purgeAfter: number;
  private readonly halfOpenMaxAge: number;
  /** For ID_FQDN: the option, else the configuration's `ip domain-name`. */
  private domainName: string | undefined;
  /** The configuration's trust points with our certificates and keys (rsa-sig). */
  private trust: TrustPointCredentials[];
  /** The `crypto key pubkey-chain rsa` keys that decode (rsa-encr). */
  private pubkeys: PeerPublicKey[];
  /** Peers' keys from validated certificates (code C of the pubkey chain). */
  private readonly certified = new CertifiedKeys();
  private nextConnId = 1;
  private readonly sas = new Map<number, IkeSa>();
  private readonly byCookie = new Map<string, IkeSa>();
  private readonly taskManagers = new Map<number, TaskManager>();
  private readonly installed = new Set<InstalledSa>();
  /** Indexes of the tables by peer (and SPI), so nothing per tunnel walks every tunnel. */
  private readonly sasByPeer = new Map<string, Set<IkeSa>>();
  private readonly installedByPeer = new Map<string, Set<InstalledSa>>();
  private readonly installedBySpi = new Map<number, InstalledSa>();
  private readonly installedPairs = new Set<readonly IpsecSaPair[]>();
  /** Responder IKE SAs not yet authenticated (the half-open table). */
  private readonly halfOpen = new Set<IkeSa>();
  private installOrder = 0;
  private readonly spisInUse = new Set<number>();
  private readonly cookieSecret: Uint8Array;
  private readonly invalidSpiLimiter = new InvalidSpiLimiter();
  /** INVALID-SPI notifies waiting for the phase 1 started to carry them, by conn-id. */
  private readonly invalidSpiQueue = new Map<number, { protocol: 'esp' | 'ah'; spi: number }[]>();
  private cookieCounter = 0;
  private now = 0;
  private out: IkeAction[] = [];
  private readonly dpd: DeadPeerDetection;
  private readonly ikeRekey: IkeRekey;
  /** XAUTH and Mode Config between phase 1 and quick mode. */
  private readonly remoteAccess: RemoteAccess;
  private readonly ted: TedDiscovery;
  /**
   * Timers: each SA's earliest deadline in a heap. receive and acquire recompute only the SAs
   * they touched; every other call (ticks, clear, reconfigure, a deleted SA, which may change
   * which SA of a peer DPD probes) has the whole table recomputed at the next nextDeadline.
   */
  private readonly saDeadlines = new DeadlineHeap<IkeSa>();
  private readonly installedDeadlines = new DeadlineHeap<InstalledSa>();
  private readonly touched = new Set<IkeSa>();
  private readonly touchedInstalled = new Set<InstalledSa>();
  private rescanAll = true;
  private readonly pendingDh = new Map<number, PendingDh>();
  /** IKE SAs with a message waiting for DH: nothing else of theirs is processed meanwhile. */
  private readonly waitingDh = new Set<IkeSa>();
  private nextDhId = 1;
  readonly counters: IkeCounters = { duplicates: 0, retransmissions: 0, drops: 0, replayedQm1: 0 };

  constructor(options: IkeManagerOptions) {
    this.opts = options;
    this.retransmit = options.retransmit ?? DEFAULT_RETRANSMIT;
    this.purgeAfter = retransmitWindow(this.retransmit) + 10;
    this.domainName = options.domainName ?? options.config.domainName;
    this.trust = trustStore(options.config, options.pki?.signingKeys ?? new Map());
    this.pubkeys = pubkeyChain(options.config);
    this.halfOpenMaxAge = options.halfOpen?.maxAge ?? retransmitWindow(this.retransmit) + 30;
    this.cookieSecret = options.rng.randomBytes(16);
    this.dpd = new DeadPeerDetection(options.config.isakmp.keepalive);
    this.ikeRekey = new IkeRekey(options.rekeyOverlap ?? 10);
    this.remoteAccess = new RemoteAccess(options.xauthTimeout ?? 60);
    this.ted = new TedDiscovery(options.tedRetransmit);
  }

  // ================================================================ public API

  receive(datagram: IkeDatagram, now: number): IkeAction[] {
    this.begin(now, true);
    try {
      this.handleDatagram(datagram);
    } catch (e) {
      // Peer input never crashes the manager (DESIGN.md principle 4).
      this.drop(0, datagram.srcAddress, e instanceof Error ? `internal: ${e.message}` : 'internal error');
    }
    return this.finish();
  }

  acquire(request: AcquireRequest, now: number): IkeAction[] {
    this.begin(now, true);
    this.guard(request.peer ?? '-', () => this.doAcquire(request, []));
    return this.finish();
  }

  /**
   * Interesting traffic of a `discover` dynamic map entry (no peer): probe its destination
   * for the gateway that protects it, then negotiate with that gateway (TED, ted.ts).
   */
  discover(request: DiscoverRequest, now: number): IkeAction[] {
    this.begin(now, true);
    this.guard(request.destination, () => {
      const sets = transformSetsOf(this.opts.config, request.cryptoMapEntry);
      this.ted.discover(request, sets[0] ? transformText(sets[0]) : '', this.tedHost(), now);
    });
    return this.finish();
  }

  tick(now: number): IkeAction[] {
    this.begin(now, true);
    this.guard('-', () => this.runTimers());
    return this.finish();
  }

  /**
   * The data plane carried traffic on an IPsec SA with `peer` (on-demand DPD, RFC 3706 §5.5,
   * needs to know when a peer last answered). Cheap enough to call for every packet; true when
   * it made the next deadline earlier.
   */
  trafficSeen(peer: string, direction: 'inbound' | 'outbound', now: number): boolean {
    // Traffic of a peer we hold no IKE SA with has nothing to probe (dpd.ts forgets it too).
    if (!this.sasByPeer.has(peer)) return false;
    const earlier = this.dpd.trafficSeen(peer, direction, now);
    if (earlier) this.touchPeer(peer);
    return earlier;
  }

  /** An engine bug must not take the daemon down with it: report it as a drop and go on. */
  private guard(peer: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      this.drop(0, peer, e instanceof Error ? `internal: ${e.message}` : 'internal error');
    }
  }

  nextDeadline(): number | undefined {
    this.refreshDeadlines();
    const t = Math.min(
      this.ted.nextDeadline(),
      this.saDeadlines.peek(),
      this.installedDeadlines.peek(),
      this.remoteAccess.nextDeadline(),
    );
    return Number.isFinite(t) ? t : undefined;
  }

  /** Brings the heaps up to date with what the last calls touched. */
  private refreshDeadlines(): void {
    if (this.rescanAll) {
      this.rescanAll = false;
      this.saDeadlines.clear();
      this.installedDeadlines.clear();
      for (const sa of this.sas.values()) this.saDeadlines.set(sa, this.saDeadline(sa));
      for (const i of this.installed) this.installedDeadlines.set(i, installedDeadline(i));
    } else {
      for (const sa of this.touched)
        if (this.sas.get(sa.connId) === sa) this.saDeadlines.set(sa, this.saDeadline(sa));
        else this.saDeadlines.delete(sa);
      for (const i of this.touchedInstalled) this.installedDeadlines.set(i, installedDeadline(i));
    }
    this.touched.clear();
    this.touchedInstalled.clear();
  }

  /** The IKE SAs with `peer`, oldest first. */
  private peerSas(peer: string): IkeSa[] {
    const set = this.sasByPeer.get(peer);
    return set === undefined ? [] : [...set];
  }

  /** The installed IPsec SAs with `peer`, oldest first. */
  private peerInstalled(peer: string): InstalledSa[] {
    const set = this.installedByPeer.get(peer);
    return set === undefined ? [] : [...set];
  }

  /** Every SA of the peer may have a new deadline (DPD probes the newest one). */
  private touchPeer(peer: string): void {
    for (const sa of this.sasByPeer.get(peer) ?? []) this.touched.add(sa);
  }

  /** The earliest time `runTimers` has something to do for this SA. */
  private saDeadline(sa: IkeSa): number {
    let t = Number.POSITIVE_INFINITY;
    const tm = this.taskManagers.get(sa.connId);
    if (tm) {
      t = Math.min(t, tm.nextRetransmitAt());
      for (const n of tm.quickModes())
        if (n.doneAt !== undefined) t = Math.min(t, n.doneAt + this.purgeAfter);
    }
    if (!sa.authenticated && sa.role === 'responder') t = Math.min(t, sa.createdAt + this.halfOpenMaxAge);
    t = Math.min(t, sa.expiresAt, sa.keepaliveAt);
    if (sa.role === 'initiator' && sa.authenticated && !sa.rekeyStarted) t = Math.min(t, sa.softAt);
    // Alone in the list, the SA counts as its peer's newest: DPD's deadline can only be early.
    return Math.min(t, this.dpd.nextDeadline([sa]), this.ikeRekey.nextDeadline([sa]));
  }

  /** `clear crypto sa [peer A]`: deletes IPsec SAs and tells the peer. */
  clearIpsec(filter: ClearFilter = {}, now = this.now): IkeAction[] {
    this.begin(now);
    for (const i of filter.peer ? this.peerInstalled(filter.peer) : [...this.installed]) {
      if (
        filter.spi !== undefined &&
        !i.pairs.some((p) => p.inbound.spi === filter.spi || p.outbound.spi === filter.spi)
      )
        continue;
      if (filter.connId !== undefined && i.connId !== filter.connId) continue;
      this.removeInstalled(i, 'cleared', true);
    }
    return this.finish();
  }

  /** `clear crypto isakmp [conn-id]`: deletes IKE SAs and tells the peer. */
  clearIsakmp(filter: ClearFilter = {}, now = this.now): IkeAction[] {
    this.begin(now);
    if (filter.peer === undefined && filter.connId === undefined) this.ted.clear();
    for (const sa of [...this.sas.values()]) {
      if (filter.peer && sa.peerAddress !== filter.peer) continue;
      if (filter.connId !== undefined && sa.connId !== filter.connId) continue;
      this.clearChildren(sa);
      this.deleteSa(sa, 'cleared', true);
    }
    return this.finish();
  }

  /** The data plane reached a soft (volume) limit on an SA: rekey it now. */
  rekeyRequest(spi: number, now = this.now): IkeAction[] {
    this.begin(now);
    const i = this.installedBySpi.get(spi >>> 0);
    if (i && !i.rekeyed && i.removeAt === undefined) this.rekeyIpsec(i);
    return this.finish();
  }

  /**
   * The data plane dropped ESP/AH from `peer` for an SPI it does not hold (IOS
   * `invalid-spi-recovery`). A quick mode of ours waiting for message 3 on that SPI lost it:
   * the initiator is already sending, so we withdraw what we offered. Otherwise the peer is
   * told with a rate-limited INVALID-SPI notify, over a new IKE SA if it has none with us.
   */
  invalidSpi(peer: string, spi: number, protocol: 'esp' | 'ah', now = this.now): IkeAction[] {
    this.begin(now);
    this.guard(peer, () => this.reportInvalidSpi(peer, spi >>> 0, protocol));
    return this.finish();
  }

  /**
   * Key pairs re-read from the key store (a reload): new negotiations sign and decrypt with
   * these; SAs already up keep what they negotiated. Takes effect with the next reconfigure.
   */
  useKeys(keys: {
    readonly signingKeys: ReadonlyMap<string, KeyObject>;
    readonly decryptionKeys: readonly KeyObject[];
  }): void {
    this.opts = {
      ...this.opts,
      ...(this.opts.pki ? { pki: { ...this.opts.pki, signingKeys: keys.signingKeys } } : {}),
      decryptionKeys: keys.decryptionKeys,
    };
  }

  /**
   * A reloaded configuration: new negotiations use `config`; IPsec SAs whose crypto-map entry
   * is gone and IKE SAs with a peer no entry names any more are deleted, with a DELETE to the
   * peer (RFC 2408 §4.8). Everything else carries on untouched.
   */
  reconfigure(config: IkeManagerOptions['config'], now: number): IkeAction[] {
    this.begin(now);
    this.opts = { ...this.opts, config };
    this.domainName = this.opts.domainName ?? config.domainName;
    this.trust = trustStore(config, this.opts.pki?.signingKeys ?? new Map());
    this.pubkeys = pubkeyChain(config);
    this.dpd.configure(config.isakmp.keepalive);
    const dynamicMaps = config.cryptoMaps.filter((e) => e.kind === 'dynamic');
    const entryKept = (i: InstalledSa): boolean =>
      i.entry === undefined ||
      config.cryptoMaps.some(
        (e) =>
          e.map === i.entry?.map &&
          e.seq === i.entry.seq &&
          e.kind === 'ipsec-isakmp' &&
          e.peers.includes(i.peer),
      ) ||
      dynamicMaps.some(
        (e) =>
          e.map === i.entry?.map &&
          config.dynamicMaps.some((d) => d.name === e.dynamicMap && d.seq === i.entry?.seq),
      );
    for (const i of [...this.installed])
      if (!entryKept(i)) this.removeInstalled(i, 'configuration reloaded', true);
    const peerKept = (peer: string): boolean =>
      dynamicMaps.length > 0 || config.cryptoMaps.some((e) => e.peers.includes(peer));
    for (const sa of [...this.sas.values()])
      if (!peerKept(sa.peerAddress)) this.deleteSa(sa, 'configuration reloaded', true);
    return this.finish();
  }

  /**
   * For `--keylog` only (Wireshark's ikev1_decryption_table: "<CKY-I hex>,<Ka hex>"): the IKE
   * SA's encryption key. Never put in events.
   */
  exportIkeKeys(
    connId: number,
  ): { initiatorCookie: string; responderCookie: string; encryptionKey: string } | undefined {
    const sa = this.sas.get(connId);
    if (!sa?.encKey) return undefined;
    return { initiatorCookie: hex(sa.ckyI), responderCookie: hex(sa.ckyR), encryptionKey: hex(sa.encKey) };
  }

  /** `show crypto isakmp sa`; `now` (optional) sets the clock for remaining lifetimes. */
  /** Peers' keys taken from validated certificates (`show crypto key pubkey-chain rsa`, code C). */
  certifiedKeys(): CertifiedKey[] {
    return this.certified.list();
  }

  listIkeSas(now?: number): IkeSaInfo[] {
    if (now !== undefined) this.now = Math.max(this.now, now);
    return [...this.sas.values()].map((sa) => ({
      dst: sa.peerAddress,
      src: sa.localAddress,
      state: sa.isakmp,
      connId: sa.connId,
      slot: 0,
      role: sa.role,
      exchange: sa.exchange,
      initiatorCookie: hex(sa.ckyI),
      responderCookie: hex(sa.ckyR),
      localPort: sa.localPort,
      peerPort: sa.peerPort,
      natT: sa.floated,
      lifetimeRemaining: Number.isFinite(sa.expiresAt) ? Math.max(0, Math.round(sa.expiresAt - this.now)) : 0,
      ...(sa.policy
        ? {
            encryption: sa.policy.encryption,
            hash: sa.policy.hash,
            authentication: sa.policy.authentication,
            group: sa.policy.group,
          }
        : {}),
      ...(sa.peerId !== undefined ? { peerId: sa.peerId } : {}),
      ...(sa.establishedAt !== undefined ? { establishedAt: sa.establishedAt } : {}),
      ...this.remoteAccess.clientView(sa),
      ...(sa.role === 'initiator' && sa.authenticated && !sa.rekeyStarted && Number.isFinite(sa.softAt)
        ? { rekeyAt: sa.softAt }
        : {}),
    }));
  }

  /** `show crypto ipsec sa`. */
  listIpsecSas(now?: number): IpsecSaInfo[] {
    if (now !== undefined) this.now = Math.max(this.now, now);
    return [...this.installed].map((i) => {
      const first = i.pairs[0]?.outbound;
      return {
        connId: i.connId,
        peer: i.peer,
        local: i.local,
        selector: i.selector,
        ...(i.entry ? { cryptoMap: i.entry.map } : {}),
        ...(first?.transformSet ? { transformSet: first.transformSet } : {}),
        transform: this.transformOfPairs(i.pairs),
        pairs: i.pairs,
        createdAt: i.createdAt,
        expiresAt: i.expiresAt,
        ...(!i.rekeyed && Number.isFinite(i.softAt) ? { rekeyAt: i.softAt } : {}),
        remainingSeconds: Math.max(0, Math.round(i.expiresAt - this.now)),
        ...(first?.pfsGroup !== undefined ? { pfsGroup: first.pfsGroup } : {}),
        udpEncapsulated: first?.udpEncapsulation !== undefined,
      };
    });
  }

  // ================================================================ plumbing

  private begin(now: number, incremental = false): void {
    this.now = now;
    this.out = [];
    if (!incremental) this.rescanAll = true;
  }
  private finish(): IkeAction[] {
    const o = this.out;
    this.out = [];
    return o;
  }
  private emit = (event: IkeEvent): void => {
    this.out.push({ kind: 'event', event });
  };
  private drop(connId: number, peer: string, reason: string): void {
    this.counters.drops++;
    this.emit({ type: 'drop', connId, peer, reason });
  }

  private randomU32(): number {
    return new Reader(this.opts.rng.randomBytes(4)).u32();
  }

  private allocateSpi = (): number => {
    for (let i = 0; i < 64; i++) {
      const spi = this.randomU32();
      if (spi >= 256 && !this.spisInUse.has(spi)) {
        this.spisInUse.add(spi);
        return spi;
      }
    }
    throw new Error('no free SPI');
  };

  private phase1Ctx(): Phase1Context {
    return {
      config: this.opts.config,
      rng: this.opts.rng,
      now: this.now,
      forceEncapsulation: this.opts.forceEncapsulation ?? false,
      sendVendorIds: this.opts.sendVendorIds ?? true,
      natT: this.opts.natT ?? 'rfc-and-drafts',
      ...(this.domainName !== undefined ? { domainName: this.domainName } : {}),
      ...(this.opts.pki
        ? { sig: { points: this.trust, pki: this.opts.pki, certified: this.certified, emit: this.emit } }
        : {}),
      ...(this.opts.remoteAccessClient
        ? {
            xauthClient: (peer: string) => this.opts.remoteAccessClient?.credentials(peer) !== undefined,
            groupIdentity: (peer: string) => this.groupFor(peer),
          }
        : {}),
      ...(this.opts.decryptionKeys?.length
        ? {
            encr: {
              peers: this.pubkeys,
              ownKeys: this.opts.decryptionKeys,
              certified: { keys: this.certified, now: this.opts.pki?.now ?? Date.now },
            },
          }
        : {}),
      emit: this.emit,
    };
  }

  private tedHost(): TedHost {
    return {
      config: this.opts.config,
      emit: this.emit,
      sendTransit: (d) => this.out.push({ kind: 'send', ...d, transit: true }),
      newConnId: () => this.nextConnId++,
      cookie: (local, peer) => this.initiatorCookie(local, peer),
      drop: (connId, peer, reason) => this.drop(connId, peer, reason),
      acquire: (request) => this.doAcquire(request, []),
    };
  }

  private informational(): Informational {
    return new Informational({
      now: this.now,
      emit: this.emit,
      drop: (connId, peer, reason) => this.drop(connId, peer, reason),
      deleteIkeSa: (sa, reason) => this.deleteSa(sa, reason, false),
      ikeSaByCookie: (cky) => this.byCookie.get(hex(cky)),
      ikeSasWithPeer: (peer) => this.peerSas(peer),
      removeIpsecByOutbound: (peer, protocol, spis, reason) => {
        for (const i of this.peerInstalled(peer))
          if (i.pairs.some((p) => p.outbound.protocol === protocol && spis.has(p.outbound.spi)))
            this.removeInstalled(i, reason, false);
      },
      dpdNotify: (sa, notifyType, data) => this.dpd.receive(sa, notifyType, data, this.dpdHost()),
      quickModesOf: (sa) => this.taskManagers.get(sa.connId)?.quickModes() ?? [],
      connected: (sa, node) => {
        const step = node.connected(this.qmCtx());
        if (step?.install) this.install(sa, node, step.install);
      },
      abortQuickMode: (sa, node, reason) => {
        this.emit({ type: 'nodeDeleted', connId: sa.connId, messageId: node.messageId, error: true, reason });
        this.acquireFailed(sa, node, reason);
        this.dropNode(sa, node);
      },
      peerInvalidSpi: (sa, protocol, spi) => this.peerInvalidSpi(sa, protocol, spi),
    });
  }

  private dpdHost(): DpdHost {
    return {
      now: this.now,
      emit: this.emit,
      drop: (connId, peer, reason) => this.drop(connId, peer, reason),
      sendInformational: (sa, payloads) => this.sendInformational(sa, payloads),
      randomU32: () => this.randomU32(),
      clearPeer: (dead, reason) => {
        // A negotiation the peer started after `dead` (it rebooted and is back) is spared.
        const peer = dead.peerAddress;
        const newer = new Set(
          this.peerSas(peer)
            .filter((s) => s.connId > dead.connId)
            .map((s) => s.connId),
        );
        // IPsec deletes first: they travel on the IKE SA deleted next.
        for (const i of this.peerInstalled(peer))
          if (!newer.has(i.connId)) this.removeInstalled(i, reason, true);
        for (const sa of this.peerSas(peer)) if (!newer.has(sa.connId)) this.deleteSa(sa, reason, true);
      },
    };
  }

  private ikeRekeyHost(): IkeRekeyHost {
    return {
      now: this.now,
      emit: this.emit,
      hasIpsecWith: (peer) => this.peerInstalled(peer).some((i) => i.removeAt === undefined),
      canInitiateTo: (peer) => entryForPeer(this.opts.config, peer) !== undefined,
      startPhase1: (peer, local) => this.startPhase1(peer, local),
      deleteSa: (sa, reason) => this.deleteSa(sa, reason, true),
    };
  }

  private qmCtx(): QuickModeContext {
    return {
      rng: this.opts.rng,
      now: this.now,
      emit: this.emit,
      allocateSpi: this.allocateSpi,
      findPolicy: (sa, selector) =>
        this.boundToAddress(sa, selector, findPhase2Policy(this.opts.config, sa.peerAddress, selector)),
      transformSetsOf: (entry) => transformSetsOf(this.opts.config, entry),
      lifetimeOf: (entry) => lifetimeOf(this.opts.config, entry),
    };
  }

  private transformOfPairs(pairs: readonly IpsecSaPair[]): string {
    const name = pairs[0]?.outbound.transformSet;
    const ts = this.opts.config.transformSets.find((t) => t.name === name);
    return ts ? transformText(ts) : '';
  }

  // ================================================================ sending

  /** Frames (and encrypts) a message, sends it, and arms retransmission for requests. */
  private send(
    sa: IkeSa,
    exchangeType: number,
    messageId: number,
    payloads: readonly Payload[],
    o: { encrypt?: boolean; commit?: boolean; expectReply?: boolean },
  ): Uint8Array {
    const header = {
      initiatorCookie: sa.ckyI,
      responderCookie: sa.ckyR,
      exchangeType,
      flags: { encryption: o.encrypt === true, commit: o.commit === true, authenticationOnly: false },
      messageId,
    };
    const data = o.encrypt
      ? encodeMessage({
          header: { ...header, nextPayload: payloads[0] ? payloadTypeOf(payloads[0]) : 0 },
          payloads: [],
          encrypted: sa.encrypt(messageId, encodePayloads(payloads).bytes),
        })
      : encodeMessage({ header, payloads });
    const names = payloadNames(payloads);
    this.emitPacket(sa, 'sent', exchangeType, messageId, names, false);
    this.sendToPeer(sa, data);
    if (o.expectReply)
      this.taskManagers.get(sa.connId)?.request(messageId, data, exchangeType, names, this.now);
    return data;
  }

  /** Queues a datagram from this IKE SA's local endpoint to its peer's. */
  private sendToPeer(sa: IkeSa, data: Uint8Array, natKeepalive = false): void {
    this.touched.add(sa);
    this.out.push({
      kind: 'send',
      srcAddress: sa.localAddress,
      srcPort: sa.localPort,
      dstAddress: sa.peerAddress,
      dstPort: sa.peerPort,
      data,
      ...(natKeepalive ? { natKeepalive } : {}),
    });
  }

  private emitPacket(
    sa: IkeSa,
    direction: 'sent' | 'received',
    exchangeType: number,
    messageId: number,
    payloads: readonly string[],
    retransmission: boolean,
  ): void {
    this.emit({
      type: 'packet',
      connId: sa.connId,
      direction,
      peer: sa.peerAddress,
      localPort: sa.localPort,
      peerPort: sa.peerPort,
      role: sa.roleLetter,
      state: sa.isakmp,
      exchange: exchangeName(exchangeType),
      messageId,
      payloads,
      ...(retransmission ? { retransmission } : {}),
    });
  }

  /**
   * Informational exchange: protected once phase 1 is up, clear before (RFC 2409 §5.7);
   * `phase-1 keys` protects it with the keys of a phase 1 still running (a refusal, RFC 2408 §4.8).
   */
  private sendInformational(
    sa: IkeSa,
    payloads: readonly Payload[],
    protection: RefusalDelivery | 'auto' = 'auto',
    detail?: string,
  ): void {
    const mid = sa.newMessageId(() => this.randomU32());
    const encrypt =
      protection === 'auto'
        ? sa.authenticated && sa.keys !== undefined && sa.lastPhase1Block !== undefined
        : protection !== 'clear' && sa.keys !== undefined && sa.encKey !== undefined;
    const body = encrypt ? protect(sa, mid, payloads) : [...payloads];
    this.send(sa, ExchangeType.INFORMATIONAL, mid, body, { encrypt });
    sa.phase2Ivs.delete(mid);
    for (const n of payloadsOfType(payloads, PayloadType.N)) {
      if (n.notifyType !== NotifyType.R_U_THERE && n.notifyType !== NotifyType.R_U_THERE_ACK)
        this.emit({
          type: 'notifySent',
          connId: sa.connId,
          notify: notifyName(n.notifyType),
          protocol: n.protocolId,
          ...(detail !== undefined ? { detail } : {}),
        });
    }
  }

  // ================================================================ receiving

  private handleDatagram(d: IkeDatagram): void {
    let msg: Message;
    try {
      msg = decodeDatagram(d.data);
    } catch (e) {
      this.drop(0, d.srcAddress, e instanceof DecodeError ? `malformed: ${e.message}` : 'malformed');
      return;
    }
    if (msg.exchangeType === ExchangeType.TED) {
      // In the clear and before any IKE SA (ted.ts); never an SA of the table.
      this.ted.receive(msg, d, this.tedHost());
      return;
    }
    let sa = this.byCookie.get(hex(msg.initiatorCookie));
    if (sa) this.touched.add(sa);
    if (sa && !isZero(msg.responderCookie) && !isZero(sa.ckyR) && hex(sa.ckyR) !== hex(msg.responderCookie)) {
      this.drop(sa.connId, d.srcAddress, 'responder cookie mismatch');
      return;
    }
    if (sa && sa.peerAddress !== d.srcAddress) {
      this.drop(sa.connId, d.srcAddress, `cookies belong to peer ${sa.peerAddress}`);
      return;
    }
    if (!sa) {
      const first =
        (msg.exchangeType === ExchangeType.ID_PROT || msg.exchangeType === ExchangeType.AGGRESSIVE) &&
        isZero(msg.responderCookie) &&
        !msg.flags.encryption;
      if (!first) {
        if (msg.exchangeType === ExchangeType.INFORMATIONAL && !msg.flags.encryption && msg.malformed)
          this.drop(0, d.srcAddress, `malformed informational: ${msg.malformed.message}`);
        else if (msg.exchangeType === ExchangeType.INFORMATIONAL && !msg.flags.encryption)
          this.informational().processClear(undefined, msg.payloads, d.srcAddress);
        else this.drop(0, d.srcAddress, 'no IKE SA for these cookies');
        return;
      }
      const created = this.newResponderSa(msg, d);
      if (!created) return;
      sa = created;
    }
    const fingerprint = fingerprintOf(d.data);
    const cached = this.taskManagers.get(sa.connId)?.duplicateOf(msg.messageId, fingerprint);
    if (cached) {
      this.counters.duplicates++;
      this.emit({
        type: 'duplicate',
        connId: sa.connId,
        messageId: msg.messageId,
        resent: cached.response !== undefined,
      });
      if (cached.response) {
        // A reply sent again is an IKE message sent like any other.
        this.emitPacket(sa, 'sent', msg.exchangeType, msg.messageId, ['(cached reply)'], true);
        this.sendToPeer(sa, cached.response);
      }
      return;
    }
    const receive = this.exchangeOf(msg.exchangeType);
    if (!receive) {
      this.drop(sa.connId, d.srcAddress, `exchange type ${msg.exchangeType} not supported`);
      return;
    }
    receive(sa, msg, d, fingerprint);
  }

  /**
   * The exchanges after phase 1 (RFC 2408 §3.1, RFC 2409 §5.5, §5.7), all received by
   * `exchangeReceive`. A new exchange (XAUTH's or Mode Config's transaction exchange) is its
   * task file and one registration: a line here, or `exchanges` in the options.
   */
  private readonly registrations: ReadonlyMap<number, ExchangeRegistration> = new Map([
    [ExchangeType.QUICK, QUICK_MODE_EXCHANGE],
    [
      ExchangeType.INFORMATIONAL,
      {
        name: 'informational',
        iv: 'fresh',
        hashed: true,
        responder: (sa, mid) => new InformationalExchange(sa, mid, this.informational()),
        clear: (sa, msg, d) => this.clearInformational(sa, msg, d),
      },
    ],
    [
      ExchangeType.TRANSACTION,
      transactionExchange((sa, request, mid) =>
        this.remoteAccess.respond(sa, request, this.remoteAccessHost(), mid),
      ),
    ],
  ]);

  /** The options' registrations come first (a test's own transaction task, say). */
  private registrationOf(exchangeType: number): ExchangeRegistration | undefined {
    return this.opts.exchanges?.get(exchangeType) ?? this.registrations.get(exchangeType);
  }

  /** The receive path of each exchange type (RFC 2408 §4.1, RFC 2409 §5). */
  private exchangeOf(exchangeType: number): ExchangeReceive | undefined {
    if (exchangeType === ExchangeType.ID_PROT || exchangeType === ExchangeType.AGGRESSIVE)
      return this.phase1Receive.bind(this);
    const reg = this.registrationOf(exchangeType);
    return reg && ((sa, msg, d, fingerprint) => this.exchangeReceive(reg, sa, msg, d, fingerprint));
  }

  /**
   * A task moved on with the peer's message: ours it answered is no longer retransmitted, the
   * SA follows the peer's endpoint, and our answer (if any) is sent and cached for the peer's
   * retransmissions of that message.
   */
  private answer(
    sa: IkeSa,
    msg: Message,
    d: IkeDatagram,
    fingerprint: string,
    step: ExchangeStep,
    o: { encrypt: boolean; float?: boolean },
  ): void {
    const tm = this.tasksOf(sa);
    tm.answered(msg.messageId);
    this.updateEndpoint(sa, d);
    let response: Uint8Array | undefined;
    if (step.send) {
      if (o.float && !sa.floated) {
        sa.localPort = NATT_PORT;
        sa.peerPort = NATT_PORT;
        sa.floated = true;
        this.emit({ type: 'float', connId: sa.connId, localPort: NATT_PORT, peerPort: NATT_PORT });
      }
      response = this.send(sa, msg.exchangeType, msg.messageId, step.send, {
        encrypt: o.encrypt,
        commit: step.commit === true,
        expectReply: step.expectReply === true,
      });
    }
    tm.remember(msg.messageId, fingerprint, response);
    step.after?.();
  }

  private halfOpenCount(source?: string): number {
    if (source === undefined) return this.halfOpen.size;
    let n = 0;
    for (const sa of this.sasByPeer.get(source) ?? []) if (this.halfOpen.has(sa)) n++;
    return n;
  }

  private newResponderSa(msg: Message, d: IkeDatagram): IkeSa | undefined {
    const max = this.opts.halfOpen?.max ?? 256;
    // One source may hold only a few half-open SAs, so a single host cannot fill the table
    // for everyone (strongSwan's block_threshold does the same).
    const perSource = this.opts.halfOpen?.perSource ?? 16;
    if (this.halfOpenCount(d.srcAddress) >= perSource && !this.evictHalfOpen(d.srcAddress)) {
      this.drop(0, d.srcAddress, `half-open limit ${perSource} per source reached`);
      return undefined;
    }
    if (this.halfOpenCount() >= max) {
      this.drop(0, d.srcAddress, `half-open limit ${max} reached`);
      return undefined;
    }
    const connId = this.nextConnId++;
    const sa = new IkeSa(
      connId,
      'responder',
      msg.exchangeType === ExchangeType.ID_PROT ? 'main' : 'aggressive',
      msg.initiatorCookie,
      d.dstAddress,
      d.dstPort,
      d.srcAddress,
      d.srcPort,
      this.now,
    );
    sa.ckyR = makeCookie(
      this.cookieSecret,
      ++this.cookieCounter,
      this.now,
      this.opts.rng,
      d.dstAddress,
      d.srcAddress,
      d.dstPort,
      d.srcPort,
    );
    this.emit({
      type: 'packet',
      connId: 0,
      direction: 'received',
      peer: d.srcAddress,
      localPort: d.dstPort,
      peerPort: d.srcPort,
      role: 'N',
      state: 'NEW SA',
      exchange: exchangeName(msg.exchangeType),
      messageId: 0,
      payloads: payloadNames(msg.payloads),
    });
    this.register(sa);
    return sa;
  }

  private register(sa: IkeSa): void {
    this.touched.add(sa);
    this.sas.set(sa.connId, sa);
    let peerSet = this.sasByPeer.get(sa.peerAddress);
    if (peerSet === undefined) this.sasByPeer.set(sa.peerAddress, (peerSet = new Set()));
    peerSet.add(sa);
    if (sa.role === 'responder') this.halfOpen.add(sa);
    this.byCookie.set(hex(sa.ckyI), sa);
    const tm = new TaskManager(this.retransmit);
    this.taskManagers.set(sa.connId, tm);
    this.task(sa);
  }

  /** The SA's task manager; only SAs in the table have one. */
  private tasksOf(sa: IkeSa): TaskManager {
    this.touched.add(sa);
    const tm = this.taskManagers.get(sa.connId);
    if (!tm) throw new Error(`no task manager for conn-id ${sa.connId}`);
    return tm;
  }

  /** The quick modes of every IKE SA with `peer`. */
  private peerQuickModes(peer: string): QuickMode[] {
    return this.peerSas(peer).flatMap((sa) => this.taskManagers.get(sa.connId)?.quickModes() ?? []);
  }

  private task(sa: IkeSa): MainMode | AggressiveMode {
    // Tasks hold a context with `now`: refresh it for each step.
    const t =
      sa.exchange === 'main' ? new MainMode(sa, this.phase1Ctx()) : new AggressiveMode(sa, this.phase1Ctx());
    this.tasksOf(sa).phase1 = t;
    return t;
  }

  /** Moves the SA to where a verified message came from (NAT-T: the peer's port may change). */
  private updateEndpoint(sa: IkeSa, d: IkeDatagram): void {
    if (d.dstPort === NATT_PORT && !sa.floated) {
      sa.floated = true;
      this.emit({ type: 'float', connId: sa.connId, localPort: d.dstPort, peerPort: d.srcPort });
    }
    sa.localPort = d.dstPort;
    sa.peerPort = d.srcPort;
    sa.lastHeardAt = this.now;
  }

  private phase1Receive(sa: IkeSa, msg: Message, d: IkeDatagram, fingerprint: string, dhDone = false): void {
    if ((msg.exchangeType === ExchangeType.ID_PROT) !== (sa.exchange === 'main') || msg.messageId !== 0) {
      this.drop(sa.connId, d.srcAddress, 'exchange type does not match the IKE SA');
      return;
    }
    if (sa.authenticated && sa.p1 === 'IKE_P1_COMPLETE') {
      this.drop(sa.connId, d.srcAddress, 'phase-1 message after phase 1 completed');
      return;
    }
    if (!dhDone && this.waitingDh.has(sa)) {
      this.drop(sa.connId, d.srcAddress, 'Diffie-Hellman computation in progress');
      return;
    }
    if (sa.role === 'initiator' && isZero(sa.ckyR) && !isZero(msg.responderCookie))
      sa.ckyR = msg.responderCookie.slice();
    const dh = dhDone ? undefined : this.phase1DhRequest(sa, msg);
    if (
      dh &&
      !this.runDh(
        sa,
        0,
        fingerprint,
        dh,
        (exchange) => {
          sa.dh?.wipe();
          if (exchange) sa.dh = exchange;
          else sa.dh = undefined;
        },
        () => this.phase1Receive(sa, msg, d, fingerprint, true),
      )
    )
      return;
    let payloads: readonly Payload[] = msg.payloads;
    let nextIv: Uint8Array | undefined;
    let keysDiffer = false;
    const stateBefore = sa.p1;
    const encrypted = msg.flags.encryption;
    if (sa.p1 !== 'IKE_READY')
      this.emitPacket(
        sa,
        'received',
        msg.exchangeType,
        0,
        encrypted ? ['encrypted'] : payloadNames(payloads),
        false,
      );
    let result: TaskResult | undefined;
    try {
      // RFC 2408 §5: a clear phase-1 message that does not decode is answered with the notify
      // the RFC names (INVALID-PAYLOAD-TYPE, PAYLOAD-MALFORMED, BAD-PROPOSAL-SYNTAX, ...).
      if (msg.malformed) throw new Phase1Failure(msg.malformed.notify, `malformed: ${msg.malformed.message}`);
      if (encrypted) {
        const dec = msg.encrypted ? sa.decrypt(0, msg.encrypted) : undefined;
        if (!dec) {
          this.drop(sa.connId, d.srcAddress, 'encrypted phase-1 message before keys, or bad length');
          return;
        }
        try {
          payloadLengths(msg.nextPayload, dec.plain);
        } catch {
          // Garbage after decryption: the keys differ, i.e. the pre-shared keys do not match.
          keysDiffer = true;
          this.emit({
            type: 'authFailed',
            connId: sa.connId,
            peer: sa.peerAddress,
            reason: 'message did not decrypt to valid payloads (wrong pre-shared key?)',
          });
          throw new Phase1Failure(NotifyType.AUTHENTICATION_FAILED, 'decryption failed');
        }
        // The chain walks, so the keys agree: a body that does not decode gets its own notify.
        payloads = decodeBody(msg.nextPayload, dec.plain).payloads;
        nextIv = dec.nextIv;
      }
      result = this.task(sa).process(payloads, encrypted);
    } catch (e) {
      if (e instanceof Phase1Pending) {
        this.drop(sa.connId, d.srcAddress, e.message);
        return;
      }
      const failed = phase1Failed(e);
      if (!failed) throw e;
      result = failed;
    }
    if (result?.status === 'failed') {
      const delivery = keysDiffer ? 'clear' : refusalDelivery(sa, stateBefore);
      // The protected refusal's IV starts where the refused message left the chain (App. B).
      if (delivery !== 'clear' && nextIv) sa.commitIv(0, nextIv);
      this.failPhase1(sa, result.notify, result.reason, delivery);
      return;
    }
    if (!result) {
      this.drop(sa.connId, d.srcAddress, `unexpected phase-1 message in ${sa.p1}`);
      return;
    }
    const step = result.step;
    if (nextIv) sa.commitIv(0, nextIv);
    this.answer(sa, msg, d, fingerprint, step, {
      encrypt: step.encrypt === true,
      float: step.float === true,
    });
    if (result.status === 'success') this.phase1Complete(sa, step.initialContact === true);
  }

  private failPhase1(sa: IkeSa, notify: number, reason: string, delivery: RefusalDelivery): void {
    this.sendInformational(sa, [notifyPayload(notify, ProtocolId.ISAKMP, cookiesSpi(sa))], delivery, reason);
    if (delivery === 'protected, then delete')
      this.sendInformational(sa, [deleteIsakmpPayload(sa)], delivery);
    this.deleteSa(sa, reason, false);
  }

  private phase1Complete(sa: IkeSa, initialContact: boolean): void {
    this.halfOpen.delete(sa);
    sa.wipePhase1Scratch();
    this.taskManagers.get(sa.connId)?.endPhase1();
    sa.lastPhase1Block = sa.iv?.slice();
    sa.packPhase1Keys();
    sa.establishedAt = this.now;
    const life = sa.policy?.lifetimeSeconds ?? 86400;
    sa.expiresAt = this.now + life;
    sa.softAt = this.now + life * this.softFraction();
    this.emit({ type: 'ikeSaCreated', connId: sa.connId, peer: sa.peerAddress, role: sa.role });
    if (initialContact) {
      // RFC 2407 §4.6.3.3: the peer has no state with us; what we hold for it is stale.
      for (const other of this.peerSas(sa.peerAddress))
        if (other !== sa && other.authenticated) this.deleteSa(other, 'INITIAL-CONTACT', false);
      for (const i of this.peerInstalled(sa.peerAddress))
        if (i.createdAt < sa.createdAt) this.removeInstalled(i, 'INITIAL-CONTACT', false);
    }
    // An IKE rekey: the older SA with this peer is replaced once the new one is up.
    for (const other of this.peerSas(sa.peerAddress)) {
      if (other !== sa && other.authenticated && other.rekeyStarted && sa.role === 'initiator') {
        this.ikeRekey.replaced(other, this.now);
        this.touched.add(other);
      }
    }
    const natKeepalive = this.opts.natKeepalive ?? 20;
    if (sa.floated && sa.localBehindNat && natKeepalive > 0) sa.keepaliveAt = this.now + natKeepalive;
    // With XAUTH or Mode Config to run, quick mode waits for them (remoteAccess.ts).
    const phase15 = this.remoteAccess.open(sa, this.opts.config, this.opts.remoteAccessClient, this.now);
    if (!phase15) this.phase15Done(sa);
    for (const r of this.invalidSpiQueue.get(sa.connId) ?? []) this.sendInvalidSpi(sa, r.protocol, r.spi);
    this.invalidSpiQueue.delete(sa.connId);
    transition(sa, this.emit, PHASE1_COMPLETE, 'IKE_P1_COMPLETE');
    if (phase15) this.remoteAccess.begin(sa, this.remoteAccessHost());
  }

  /** Quick modes asked for while phase 1 (and 1.5) ran may start now. */
  private phase15Done(sa: IkeSa): void {
    // A client's side of its tunnels is the address Mode Config gave it.
    const address = sa.role === 'initiator' ? this.remoteAccess.address(sa) : undefined;
    let queued = sa.queued.splice(0);
    // A gateway's split-include (Cisco Unity) names the remote networks: one proxy ID each.
    const split = sa.role === 'initiator' ? this.remoteAccess.splitRanges(sa) : [];
    const [template] = queued;
    if (template !== undefined && split.length > 0)
      queued = split.map((r) => ({
        ...template,
        selector: { ...template.selector, remoteStart: r.start, remoteEnd: r.end },
      }));
    for (const q of queued)
      this.doAcquire(
        address === undefined
          ? q
          : { ...q, selector: { ...q.selector, localStart: address, localEnd: address } },
        [],
        true,
      );
  }

  private remoteAccessHost(): RemoteAccessHost {
    return {
      now: this.now,
      config: this.opts.config,
      emit: this.emit,
      start: (sa, make) => this.openExchange(sa, ExchangeType.TRANSACTION, (_sa, mid) => make(mid)),
      deleteSa: (sa, reason) => this.deleteSa(sa, reason, true),
      verify: (sa, request, list, username, password) =>
        this.out.push({
          kind: 'xauthVerify',
          connId: sa.connId,
          peer: sa.peerAddress,
          request,
          list,
          username,
          password,
        }),
      lease: (pool, sa) =>
        this.opts.addressLeases?.lease(pool, sa.peerAddress) ?? { error: `no address pool ${pool} here` },
      ready: (sa) => this.phase15Done(sa),
    };
  }

  /**
   * The gateway's AAA verdict on the credentials of XAUTH request `request` (the
   * `xauthVerify` action): accepted, the status goes out; refused, the user is asked again or,
   * after the third try, told FAIL and the IKE SA deleted.
   */
  xauthResult(connId: number, request: number, outcome: XauthOutcome, now: number): IkeAction[] {
    this.begin(now);
    const sa = this.sas.get(connId);
    this.guard(sa?.peerAddress ?? '-', () => {
      if (sa && !sa.deleted) this.remoteAccess.xauthResult(sa, request, outcome, this.remoteAccessHost());
    });
    return this.finish();
  }

  /**
   * The result of a `dh` action (undefined: it was not run). The message that asked for it is
   * processed from where it stopped; its SA may be gone meanwhile, and the result with it.
   */
  dhResult(id: number, result: DhResult | undefined, now: number): IkeAction[] {
    this.begin(now, true);
    const p = this.pendingDh.get(id);
    this.pendingDh.delete(id);
    if (p === undefined || p.sa.deleted || this.sas.get(p.sa.connId) !== p.sa) {
      if (result?.ok) result.sharedSecret?.fill(0);
      return this.finish();
    }
    this.waitingDh.delete(p.sa);
    this.touched.add(p.sa);
    this.guard(p.sa.peerAddress, () => {
      if (result === undefined) {
        // Not run (the workers' queue is full): the peer's retransmission is processed anew.
        this.tasksOf(p.sa).forgetReply(p.messageId);
        p.request.privateValue.fill(0);
        this.drop(p.sa.connId, p.sa.peerAddress, 'Diffie-Hellman queue full');
        return;
      }
      p.apply(precomputedDh(p.request, result));
      p.resume();
    });
    return this.finish();
  }

  /**
   * Runs `request` for a message: inline (and goes on at once, true), or as a `dh` action the
   * message waits on (false). The message counts as seen meanwhile, so the peer's
   * retransmissions of it are duplicates.
   */
  private runDh(
    sa: IkeSa,
    messageId: number,
    fingerprint: string,
    request: DhRequest,
    apply: (dh: DhExchange | undefined) => void,
    resume: () => void,
  ): boolean {
    if (this.opts.dhOffload !== true) {
      apply(precomputedDh(request, computeDh(request)));
      return true;
    }
    const id = this.nextDhId++;
    this.pendingDh.set(id, { sa, messageId, request, apply, resume });
    this.waitingDh.add(sa);
    this.tasksOf(sa).remember(messageId, fingerprint);
    // The worker gets its own copy (structured clone); ours stays for the exchange.
    this.out.push({ kind: 'dh', id, request });
    return false;
  }

  /**
   * The exponentiations a main-mode message will need, ahead of its task (RFC 2409 §5): the
   * responder's g^xr and g^xy on message 3, the initiator's g^xi on message 2 (when every
   * policy offered has the one group) and g^xy on message 4. The private value is drawn where
   * the task would draw it, so the RNG's order is unchanged.
   */
  private phase1DhRequest(sa: IkeSa, msg: Message): DhRequest | undefined {
    if (sa.exchange !== 'main' || msg.flags.encryption || msg.malformed) return undefined;
    const ke = findPayload(msg.payloads, PayloadType.KE);
    const draw = (group: number): Uint8Array => this.opts.rng.randomBytes(dhPrivateLength(group));
    if (sa.role === 'responder') {
      const group = sa.policy?.group;
      if (sa.p1 !== 'IKE_R_MM2' || sa.dh || !ke || group === undefined || !dhSupported(group))
        return undefined;
      return { group, privateValue: draw(group), peerPublic: ke.data };
    }
    if (sa.p1 === 'IKE_I_MM1' && !sa.dh) {
      const groups = new Set(sa.offeredPolicies.map((p) => p.group));
      const [group] = groups;
      if (groups.size !== 1 || group === undefined || !dhSupported(group)) return undefined;
      return { group, privateValue: draw(group) };
    }
    if (sa.p1 === 'IKE_I_MM3' && sa.dh instanceof PrecomputedDh && !sa.dh.hasSecret && ke)
      return { group: sa.dh.group, privateValue: sa.dh.privateValue.slice(), peerPublic: ke.data };
    return undefined;
  }

  /**
   * A dynamic map with no ACL takes the client's proxy IDs as offered; a client given an
   * address by Mode Config may only offer that address as its side (the binding).
   */
  private boundToAddress(
    sa: IkeSa,
    selector: TrafficSelector,
    found: ReturnType<typeof findPhase2Policy>,
  ): ReturnType<typeof findPhase2Policy> {
    const address = sa.role === 'responder' ? this.remoteAccess.address(sa) : undefined;
    if (address === undefined || !('entry' in found) || found.entry.matchAddress !== undefined) return found;
    if (selector.remoteStart === address && selector.remoteEnd === address) return found;
    const theirs = `${proxyIdText(selector.localStart, selector.localEnd, selector.protocol, selector.localPortStart, selector.localPortEnd)} <-> ${proxyIdText(selector.remoteStart, selector.remoteEnd, selector.protocol, selector.remotePortStart, selector.remotePortEnd)}`;
    return {
      error: `${theirs} not permitted: the client was given ${address} by Mode Config`,
      theirs,
      ours: `crypto map ${found.entry.map} dynamic entry ${found.entry.seq}: only ${address}, the client's Mode Config address`,
    };
  }

  /**
   * An exchange after phase 1, keyed by its message ID: the task for it (ours, or a new one
   * for the peer's), the IV its registration says (RFC 2409 App. B), HASH(1) checked when the
   * exchange is hashed, and only then the task's step.
   */
  private exchangeReceive(
    reg: ExchangeRegistration,
    sa: IkeSa,
    msg: Message,
    d: IkeDatagram,
    fingerprint: string,
  ): void {
    const name = reg.name;
    if (!msg.flags.encryption && reg.clear) {
      reg.clear(sa, msg, d);
      return;
    }
    if (
      msg.exchangeType === ExchangeType.INFORMATIONAL &&
      sa.p1 !== 'IKE_P1_COMPLETE' &&
      sa.keys !== undefined &&
      msg.flags.encryption &&
      msg.encrypted &&
      msg.messageId !== 0
    ) {
      this.phase1Informational(sa, msg, d);
      return;
    }
    if (
      !sa.authenticated ||
      sa.p1 !== 'IKE_P1_COMPLETE' ||
      sa.lastPhase1Block === undefined ||
      !msg.flags.encryption ||
      !msg.encrypted ||
      (msg.messageId === 0 && reg.iv === 'chain')
    ) {
      this.drop(sa.connId, d.srcAddress, `${name} before phase 1, unencrypted, or message ID 0`);
      return;
    }
    if (msg.exchangeType === ExchangeType.QUICK && !this.remoteAccess.allowsQuickMode(sa)) {
      this.drop(sa.connId, d.srcAddress, 'quick mode before XAUTH and Mode Config completed');
      return;
    }
    const tm = this.tasksOf(sa);
    // A one-message exchange has no task to find: its message ID may be a quick mode's.
    let task = reg.iv === 'chain' ? tm.exchange(msg.messageId, msg.exchangeType) : undefined;
    let fresh = false;
    if (task?.finished) {
      // The responder's last message was the peer's: anything new for this message ID is a replay.
      this.counters.replayedQm1++;
      this.drop(sa.connId, d.srcAddress, `replayed ${name} message ID ${msg.messageId} (${name} complete)`);
      return;
    }
    if (!task) {
      if (reg.iv === 'chain' && sa.usedMessageIds.has(msg.messageId)) {
        // RFC 2409 §5.5: QM3 proves liveness; a replayed first message is not processed again.
        this.counters.replayedQm1++;
        this.drop(sa.connId, d.srcAddress, `replayed ${name} message ID ${msg.messageId}`);
        return;
      }
      if (reg.iv === 'chain' && tm.exchangeCount >= MAX_NODES_PER_SA) {
        this.drop(sa.connId, d.srcAddress, `too many concurrent ${name}s`);
        return;
      }
      task = reg.responder(sa, msg.messageId);
      fresh = true;
    }
    // A one-message exchange always starts from the last phase-1 block, never from a quick
    // mode's chain that may share the message ID.
    const dec = sa.decrypt(msg.messageId, msg.encrypted, reg.iv === 'fresh');
    if (!dec) {
      this.drop(sa.connId, d.srcAddress, `${name} ciphertext length`);
      return;
    }
    let payloads: Payload[] | undefined;
    if (reg.hashed) {
      try {
        payloads = verifyProtected(sa, msg.messageId, msg.nextPayload, dec.plain);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw e;
        // Not answered: an informational is never answered with one (RFC 2408 §5).
        this.drop(sa.connId, d.srcAddress, `${name}: ${e.message}`);
        return;
      }
      if (!payloads) {
        this.drop(sa.connId, d.srcAddress, `${name} HASH invalid`);
        return;
      }
      // Authentic: the peer's retransmission is recognised, and answers go where it is now.
      this.tasksOf(sa).remember(msg.messageId, fingerprint);
      this.updateEndpoint(sa, d);
    }
    // A responder's PFS exponentiations (RFC 2409 §5.5) run before its task, as phase 1's do,
    // and only for a message whose HASH(1) verifies (quick mode's HASH(1) is computed as an
    // informational's: prf(SKEYID_a, M-ID | the payloads after it), §5.5 and §5.7).
    const node = task;
    const pfs =
      fresh && node instanceof QuickMode && node.role === 'responder'
        ? this.quickModePfs(sa, msg, dec.plain)
        : undefined;
    const proceed = (): void => this.exchangeStep(reg, sa, msg, d, fingerprint, node, fresh, dec, payloads);
    if (pfs && node instanceof QuickMode && dhSupported(pfs.group)) {
      const request = {
        group: pfs.group,
        privateValue: this.opts.rng.randomBytes(dhPrivateLength(pfs.group)),
        peerPublic: pfs.ke,
      };
      if (!this.runDh(sa, msg.messageId, fingerprint, request, (ex) => node.computedAhead(ex), proceed))
        return;
    }
    proceed();
  }

  private quickModePfs(sa: IkeSa, msg: Message, plain: Uint8Array): ReturnType<typeof offeredPfs> {
    try {
      const verified = verifyProtected(sa, msg.messageId, msg.nextPayload, plain);
      return verified ? offeredPfs(verified) : undefined;
    } catch (e) {
      // The task finds and answers what is wrong with it.
      if (e instanceof DecodeError) return undefined;
      throw e;
    }
  }

  /** The rest of `exchangeReceive`, once what the message needs computed is there. */
  private exchangeStep(
    reg: ExchangeRegistration,
    sa: IkeSa,
    msg: Message,
    d: IkeDatagram,
    fingerprint: string,
    task: ExchangeTask,
    fresh: boolean,
    dec: { plain: Uint8Array; nextIv: Uint8Array },
    payloads: Payload[] | undefined,
  ): void {
    const name = reg.name;
    const tm = this.tasksOf(sa);
    const names = payloads ? ['HASH', ...payloadNames(payloads)] : ['encrypted'];
    this.emitPacket(sa, 'received', msg.exchangeType, msg.messageId, names, false);
    const result = task.receive(this.qmCtx(), {
      plain: dec.plain,
      firstPayload: msg.nextPayload,
      commit: msg.flags.commit,
      ...(payloads ? { payloads } : {}),
    });
    if (sa.deleted) return;
    if (result?.status === 'failed') {
      // Unverifiable input (bad HASH, garbage after decryption, a late message for a
      // responder) is dropped; a verified message we cannot accept gets an error notify and
      // ends its exchange.
      if (!result.verified || (!fresh && task.role === 'responder')) {
        this.drop(sa.connId, d.srcAddress, `${name} ${msg.messageId}: ${result.reason}`);
        return;
      }
      sa.usedMessageIds.add(msg.messageId);
      sa.commitIv(msg.messageId, dec.nextIv);
      if (task instanceof QuickMode) this.failNode(sa, task, result.notify, result.reason);
      else this.endExchange(sa, task.messageId);
      return;
    }
    if (!result) {
      this.drop(sa.connId, d.srcAddress, `unexpected ${name} message in ${stateOf(task)}`);
      return;
    }
    const step = result.step;
    if (reg.iv === 'fresh') {
      // A one-message exchange (informational): nothing is answered under its message ID,
      // which may be a quick mode's; that exchange's retransmissions and IVs stay as they are.
      step.after?.();
      return;
    }
    if (fresh && (result.status === 'needMore' || reg.keepsFinished)) tm.addExchange(task, msg.exchangeType);
    if (fresh) sa.usedMessageIds.add(msg.messageId);
    sa.commitIv(msg.messageId, dec.nextIv);
    this.answer(sa, msg, d, fingerprint, step, { encrypt: true });
    if (result.status === 'success' && !reg.keepsFinished) this.endExchange(sa, task.messageId, true);
    if (step.install && task instanceof QuickMode) this.install(sa, task, step.install);
    if (task instanceof QuickMode && task.pairs)
      wipeInstalledQuickMode(task, this.installedPairs.has(task.pairs));
    if (step.sendConnected && task instanceof QuickMode) {
      const spi = task.pairs?.[0]?.inbound.spi ?? 0;
      this.sendInformational(sa, [notifyPayload(CONNECTED, ProtocolId.ESP, spiBytes(spi))]);
    }
  }

  /**
   * Starts an exchange of ours on an established IKE SA, under a new message ID: its first
   * message is sent (and retransmitted until answered), the rest runs on `exchangeReceive`.
   */
  startExchange(
    connId: number,
    exchangeType: number,
    make: (sa: IkeSa, messageId: number) => InitiatorTask,
    now: number,
  ): IkeAction[] {
    this.begin(now);
    const sa = this.sas.get(connId);
    if (sa) this.openExchange(sa, exchangeType, make);
    return this.finish();
  }

  private openExchange(
    sa: IkeSa,
    exchangeType: number,
    make: (sa: IkeSa, messageId: number) => InitiatorTask,
  ): void {
    if (!sa.deleted && sa.p1 === 'IKE_P1_COMPLETE' && this.registrationOf(exchangeType)) {
      const task = make(
        sa,
        sa.newMessageId(() => this.randomU32()),
      );
      const result = task.begin(this.qmCtx());
      if (result.status !== 'failed') {
        if (result.status === 'needMore') this.tasksOf(sa).addExchange(task, exchangeType);
        const step = result.step;
        this.send(sa, exchangeType, task.messageId, step.send ?? [], {
          encrypt: true,
          commit: step.commit === true,
          expectReply: step.expectReply !== false && result.status === 'needMore',
        });
        step.after?.();
      }
    }
  }

  /** A task that is not a quick mode ends: its message ID's state goes with it. */
  private endExchange(sa: IkeSa, messageId: number, keepReply = false): void {
    const tm = this.tasksOf(sa);
    tm.removeExchange(messageId);
    tm.answered(messageId);
    sa.phase2Ivs.delete(messageId);
    if (!keepReply) tm.forgetReply(messageId);
  }

  private failNode(sa: IkeSa, node: QuickMode, notify: number, reason: string): void {
    node.failed = true;
    this.emit({ type: 'nodeDeleted', connId: sa.connId, messageId: node.messageId, error: true, reason });
    this.acquireFailed(sa, node, reason);
    const spi = node.ourSpis[0];
    this.sendInformational(
      sa,
      [notifyPayload(notify, ProtocolId.ESP, spi !== undefined ? spiBytes(spi) : new Uint8Array(0))],
      'auto',
      reason,
    );
    this.dropNode(sa, node);
  }

  private dropNode(sa: IkeSa, node: QuickMode): void {
    // After its IKE SA was deleted the SA's task manager is gone, and with it the node.
    this.touched.add(sa);
    const tm = this.taskManagers.get(sa.connId);
    tm?.removeExchange(node.messageId);
    tm?.answered(node.messageId);
    sa.phase2Ivs.delete(node.messageId);
    tm?.forgetReply(node.messageId);
    if (!node.pairs || !this.installedPairs.has(node.pairs))
      for (const s of node.ourSpis) this.spisInUse.delete(s);
  }

  /**
   * A protected informational while phase 1 still runs: the peer refused with the keys both
   * hold (RFC 2408 §4.8). Its IV starts from the phase-1 chain (App. B); once HASH(1) verifies,
   * an error notify or a DELETE of this SA ends the negotiation.
   */
  private phase1Informational(sa: IkeSa, msg: Message, d: IkeDatagram): void {
    const dec = msg.encrypted ? sa.decrypt(msg.messageId, msg.encrypted, true) : undefined;
    let payloads: Payload[] | undefined;
    try {
      payloads = dec ? verifyProtected(sa, msg.messageId, msg.nextPayload, dec.plain) : undefined;
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
    }
    if (!payloads) {
      this.drop(sa.connId, d.srcAddress, 'informational during phase 1: HASH invalid or undecodable');
      return;
    }
    this.emitPacket(
      sa,
      'received',
      msg.exchangeType,
      msg.messageId,
      ['HASH', ...payloadNames(payloads)],
      false,
    );
    this.informational().processDuringPhase1(sa, payloads);
  }

  /** A clear informational on an IKE SA: reported, never acted on once authenticated (RFC 2408 §5.15). */
  private clearInformational(sa: IkeSa, msg: Message, d: IkeDatagram): void {
    if (msg.malformed) {
      this.drop(sa.connId, d.srcAddress, `malformed informational: ${msg.malformed.message}`);
      return;
    }
    this.emitPacket(
      sa,
      'received',
      ExchangeType.INFORMATIONAL,
      msg.messageId,
      payloadNames(msg.payloads),
      false,
    );
    this.informational().processClear(sa, msg.payloads, d.srcAddress);
  }

  // ================================================================ acquire, quick mode, install

  private doAcquire(acquired: AcquireRequest, replaces: number[], replay = false): void {
    const byAcl =
      acquired.cryptoMapEntry === undefined && acquired.peer === undefined
        ? entryForSelector(this.opts.config, acquired.selector)
        : undefined;
    const peer = acquired.peer ?? acquired.cryptoMapEntry?.peers[0] ?? byAcl?.peers[0];
    // A remote-access client's side is the address Mode Config gave it (remoteAccess.ts).
    const req =
      peer === undefined
        ? acquired
        : { ...acquired, selector: this.remoteAccess.clientProxyId(this.peerSas(peer), acquired.selector) };
    const entry =
      req.cryptoMapEntry ?? byAcl ?? (peer !== undefined ? entryForPeer(this.opts.config, peer) : undefined);
    if (peer === undefined || !entry) {
      this.drop(0, peer ?? '-', 'acquire without a peer or crypto map entry');
      return;
    }
    const local = req.localAddress ?? localAddressFor(this.opts.config, entry, this.opts.localAddresses);
    const life = lifetimeOf(this.opts.config, entry);
    const sets = transformSetsOf(this.opts.config, entry);
    if (!replay)
      this.emit({
        type: 'saRequest',
        local,
        remote: peer,
        selector: req.selector,
        transform: sets[0] ? transformText(sets[0]) : '',
        lifetimeSeconds: life.seconds,
        lifetimeKilobytes: life.kilobytes,
        spi: 0,
      });
    for (const n of this.peerQuickModes(peer)) {
      if (
        n.role === 'initiator' &&
        n.state === 'IKE_QM_I_QM1' &&
        n.selector &&
        selectorsEqual(n.selector, req.selector)
      )
        return;
    }
    let replacing = replaces;
    const held =
      replaces.length === 0
        ? this.peerInstalled(peer).find(
            (i) => i.removeAt === undefined && !i.rekeyed && selectorsEqual(i.selector, req.selector),
          )
        : undefined;
    if (held) {
      // The data plane asks only when it has no SA for this traffic: ours is gone there (hard
      // volume limit, or removed behind our back). Replace it instead of sending nothing.
      held.rekeyed = true;
      this.touchedInstalled.add(held);
      this.emit({ type: 'rekey', connId: held.connId, what: 'ipsec', spi: held.pairs[0]?.inbound.spi ?? 0 });
      replacing = held.pairs.map((p) => p.inbound.spi);
    }
    const ready = this.peerSas(peer).filter(
      (s) =>
        s.authenticated &&
        s.p1 === 'IKE_P1_COMPLETE' &&
        !s.deleted &&
        !s.superseded &&
        s.expiresAt > this.now + EXPIRING_MARGIN,
    );
    const sa = ready.filter((s) => this.remoteAccess.allowsQuickMode(s)).pop();
    if (sa) {
      this.startQuickMode(sa, entry, req.selector, replacing);
      return;
    }
    const inPhase15 = ready[ready.length - 1];
    if (inPhase15) {
      // XAUTH or Mode Config still running: quick mode starts when they are done.
      if (!inPhase15.queued.some((q) => selectorsEqual(q.selector, req.selector)))
        inPhase15.queued.push({
          ...req,
          peer,
          cryptoMapEntry: entry,
          localAddress: req.localAddress ?? local,
        });
      return;
    }
    // Only a phase 1 we started may carry the request: a half-open responder SA may be a
    // spoofed or replayed message 1 that never completes.
    const inProgress = this.peerSas(peer).find(
      (s) => s.role === 'initiator' && !s.authenticated && !s.deleted,
    );
    const queued = { ...req, peer, cryptoMapEntry: entry, localAddress: local };
    if (inProgress) {
      if (!inProgress.queued.some((q) => selectorsEqual(q.selector, req.selector)))
        inProgress.queued.push(queued);
      return;
    }
    const created = this.startPhase1(peer, local);
    created.queued.push(queued);
  }

  private useAggressive(peer: string): boolean {
    const a = this.opts.aggressiveMode;
    return a === true || (Array.isArray(a) && a.includes(peer)) || this.groupFor(peer) !== undefined;
  }

  /** As a remote-access client of `peer` with a group name: our ID_KEY_ID identity. */
  private groupFor(peer: string): string | undefined {
    const client = this.opts.remoteAccessClient;
    return client?.group !== undefined && client.credentials(peer) !== undefined ? client.group : undefined;
  }

  private initiatorCookie(local: string, peer: string): Uint8Array {
    return makeCookie(
      this.cookieSecret,
      ++this.cookieCounter,
      this.now,
      this.opts.rng,
      local,
      peer,
      IKE_PORT,
      IKE_PORT,
    );
  }

  private startPhase1(peer: string, local: string): IkeSa {
    const connId = this.nextConnId++;
    const ckyI = this.initiatorCookie(local, peer);
    const sa = new IkeSa(
      connId,
      'initiator',
      this.useAggressive(peer) ? 'aggressive' : 'main',
      ckyI,
      local,
      IKE_PORT,
      peer,
      IKE_PORT,
      this.now,
    );
    this.register(sa);
    this.emit({ type: 'phase1Start', connId, peer, localPort: IKE_PORT, peerPort: IKE_PORT });
    // The IOS default policy (65535) is offered only when nothing else is configured: the
    // chapter's initiator offers its one policy ("atts are acceptable. Next payload is 0").
    const all = [...this.opts.config.isakmpPolicies].sort((a, b) => a.priority - b.priority);
    const configured = all.filter((p) => p.priority !== DEFAULT_ISAKMP_POLICY.priority);
    const policies = configured.length > 0 ? configured : all;
    const result = this.task(sa).build(policies);
    if (result.status === 'failed') {
      this.deleteSa(sa, result.reason, false);
      return sa;
    }
    const step = result.step;
    const data = this.send(
      sa,
      sa.exchange === 'main' ? ExchangeType.ID_PROT : ExchangeType.AGGRESSIVE,
      0,
      step.send ?? [],
      { expectReply: true },
    );
    void data;
    step.after?.();
    return sa;
  }

  private startQuickMode(
    sa: IkeSa,
    entry: CryptoMapEntry,
    selector: TrafficSelector,
    replaces: number[],
  ): void {
    const mid = sa.newMessageId(() => this.randomU32());
    const node = new QuickMode(sa, mid, 'initiator');
    node.replaces = replaces;
    const result = node.build(this.qmCtx(), entry, selector, this.opts.commitBit === true);
    if (result.status === 'failed') {
      const reason = result.reason;
      this.emit({ type: 'nodeDeleted', connId: sa.connId, messageId: mid, error: true, reason });
      this.emit({ type: 'acquireFailed', connId: sa.connId, peer: sa.peerAddress, selector, reason });
      for (const s of node.ourSpis) this.spisInUse.delete(s);
      return;
    }
    const step = result.step;
    this.tasksOf(sa).addExchange(node, ExchangeType.QUICK);
    this.send(sa, ExchangeType.QUICK, mid, step.send ?? [], {
      encrypt: true,
      commit: step.commit === true,
      expectReply: true,
    });
    step.after?.();
  }

  private softFraction(): number {
    const r = this.opts.rekey ?? { softFraction: 0.85, jitter: 0.05 };
    const rand = new Reader(this.opts.rng.randomBytes(4)).u32() / 0x100000000;
    return r.softFraction - r.jitter * rand;
  }

  private install(sa: IkeSa, node: QuickMode, pairs: readonly IpsecSaPair[]): void {
    const life = pairs[0]?.outbound.lifetime ?? { seconds: 3600, kilobytes: 4608000 };
    const selector = node.selector;
    if (!selector) return;
    // The quick-mode responder rekeys later than the initiator, so rekeys rarely collide.
    const fraction = this.softFraction() + (node.role === 'responder' ? 0.08 : 0);
    const rec: InstalledSa = {
      connId: sa.connId,
      messageId: node.messageId,
      peer: sa.peerAddress,
      local: sa.localAddress,
      selector,
      pairs,
      ...(node.entry ? { entry: node.entry } : {}),
      initiator: node.role === 'initiator',
      createdAt: this.now,
      expiresAt: this.now + life.seconds,
      softAt: this.now + life.seconds * Math.min(fraction, 0.97),
      order: this.installOrder++,
      rekeyed: false,
    };
    // Make before break: the SAs our rekey replaces stay until the overlap ends, then we delete
    // them (and the peer follows our DELETE). Older SAs for the same traffic that we did not
    // replace ourselves (the peer's rekey, or both sides initiating at once) are only marked
    // superseded: they go when the peer deletes them or expire, so a collision never leaves
    // the two sides with different survivors.
    const overlap = this.opts.rekeyOverlap ?? 10;
    const replaced: number[] = [];
    for (const old of this.peerInstalled(rec.peer)) {
      if (!selectorsEqual(old.selector, selector) || old.removeAt !== undefined) continue;
      old.rekeyed = true;
      this.touchedInstalled.add(old);
      const ours = node.role === 'initiator' && old.pairs.some((p) => node.replaces.includes(p.inbound.spi));
      if (ours) {
        old.removeAt = this.now + overlap;
        replaced.push(...old.pairs.map((p) => p.inbound.spi));
      }
    }
    this.installed.add(rec);
    let peerSet = this.installedByPeer.get(rec.peer);
    if (peerSet === undefined) this.installedByPeer.set(rec.peer, (peerSet = new Set()));
    peerSet.add(rec);
    for (const p of pairs) {
      this.installedBySpi.set(p.inbound.spi >>> 0, rec);
      this.installedBySpi.set(p.outbound.spi >>> 0, rec);
    }
    this.installedPairs.add(pairs);
    this.touchedInstalled.add(rec);
    this.out.push({
      kind: 'install',
      connId: sa.connId,
      messageId: node.messageId,
      peer: sa.peerAddress,
      pairs,
      ...(replaced.length > 0 ? { replaces: replaced } : {}),
    });
  }

  private removeInstalled(i: InstalledSa, reason: string, notifyPeer: boolean): void {
    if (!this.installed.delete(i)) return;
    const peerSet = this.installedByPeer.get(i.peer);
    peerSet?.delete(i);
    if (peerSet?.size === 0) this.installedByPeer.delete(i.peer);
    for (const p of i.pairs)
      for (const spi of [p.inbound.spi >>> 0, p.outbound.spi >>> 0])
        if (this.installedBySpi.get(spi) === i) this.installedBySpi.delete(spi);
    this.installedPairs.delete(i.pairs);
    this.touchedInstalled.delete(i);
    this.installedDeadlines.delete(i);
    if (notifyPeer) {
      const sa = this.peerSas(i.peer)
        .filter((s) => s.authenticated && !s.deleted)
        .pop();
      if (sa) {
        for (const proto of ['esp', 'ah'] as const) {
          const spis = i.pairs.filter((p) => p.inbound.protocol === proto).map((p) => p.inbound.spi);
          if (spis.length > 0) this.sendInformational(sa, [deleteIpsecPayload(proto, spis)]);
        }
      }
    }
    for (const p of i.pairs) {
      this.spisInUse.delete(p.inbound.spi);
      p.inbound.encryptionKey?.fill(0);
      p.inbound.integrityKey?.fill(0);
      p.outbound.encryptionKey?.fill(0);
      p.outbound.integrityKey?.fill(0);
    }
    const pairs = i.pairs.map((p) => ({
      protocol: p.inbound.protocol,
      inboundSpi: p.inbound.spi,
      outboundSpi: p.outbound.spi,
    }));
    this.emit({
      type: 'ipsecSasDeleted',
      connId: i.connId,
      peer: i.peer,
      spis: pairs.flatMap((p) => [p.inboundSpi, p.outboundSpi]),
      reason,
    });
    this.out.push({ kind: 'remove', peer: i.peer, pairs, reason });
  }

  private deleteSa(sa: IkeSa, reason: string, notifyPeer: boolean): void {
    if (sa.deleted) return;
    if (notifyPeer && sa.authenticated && sa.keys) this.sendInformational(sa, [deleteIsakmpPayload(sa)]);
    sa.deleted = true;
    this.waitingDh.delete(sa);
    this.halfOpen.delete(sa);
    const peerSet = this.sasByPeer.get(sa.peerAddress);
    peerSet?.delete(sa);
    if (peerSet?.size === 0) {
      this.sasByPeer.delete(sa.peerAddress);
      this.dpd.forgetPeer(sa.peerAddress);
    }
    // Another SA of the peer may become the one DPD probes.
    this.touchPeer(sa.peerAddress);
    this.touched.add(sa);
    sa.p1 = 'IKE_DEST_SA';
    this.remoteAccess.forget(sa);
    const tm = this.tasksOf(sa);
    for (const n of tm.quickModes()) this.dropNode(sa, n);
    this.sas.delete(sa.connId);
    if (this.byCookie.get(hex(sa.ckyI)) === sa) this.byCookie.delete(hex(sa.ckyI));
    tm.clear();
    this.taskManagers.delete(sa.connId);
    sa.wipe();
    this.emit({ type: 'ikeSaDeleted', connId: sa.connId, peer: sa.peerAddress, reason });
    // Requests waiting for this SA move to another negotiation with the same peer, if any.
    const queued = sa.queued.splice(0);
    if (queued.length > 0 && reason === 'rekeyed') for (const q of queued) this.doAcquire(q, [], true);
    else
      for (const q of queued)
        this.emit({
          type: 'acquireFailed',
          connId: sa.connId,
          peer: sa.peerAddress,
          selector: q.selector,
          reason: `phase 1: ${reason}`,
        });
    this.invalidSpiQueue.delete(sa.connId);
  }

  private rekeyIpsec(i: InstalledSa): void {
    i.rekeyed = true;
    this.touchedInstalled.add(i);
    this.emit({
      type: 'rekey',
      connId: i.connId,
      what: 'ipsec',
      ...(i.pairs[0] ? { spi: i.pairs[0].inbound.spi } : {}),
    });
    const entry = i.entry ?? entryForPeer(this.opts.config, i.peer);
    if (!entry) return;
    this.doAcquire(
      { cryptoMapEntry: entry, peer: i.peer, selector: i.selector, localAddress: i.local },
      i.pairs.map((p) => p.inbound.spi),
    );
  }

  // ================================================================ timers

  /**
   * What is due now, from the heaps: only the IKE SAs (and installed IPsec SAs) whose deadline
   * has come are looked at, with the other SAs of their peers for DPD and IKE rekeys (both
   * pick the peer's newest), in the order the SAs were made; the rest are not touched.
   */
  private runTimers(): void {
    const now = this.now;
    const hoMax = this.halfOpenMaxAge;
    this.ted.run(this.tedHost(), now);
    this.refreshDeadlines();
    const due = this.saDeadlines.popDue(now).sort((a, b) => a.connId - b.connId);
    for (const sa of due) this.touched.add(sa);
    for (const sa of due) {
      if (sa.deleted || this.sas.get(sa.connId) !== sa) continue;
      const tm = this.tasksOf(sa);
      for (const p of tm.due(now)) {
        if (tm.exhausted(p)) {
          this.emit({
            type: 'giveUp',
            connId: sa.connId,
            peer: sa.peerAddress,
            messageId: p.messageId,
            reason: `no answer after ${p.retries + 1} transmissions`,
          });
          tm.answered(p.messageId);
          if (p.messageId === 0 || !sa.authenticated) {
            this.deleteSa(sa, 'retransmission limit', false);
            break;
          }
          const node = tm.quickMode(p.messageId);
          if (node) {
            this.emit({
              type: 'nodeDeleted',
              connId: sa.connId,
              messageId: node.messageId,
              error: true,
              reason: 'retransmission limit',
            });
            this.acquireFailed(sa, node, 'retransmission limit');
            if (node.role === 'responder') this.withdrawOffer(sa, node);
            this.dropNode(sa, node);
          } else if (tm.exchange(p.messageId)) this.endExchange(sa, p.messageId);
          continue;
        }
        tm.backOff(p, now);
        this.counters.retransmissions++;
        this.emit({
          type: 'retransmit',
          connId: sa.connId,
          messageId: p.messageId,
          count: p.retries,
          peer: sa.peerAddress,
          state: sa.isakmp,
        });
        this.emitPacket(sa, 'sent', p.exchangeType, p.messageId, p.payloadNames, true);
        this.sendToPeer(sa, p.data);
      }
      if (sa.deleted) continue;
      if (!sa.authenticated && sa.role === 'responder' && now >= sa.createdAt + hoMax) {
        this.emit({
          type: 'giveUp',
          connId: sa.connId,
          peer: sa.peerAddress,
          messageId: 0,
          reason: `half-open for ${hoMax} s`,
        });
        this.deleteSa(sa, 'half-open timeout', false);
        continue;
      }
      if (now >= sa.expiresAt) {
        // With no newer IKE SA to the peer, its IPsec SAs go too (the peer drops them with it).
        if (!this.hasNewerIkeSa(sa)) this.clearChildren(sa);
        this.deleteSa(sa, 'lifetime expired', true);
        continue;
      }
      if (sa.role === 'initiator' && sa.authenticated && !sa.rekeyStarted && now >= sa.softAt) {
        sa.rekeyStarted = true;
        this.emit({ type: 'rekey', connId: sa.connId, what: 'isakmp' });
        noInitialContact(this.startPhase1(sa.peerAddress, sa.localAddress));
      }
      if (now >= sa.keepaliveAt) {
        // RFC 3948 §2.3: one 0xFF byte keeps the NAT mapping for UDP 4500 alive.
        this.sendToPeer(sa, Uint8Array.of(0xff), true);
        sa.keepaliveAt = now + (this.opts.natKeepalive ?? 20);
      }
    }
    const peers = [...new Set(due.map((sa) => sa.peerAddress))];
    const withPeers = (): IkeSa[] =>
      peers.flatMap((peer) => this.peerSas(peer)).sort((a, b) => a.connId - b.connId);
    for (const sa of withPeers()) this.touched.add(sa);
    this.dpd.run(withPeers(), this.dpdHost());
    this.ikeRekey.run(withPeers(), this.ikeRekeyHost());
    // Phase 1.5 keeps its own deadlines (few: clients in XAUTH or Mode Config right now).
    if (this.remoteAccess.nextDeadline() <= now)
      this.remoteAccess.run(this.sas.values(), this.remoteAccessHost());
    for (const sa of due) {
      const tm = this.taskManagers.get(sa.connId);
      if (tm === undefined) continue;
      for (const n of tm.quickModes()) {
        if (n.doneAt === undefined || now < n.doneAt + this.purgeAfter) continue;
        tm.removeExchange(n.messageId);
        n.sa.phase2Ivs.delete(n.messageId);
        tm.forgetReply(n.messageId);
      }
    }
    const dueInstalled = this.installedDeadlines.popDue(now).sort((a, b) => a.order - b.order);
    for (const i of dueInstalled) this.touchedInstalled.add(i);
    for (const i of dueInstalled) {
      if (!this.installed.has(i)) continue;
      if (i.removeAt !== undefined && now >= i.removeAt) this.removeInstalled(i, 'replaced by rekey', true);
      else if (now >= i.expiresAt) this.removeInstalled(i, 'lifetime expired', true);
      else if (!i.rekeyed && now >= i.softAt) this.rekeyIpsec(i);
    }
  }

  // ================================================================ SA lifecycle

  /**
   * `clear crypto isakmp` (or the IKE SA's lifetime, with no successor): the IPsec SAs it
   * negotiated (and orphans of an IKE SA already gone) are deleted with it, DELETEs first. strongSwan and Libreswan
   * drop their IPsec SAs with the IKE SA; keeping ours would encrypt into nothing.
   */
  private clearChildren(sa: IkeSa): void {
    for (const i of this.peerInstalled(sa.peerAddress)) {
      if (i.connId === sa.connId || !this.sas.has(i.connId))
        this.removeInstalled(i, 'cleared with its IKE SA', true);
    }
  }

  private hasNewerIkeSa(sa: IkeSa): boolean {
    return this.peerSas(sa.peerAddress).some((s) => s !== sa && s.authenticated && !s.deleted);
  }

  /**
   * A source's share of the half-open table is full: its oldest half-open SA that has not got
   * past message 1 (no keys yet) makes room, so replayed or spoofed first messages from a
   * peer's address cost bounded memory, never that peer's next negotiation.
   */
  private evictHalfOpen(source: string): boolean {
    let oldest: IkeSa | undefined;
    for (const sa of this.peerSas(source)) {
      if (sa.role !== 'responder' || sa.authenticated || sa.deleted || sa.keys !== undefined) continue;
      if (!oldest || sa.createdAt < oldest.createdAt) oldest = sa;
    }
    if (!oldest) return false;
    this.deleteSa(oldest, 'half-open SA replaced by a newer message 1', false);
    return true;
  }

  /** An initiator quick mode ended without SAs: the acquire that started it is over. */
  private acquireFailed(sa: IkeSa, node: QuickMode, reason: string): void {
    if (node.role !== 'initiator' || !node.selector) return;
    this.emit({
      type: 'acquireFailed',
      connId: sa.connId,
      peer: sa.peerAddress,
      selector: node.selector,
      reason,
    });
  }

  /** A responder quick mode that never saw message 3 deletes the SPIs it offered. */
  private withdrawOffer(sa: IkeSa, node: QuickMode): void {
    const pairs = node.pairs;
    if (!pairs || this.installedPairs.has(pairs) || !sa.authenticated) return;
    for (const proto of ['esp', 'ah'] as const) {
      const spis = pairs.filter((p) => p.inbound.protocol === proto).map((p) => p.inbound.spi);
      if (spis.length > 0) this.sendInformational(sa, [deleteIpsecPayload(proto, spis)]);
    }
  }

  private reportInvalidSpi(peer: string, spi: number, protocol: 'esp' | 'ah'): void {
    for (const node of this.peerQuickModes(peer)) {
      if (
        node.role !== 'responder' ||
        node.state !== 'IKE_QM_R_QM2' ||
        !node.pairs?.some((p) => p.inbound.protocol === protocol && p.inbound.spi === spi)
      )
        continue;
      // RFC 2409 §5.5: without message 3 we may not install; the peer already did.
      const reason = 'quick mode message 3 lost: traffic arrived on the SPI we offered';
      this.emit({
        type: 'nodeDeleted',
        connId: node.sa.connId,
        messageId: node.messageId,
        error: true,
        reason,
      });
      this.withdrawOffer(node.sa, node);
      this.dropNode(node.sa, node);
      this.emit({
        type: 'invalidSpi',
        connId: node.sa.connId,
        peer,
        direction: 'sent',
        protocol,
        spi,
        action: `offer of quick mode ${node.messageId} deleted`,
      });
      return;
    }
    if (!this.invalidSpiLimiter.allow(peer, protocol, spi, this.now)) return;
    const sa = this.peerSas(peer)
      .filter((s) => s.authenticated && !s.deleted)
      .pop();
    if (sa) {
      this.sendInvalidSpi(sa, protocol, spi);
      return;
    }
    const entry = entryForPeer(this.opts.config, peer);
    if (!entry) {
      this.drop(0, peer, `${protocol.toUpperCase()} SPI 0x${spi.toString(16)} unknown, no IKE SA to say so`);
      return;
    }
    const starting =
      this.peerSas(peer).find((s) => s.role === 'initiator' && !s.authenticated && !s.deleted) ??
      this.startPhase1(peer, localAddressFor(this.opts.config, entry, this.opts.localAddresses));
    if (starting.deleted) return;
    const list = this.invalidSpiQueue.get(starting.connId) ?? [];
    if (list.length < 16) list.push({ protocol, spi });
    this.invalidSpiQueue.set(starting.connId, list);
  }

  private sendInvalidSpi(sa: IkeSa, protocol: 'esp' | 'ah', spi: number): void {
    this.sendInformational(sa, [invalidSpiPayload(protocol, spi)]);
    this.emit({
      type: 'invalidSpi',
      connId: sa.connId,
      peer: sa.peerAddress,
      direction: 'sent',
      protocol,
      spi,
      action: 'notified',
    });
  }

  /** An authenticated INVALID-SPI for our outbound SPI: the peer has no such SA. */
  private peerInvalidSpi(sa: IkeSa, protocol: 'esp' | 'ah', spi: number): void {
    const i = this.peerInstalled(sa.peerAddress).find((x) =>
      x.pairs.some((p) => p.outbound.protocol === protocol && p.outbound.spi === spi),
    );
    const event = {
      type: 'invalidSpi',
      connId: sa.connId,
      peer: sa.peerAddress,
      direction: 'received',
      protocol,
      spi,
    } as const;
    if (!i) {
      this.emit({ ...event, action: 'no such SA here' });
      return;
    }
    this.removeInstalled(i, 'peer sent INVALID_SPI', true);
    const entry = i.entry ?? entryForPeer(this.opts.config, i.peer);
    const renegotiate = entry !== undefined && entry.kind === 'ipsec-isakmp' && entry.peers.includes(i.peer);
    this.emit({ ...event, action: renegotiate ? 'SA removed, renegotiating' : 'SA removed' });
    if (renegotiate)
      this.doAcquire(
        { cryptoMapEntry: entry, peer: i.peer, selector: i.selector, localAddress: i.local },
        [],
      );
  }
}
