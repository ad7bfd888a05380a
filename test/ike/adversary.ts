// A small network of IKE engines for adversarial tests: a victim (V) with an established
// IKE SA and IPsec SAs with an honest peer (H), an optional third peer (C) whose messages can
// be tampered with in flight, and an attacker that injects raw datagrams from any address.
// Every call into an engine is guarded: an exception that escapes `receive`/`tick`/`acquire`
// is recorded with its stack in `escaped` (DESIGN.md principle 4 says there must be none).

import assert from 'node:assert/strict';
import { IkeManager, type IkeAction, type IkeEvent, type IkeManagerOptions } from '../../src/ike/index.js';
import { mirrorSelector } from '../../src/policy/index.js';
import type { AccessList, RouterConfig, TrafficSelector } from '../../src/policy/model.js';
import type { IpsecSaPair } from '../../src/policy/sa.js';
import { A_LAN, A_WAN, B_LAN, B_WAN, makeConfig, seededRng, SELECTOR_A } from './harness.js';
import { IkeSa } from '../../src/ike/ikeSa.js';
import {
  decodePayloads,
  encodePayloads,
  findPayload,
  payloadBody,
  type Payload,
} from '../../src/wire/index.js';
import { PayloadType } from '../../src/ike/constants.js';
import { hashI, quickModeHash1, quickModeHash2 } from '../../src/ike/keys.js';

export { A_LAN, A_WAN, B_LAN, B_WAN, SELECTOR_A };
export const C_WAN = '172.16.172.30';
export const C_LAN = { address: '10.1.3.0', netmask: '255.255.255.0' };
export const ATTACKER = '203.0.113.66';
export const KEY_H = 'jw4ep9846804ijl';
export const KEY_C = 'third-peer-key-42';

export interface Datagram {
  readonly srcAddress: string;
  readonly srcPort: number;
  readonly dstAddress: string;
  readonly dstPort: number;
  readonly data: Uint8Array;
}

export interface Host {
  readonly name: string;
  readonly address: string;
  readonly engine: IkeManager;
  readonly events: IkeEvent[];
  installed: IpsecSaPair[][];
  readonly removed: number[];
}

interface InFlight {
  at: number;
  seq: number;
  d: Datagram;
}

export interface Escape {
  readonly host: string;
  readonly call: string;
  readonly error: unknown;
}

/** One transmitted datagram, in order, before any tampering. */
export interface Sent extends Datagram {
  readonly index: number;
  readonly from: string;
}

export class Net {
  now = 0;
  private seq = 0;
  private queue: InFlight[] = [];
  readonly hosts = new Map<string, Host>();
  readonly escaped: Escape[] = [];
  /** Every datagram a host sent (in order), as sent. */
  readonly log: Sent[] = [];
  /** Datagrams addressed to an address no host owns (what the attacker receives). */
  readonly inbox: Datagram[] = [];
  /** Rewrites or drops a datagram in flight (return [] to drop, several to add copies). */
  tamper?: (s: Sent) => Datagram[];
  /** Datagrams held back by `hold` until `release`. */
  private held: Datagram[] = [];
  hold?: (s: Sent) => boolean;

  add(name: string, address: string, config: RouterConfig, extra: Partial<IkeManagerOptions> = {}): Host {
    const engine = new IkeManager({
      config,
      rng: seededRng(`${name}:${address}`),
      localAddresses: [address],
      ...extra,
    });
    const h: Host = { name, address, engine, events: [], installed: [], removed: [] };
    this.hosts.set(address, h);
    return h;
  }

  private guard(h: Host, call: string, f: () => IkeAction[]): IkeAction[] {
    try {
      return f();
    } catch (error) {
      this.escaped.push({ host: h.name, call, error });
      return [];
    }
  }

  apply(h: Host, actions: readonly IkeAction[]): void {
    for (const a of actions) {
      if (a.kind === 'event') h.events.push(a.event);
      else if (a.kind === 'install') h.installed.push([...a.pairs]);
      else if (a.kind === 'remove') {
        const gone = new Set(a.pairs.map((p) => p.inboundSpi));
        h.installed = h.installed.filter((ps) => !ps.some((p) => gone.has(p.inbound.spi)));
        h.removed.push(...gone);
      } else if (a.kind === 'send' && a.natKeepalive !== true) {
        const s: Sent = { ...a, index: this.log.length, from: h.name };
        this.log.push(s);
        if (this.hold?.(s)) {
          this.held.push(s);
          continue;
        }
        const out = this.tamper ? this.tamper(s) : [s];
        for (const d of out) this.queue.push({ at: this.now + 0.005, seq: this.seq++, d });
      }
    }
  }

  release(): void {
    for (const d of this.held.splice(0)) this.queue.push({ at: this.now + 0.005, seq: this.seq++, d });
  }

  host(address: string): Host {
    const h = this.hosts.get(address);
    assert.ok(h, `no host ${address}`);
    return h;
  }

  /** Delivers a datagram now (the attacker's injection); answers to foreign addresses land in `inbox`. */
  inject(d: Datagram): IkeAction[] {
    const h = this.host(d.dstAddress);
    const acts = this.guard(h, 'receive', () => h.engine.receive(d, this.now));
    this.apply(h, acts);
    return acts;
  }

  acquire(address: string, selector: TrafficSelector, peer?: string): void {
    const h = this.host(address);
    this.apply(
      h,
      this.guard(h, 'acquire', () => h.engine.acquire({ selector, ...(peer ? { peer } : {}) }, this.now)),
    );
  }

  /** Runs until nothing is due before `until` (bounded in steps). */
  run(until: number, maxSteps = 50000): void {
    for (let step = 0; step < maxSteps; step++) {
      let t = this.queue.reduce((m, q) => Math.min(m, q.at), Number.POSITIVE_INFINITY);
      for (const h of this.hosts.values())
        t = Math.min(t, h.engine.nextDeadline() ?? Number.POSITIVE_INFINITY);
      if (!Number.isFinite(t) || t > until) {
        this.now = Math.max(this.now, until);
        return;
      }
      this.now = Math.max(this.now, t);
      const due = this.queue.filter((q) => q.at <= this.now).sort((x, y) => x.at - y.at || x.seq - y.seq);
      this.queue = this.queue.filter((q) => q.at > this.now);
      for (const q of due) {
        const h = this.hosts.get(q.d.dstAddress);
        if (!h) {
          this.inbox.push(q.d);
          continue;
        }
        this.apply(
          h,
          this.guard(h, 'receive', () => h.engine.receive(q.d, this.now)),
        );
      }
      for (const h of this.hosts.values()) {
        const dl = h.engine.nextDeadline();
        if (dl !== undefined && dl <= this.now)
          this.apply(
            h,
            this.guard(h, 'tick', () => h.engine.tick(this.now)),
          );
      }
    }
    throw new Error('net did not settle within the step budget');
  }
}

export function eventsOf<T extends IkeEvent['type']>(h: Host, type: T): Extract<IkeEvent, { type: T }>[] {
  return h.events.filter((e): e is Extract<IkeEvent, { type: T }> => e.type === type);
}

/** Drops whose reason shows an untyped exception caught by the manager's last-resort handler. */
export function internalErrors(h: Host): string[] {
  return eventsOf(h, 'drop')
    .map((d) => d.reason)
    .filter((r) => r.startsWith('internal'));
}

export function notifiesSent(h: Host): string[] {
  return eventsOf(h, 'notifySent').map((n) => n.notify);
}

// ------------------------------------------------------------------ the three-router setup

export interface World {
  readonly net: Net;
  readonly v: Host;
  readonly h: Host;
  readonly c?: Host;
  /** The honest IKE SA on V, as `listIkeSas` showed it once established. */
  readonly honestCookies: { i: string; r: string };
  /** Inbound SPIs of V's IPsec SAs with H once established. */
  readonly honestSpis: readonly number[];
  qmCounter: number;
}

const WIDE: AccessList = {
  name: '101',
  entries: [
    {
      action: 'permit',
      protocol: 'ip',
      source: { address: '10.1.2.0', wildcard: '0.0.0.255' },
      destination: { address: '10.1.0.0', wildcard: '0.0.255.255' },
    },
  ],
};

export interface WorldOptions {
  /** V initiates the honest negotiation (else H does). */
  victimInitiates?: boolean;
  withThird?: boolean;
  /** V and C talk aggressive mode to each other. */
  aggressive?: boolean;
  /** Phase-1 DH group of V's and C's policies. */
  group?: 1 | 2 | 5 | 14 | 19 | 20;
  victim?: Partial<IkeManagerOptions>;
  /** PFS group the honest peer H asks for in quick mode. */
  honestPfs?: 2;
}

export function victimConfig(o: WorldOptions = {}): RouterConfig {
  return makeConfig(
    {
      hostname: 'Responder',
      wan: B_WAN,
      lan: B_LAN,
      keys: [
        { key: KEY_H, address: A_WAN },
        { key: KEY_C, address: C_WAN },
      ],
      acl: WIDE,
      policies: o.group !== undefined && o.group !== 1 ? [{ group: o.group }, { priority: 20 }] : [{}],
      cryptoMap: { peers: [A_WAN, C_WAN] },
    },
    A_WAN,
    A_LAN,
  );
}

export function thirdConfig(o: WorldOptions = {}): RouterConfig {
  return makeConfig(
    {
      hostname: 'Third',
      wan: C_WAN,
      lan: C_LAN,
      keys: [{ key: KEY_C, address: B_WAN }],
      policies: [{ group: o.group ?? 1 }],
    },
    B_WAN,
    B_LAN,
  );
}

export const SELECTOR_C: TrafficSelector = {
  protocol: 0,
  localStart: '10.1.3.0',
  localEnd: '10.1.3.255',
  localPortStart: 0,
  localPortEnd: 65535,
  remoteStart: '10.1.2.0',
  remoteEnd: '10.1.2.255',
  remotePortStart: 0,
  remotePortEnd: 65535,
};

export const mirrorSel = mirrorSelector;

/** Builds V and H (and C), and brings up the honest IKE SA + IPsec SAs between V and H. */
export function world(o: WorldOptions = {}): World {
  const net = new Net();
  const v = net.add('V', B_WAN, victimConfig(o), {
    ...(o.aggressive ? { aggressiveMode: [C_WAN] } : {}),
    ...o.victim,
  });
  const h = net.add(
    'H',
    A_WAN,
    makeConfig(
      {
        hostname: 'Initiator',
        wan: A_WAN,
        lan: A_LAN,
        ...(o.honestPfs !== undefined ? { cryptoMap: { pfsGroup: o.honestPfs } } : {}),
      },
      B_WAN,
      B_LAN,
    ),
  );
  const c = o.withThird
    ? net.add('C', C_WAN, thirdConfig(o), o.aggressive ? { aggressiveMode: true } : {})
    : undefined;
  if (o.victimInitiates) net.acquire(B_WAN, mirrorSel(SELECTOR_A), A_WAN);
  else net.acquire(A_WAN, SELECTOR_A);
  net.run(net.now + 10);
  const sa = v.engine.listIkeSas().find((s) => s.dst === A_WAN);
  assert.ok(sa && sa.state === 'QM_IDLE', 'honest IKE SA up');
  assert.equal(v.installed.length, 1, 'honest IPsec SAs up');
  const spis = (v.installed[0] ?? []).map((p) => p.inbound.spi);
  return {
    net,
    v,
    h,
    ...(c ? { c } : {}),
    honestCookies: { i: sa.initiatorCookie, r: sa.responderCookie },
    honestSpis: spis,
    qmCounter: 0,
  };
}

/**
 * (a) nothing escaped and no untyped error was swallowed; (b) the honest IKE SA and IPsec
 * SAs are still there and a new quick mode (alternately initiated by H and by V) succeeds
 * with matching keys; (d) V holds at most `maxSas` IKE SAs.
 */
export function assertHonestIntact(w: World, maxSas = 3): void {
  const { net, v, h } = w;
  assert.deepEqual(net.escaped, [], 'no exception escaped an engine');
  assert.deepEqual(internalErrors(v), [], 'no untyped error inside V');
  const sa = v.engine.listIkeSas().find((s) => s.initiatorCookie === w.honestCookies.i);
  assert.ok(sa, 'honest IKE SA still on V');
  assert.equal(sa.responderCookie, w.honestCookies.r);
  assert.equal(sa.state, 'QM_IDLE');
  assert.ok(
    h.engine.listIkeSas().some((s) => s.initiatorCookie === w.honestCookies.i && s.state === 'QM_IDLE'),
    'honest IKE SA still on H',
  );
  const inbound = new Set(v.engine.listIpsecSas().flatMap((i) => i.pairs.map((p) => p.inbound.spi)));
  for (const spi of w.honestSpis) assert.ok(inbound.has(spi), `honest IPsec SA ${spi} still on V`);
  assert.ok(v.engine.listIkeSas().length <= maxSas, `V holds ${v.engine.listIkeSas().length} IKE SAs`);
  // A new quick mode with the honest peer, for a host pair not negotiated before.
  const n = ++w.qmCounter;
  const sel: TrafficSelector = {
    ...SELECTOR_A,
    localStart: `10.1.1.${n}`,
    localEnd: `10.1.1.${n}`,
    remoteStart: `10.1.2.${n}`,
    remoteEnd: `10.1.2.${n}`,
  };
  const beforeV = v.installed.length;
  const beforeH = h.installed.length;
  if (n % 2 === 1) net.acquire(A_WAN, sel);
  else net.acquire(B_WAN, mirrorSel(sel), A_WAN);
  net.run(net.now + 10);
  assert.equal(v.installed.length, beforeV + 1, 'V installed the new quick mode');
  assert.equal(h.installed.length, beforeH + 1, 'H installed the new quick mode');
  const pv = v.installed[v.installed.length - 1]?.[0];
  const ph = h.installed[h.installed.length - 1]?.[0];
  assert.ok(pv && ph);
  assert.equal(pv.inbound.spi, ph.outbound.spi);
  assert.deepEqual(pv.inbound.encryptionKey, ph.outbound.encryptionKey);
  assert.deepEqual(net.escaped, [], 'no exception escaped an engine');
}

/** IKE SAs on V that are not established (half-open), and all of them. */
export function halfOpen(v: Host): number {
  return v.engine.listIkeSas().filter((s) => s.state !== 'QM_IDLE').length;
}

/**
 * Any SA pair both sides installed agrees: where y's outbound SPI is x's inbound one (the
 * same negotiation), x's outbound SPI is y's inbound one and the keys match both ways.
 */
export function assertConsistent(x: Host, y: Host): void {
  for (const px of x.installed.flat()) {
    for (const py of y.installed.flat()) {
      if (py.outbound.spi !== px.inbound.spi || py.outbound.protocol !== px.inbound.protocol) continue;
      assert.deepEqual(py.outbound.encryptionKey, px.inbound.encryptionKey, `keys of SPI ${px.inbound.spi}`);
      assert.equal(px.outbound.spi, py.inbound.spi, `${x.name}'s outbound SPI is ${y.name}'s inbound SPI`);
      assert.deepEqual(px.outbound.encryptionKey, py.inbound.encryptionKey, `keys of SPI ${py.inbound.spi}`);
    }
  }
}

/** Tampers with the first datagram in flight that matches `pred`; later ones pass untouched. */
export function tamperFirst(
  net: Net,
  pred: (s: Sent) => boolean,
  f: (s: Sent) => Datagram[],
): { hit: () => boolean } {
  let done = false;
  net.tamper = (s) => {
    if (done || !pred(s)) return [s];
    done = true;
    return f(s);
  };
  return { hit: () => done };
}

/** Holds the first datagram in flight that matches `pred` until `net.release()`. */
export function holdFirst(net: Net, pred: (s: Sent) => boolean): { hit: () => boolean } {
  let done = false;
  net.hold = (s) => {
    if (done || !pred(s)) return false;
    done = true;
    return true;
  };
  return { hit: () => done };
}

/** A genuine MM1 of the third peer C (never delivered). */
export function recordedMm1(): Uint8Array {
  const w = world({ withThird: true });
  w.net.tamper = () => [];
  w.net.acquire(C_WAN, SELECTOR_C);
  const mm1 = w.net.log.find((s) => s.from === 'C' && (s.data[18] ?? 0) === 2);
  assert.ok(mm1, 'C sent MM1');
  return mm1.data;
}

// ------------------------------------------------------------------ an authenticated but hostile peer

export type HostileMutation = (
  kind: 'mm5' | 'qm1' | 'qm2' | 'info' | 'other',
  payloads: Payload[],
) => Payload[] | undefined;

/** MM5 [ID HASH_I ...] of an initiator: rewritten, HASH_I re-computed over the new ID (RFC 2409 §5). */
function hostileMm5(sa: IkeSa, plain: Uint8Array, mutate: HostileMutation): Uint8Array | undefined {
  if (sa.role !== 'initiator' || !sa.skeyid || !sa.gxi || !sa.gxr || !sa.saiB) return undefined;
  let payloads: Payload[];
  try {
    payloads = decodePayloads(PayloadType.ID, plain).payloads;
  } catch {
    return undefined;
  }
  if (payloads[1]?.type !== PayloadType.HASH) return undefined;
  const out = mutate('mm5', payloads);
  if (!out) return undefined;
  const idp = findPayload(out, PayloadType.ID);
  const idBody = idp ? payloadBody(idp) : new Uint8Array(0);
  const h = hashI(sa.hash, sa.skeyid, sa.gxi, sa.gxr, sa.ckyI, sa.ckyR, sa.saiB, idBody);
  // The manager's header names the first payload: the rewrite keeps an ID first.
  return encodePayloads(out.map((p) => (p.type === PayloadType.HASH ? { type: p.type, data: h } : p))).bytes;
}

/**
 * Rewrites the plaintext of every encrypted message (quick mode, informational) that the
 * engine at `address` builds, and re-computes the HASH so the victim accepts it as authentic
 * (RFC 2409 §5.5: HASH(1) = prf(SKEYID_a, M-ID | payloads), HASH(2) = prf(SKEYID_a, M-ID |
 * Ni_b | payloads); §5.7 for informationals): an authenticated peer that sends whatever it
 * likes. A QM2 is recognized by the QM1 it answers (captured when that engine decrypted it).
 * Returns the function that undoes the patch.
 */
export function hostilePlaintext(address: string, mutate: HostileMutation): () => void {
  const encrypt = IkeSa.prototype.encrypt;
  const decrypt = IkeSa.prototype.decrypt;
  const peerNonces = new Map<number, Uint8Array>();
  IkeSa.prototype.decrypt = function (
    this: IkeSa,
    ...args: Parameters<IkeSa['decrypt']>
  ): ReturnType<IkeSa['decrypt']> {
    const out = decrypt.apply(this, args);
    const [messageId] = args;
    if (out && this.localAddress === address && messageId !== 0) {
      try {
        const ps = decodePayloads(PayloadType.HASH, out.plain).payloads;
        const nonce = findPayload(ps, PayloadType.NONCE);
        if (ps[1]?.type === PayloadType.SA && nonce) peerNonces.set(messageId, nonce.data);
      } catch {
        // not a quick mode message we can read: nothing to capture
      }
    }
    return out;
  };
  IkeSa.prototype.encrypt = function (this: IkeSa, messageId: number, plain: Uint8Array): Uint8Array {
    const keyA = this.keys?.a;
    if (this.localAddress !== address || !keyA) return encrypt.call(this, messageId, plain);
    if (messageId === 0) return encrypt.call(this, 0, hostileMm5(this, plain, mutate) ?? plain);
    const payloads = decodePayloads(PayloadType.HASH, plain).payloads;
    const second = payloads[1]?.type;
    const ni = peerNonces.get(messageId);
    const kind =
      second === PayloadType.SA
        ? ni
          ? 'qm2'
          : 'qm1'
        : second === PayloadType.N || second === PayloadType.D
          ? 'info'
          : 'other';
    const rest = mutate(kind, payloads.slice(1));
    if (!rest || kind === 'other') return encrypt.call(this, messageId, plain);
    const body = encodePayloads(rest).bytes;
    const h =
      kind === 'qm2' && ni
        ? quickModeHash2(this.hash, keyA, messageId, ni, body)
        : quickModeHash1(this.hash, keyA, messageId, body);
    return encrypt.call(
      this,
      messageId,
      encodePayloads([{ type: PayloadType.HASH, data: h }, ...rest]).bytes,
    );
  };
  return () => {
    IkeSa.prototype.encrypt = encrypt;
    IkeSa.prototype.decrypt = decrypt;
  };
}
