// Property: for random crypto ACLs (permit/deny; ip, tcp, udp, icmp; eq/neq/lt/gt/range;
// host, any and wildcard masks; IPv4 and IPv6) the gateway's SPD, the IOS packet-filter
// reading of the ACL (matchAcl, bit by bit) and the IKE responder's proxy-ID check agree:
// - the SPD protects a packet exactly when the ACL permits it;
// - an accepted proxy ID covers no packet the SPD would not protect (checked on the corners
//   of every ACL line that falls inside the offer, where a wrong answer would show);
// - a single-packet proxy ID is accepted exactly when the SPD protects that packet;
// - a proxy ID equal to a permit line that no earlier deny line touches is accepted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseConfig } from '../../src/config/index.js';
import { policyRules } from '../../src/gateway/spdFromConfig.js';
import { Spd } from '../../src/ipsec/spd.js';
import {
  addressFromBigInt,
  addressToBigInt,
  addressToText,
  parseAddressText,
} from '../../src/packet/address.js';
import type { PacketFlow } from '../../src/packet/flow.js';
import { aclRules, findPhase2Policy, matchAcl, proxyIdProblem } from '../../src/policy/index.js';
import { cryptoMapConfig, PEER } from '../util/cryptoMapConfig.js';
import type { AccessList, AclAddress, AclEntry, PortMatch, TrafficSelector } from '../../src/policy/model.js';

const BASE = parseConfig(cryptoMapConfig('access-list 101 permit ip any any\n'), 'r1.cfg');

type Family = 4 | 6;
// A small universe so that lines overlap often: 64 addresses per family.
const BASES: Record<Family, bigint> = {
  4: addressToBigInt(parseAddressText('10.0.0.0')!),
  6: addressToBigInt(parseAddressText('2001:db8::')!),
};
const ALL: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };
const text = (v: bigint, f: Family): string => addressToText(addressFromBigInt(v, f));
const value = (t: string): bigint => addressToBigInt(parseAddressText(t)!);

const PORTS = [0, 1, 22, 79, 80, 81, 443, 1023, 1024, 65534, 65535];
const port = fc.oneof(fc.constantFrom(...PORTS), fc.integer({ min: 0, max: 65535 }));

const aclAddress = (f: Family): fc.Arbitrary<AclAddress> =>
  fc.oneof(
    fc.constant({ address: text(0n, f), wildcard: text(ALL[f], f) }), // any
    fc
      .integer({ min: 0, max: 63 })
      .map((n) => ({ address: text(BASES[f] + BigInt(n), f), wildcard: text(0n, f) })), // host
    fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 6 })).map(([n, bits]) => ({
      address: text(BASES[f] + BigInt(n), f),
      wildcard: text((1n << BigInt(bits)) - 1n, f),
    })),
  );

const portMatch: fc.Arbitrary<PortMatch | undefined> = fc.oneof(
  fc.constant(undefined),
  fc
    .tuple(fc.constantFrom('eq', 'neq', 'lt', 'gt') as fc.Arbitrary<'eq' | 'neq' | 'lt' | 'gt'>, port)
    .map(([op, p]) => ({ op, port: p })),
  fc.tuple(port, port).map(([a, b]) => ({ op: 'range' as const, from: Math.min(a, b), to: Math.max(a, b) })),
);

const entry = (f: Family): fc.Arbitrary<AclEntry> =>
  fc
    .record({
      action: fc.constantFrom('permit', 'deny') as fc.Arbitrary<'permit' | 'deny'>,
      protocol: fc.constantFrom('ip', 'tcp', 'udp', 'icmp') as fc.Arbitrary<'ip' | 'tcp' | 'udp' | 'icmp'>,
      source: aclAddress(f),
      destination: aclAddress(f),
      sourcePort: portMatch,
      destinationPort: portMatch,
    })
    .map((e) => {
      const { sourcePort, destinationPort, ...rest } = e;
      const ports = e.protocol === 'tcp' || e.protocol === 'udp';
      return {
        ...rest,
        ...(ports && sourcePort ? { sourcePort } : {}),
        ...(ports && destinationPort ? { destinationPort } : {}),
      };
    });

const family = fc.constantFrom(4, 6) as fc.Arbitrary<Family>;
const acl: fc.Arbitrary<AccessList> = family.chain((f) =>
  fc.array(entry(f), { minLength: 1, maxLength: 6 }).map((entries) => ({ name: '101', entries })),
);

interface Packet {
  readonly protocol: number;
  readonly source: string;
  readonly destination: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
}

function configWith(list: AccessList) {
  return { ...BASE, accessLists: [list] };
}

function spdOf(list: AccessList): Spd {
  return Spd.fromRules(policyRules(configWith(list)).map((r) => r.rule));
}

function spdProtects(spd: Spd, p: Packet): boolean {
  const src = parseAddressText(p.source)!;
  const flow: PacketFlow = {
    family: src.length === 16 ? 6 : 4,
    protocol: p.protocol,
    source: src,
    destination: parseAddressText(p.destination)!,
    sourcePort: p.sourcePort,
    destinationPort: p.destinationPort,
    nonInitialFragment: false,
  };
  return spd.lookup(flow, 'outbound')?.rule.action === 'protect';
}

function aclPermits(list: AccessList, p: Packet): boolean {
  const ports = p.protocol === 6 || p.protocol === 17;
  return (
    matchAcl(list, {
      protocol: p.protocol,
      source: p.source,
      destination: p.destination,
      ...(ports ? { sourcePort: p.sourcePort, destinationPort: p.destinationPort } : {}),
    }).action === 'permit'
  );
}

function ikeAccepts(list: AccessList, offer: TrafficSelector): boolean {
  return !('error' in findPhase2Policy(configWith(list), PEER, offer));
}

const familyOf = (list: AccessList): Family => (list.entries[0]!.source.address.includes(':') ? 6 : 4);

const packet = (f: Family): fc.Arbitrary<Packet> =>
  fc
    .record({
      protocol: fc.constantFrom(1, 6, 17, 47),
      source: fc.integer({ min: -1, max: 63 }),
      destination: fc.integer({ min: -1, max: 63 }),
      sourcePort: port,
      destinationPort: port,
    })
    .map((r) => {
      // -1: an address outside the universe, which only `any` covers
      const addr = (n: number): string =>
        n < 0 ? (f === 4 ? '192.0.2.1' : '2001:db8:ffff::1') : text(BASES[f] + BigInt(n), f);
      const ports = r.protocol === 6 || r.protocol === 17;
      return {
        protocol: r.protocol,
        source: addr(r.source),
        destination: addr(r.destination),
        sourcePort: ports ? r.sourcePort : 0,
        destinationPort: ports ? r.destinationPort : 0,
      };
    });

const aclAndPackets = acl.chain((list) =>
  fc.tuple(fc.constant(list), fc.array(packet(familyOf(list)), { minLength: 1, maxLength: 20 })),
);

test('the SPD protects a packet exactly when the ACL permits it', () => {
  fc.assert(
    fc.property(aclAndPackets, ([list, packets]) => {
      const spd = spdOf(list);
      for (const p of packets) assert.equal(spdProtects(spd, p), aclPermits(list, p), JSON.stringify(p));
    }),
    { numRuns: 300 },
  );
});

test('a proxy ID for one packet is accepted exactly when the SPD protects that packet', () => {
  fc.assert(
    fc.property(aclAndPackets, ([list, packets]) => {
      const spd = spdOf(list);
      for (const p of packets) {
        const ports = p.protocol === 6 || p.protocol === 17;
        // port 0 in an ID means any, so a one-packet identity names ports 1-65535 only
        if (ports && (p.sourcePort === 0 || p.destinationPort === 0)) continue;
        const lp: [number, number] = ports ? [p.sourcePort, p.sourcePort] : [0, 65535];
        const rp: [number, number] = ports ? [p.destinationPort, p.destinationPort] : [0, 65535];
        const offer: TrafficSelector = {
          protocol: p.protocol,
          localStart: p.source,
          localEnd: p.source,
          localPortStart: lp[0],
          localPortEnd: lp[1],
          remoteStart: p.destination,
          remoteEnd: p.destination,
          remotePortStart: rp[0],
          remotePortEnd: rp[1],
        };
        assert.equal(ikeAccepts(list, offer), spdProtects(spd, p), JSON.stringify(offer));
      }
    }),
    { numRuns: 300 },
  );
});

/** Values of one dimension worth trying inside [lo, hi]: its ends and every line's edges. */
function edges(lo: bigint, hi: bigint, lines: readonly (readonly [bigint, bigint])[]): bigint[] {
  const out = new Set<bigint>([lo, hi]);
  for (const [a, b] of lines) for (const v of [a - 1n, a, b, b + 1n]) if (v >= lo && v <= hi) out.add(v);
  return [...out];
}

const offer = (f: Family): fc.Arbitrary<TrafficSelector> =>
  fc
    .record({
      protocol: fc.constantFrom(0, 1, 6, 17),
      local: fc.tuple(fc.integer({ min: -1, max: 63 }), fc.integer({ min: 0, max: 63 })),
      remote: fc.tuple(fc.integer({ min: -1, max: 63 }), fc.integer({ min: 0, max: 63 })),
      localPort: fc.oneof(fc.constant(0), port),
      remotePort: fc.oneof(fc.constant(0), port),
    })
    .map((r) => {
      // first -1: "any"; otherwise an ordered range inside the universe
      const range = ([a, b]: [number, number]): [string, string] =>
        a < 0
          ? [text(0n, f), text(ALL[f], f)]
          : [text(BASES[f] + BigInt(Math.min(a, b)), f), text(BASES[f] + BigInt(Math.max(a, b)), f)];
      const ports = (p: number): [number, number] =>
        p === 0 || !(r.protocol === 6 || r.protocol === 17) ? [0, 65535] : [p, p];
      const [ls, le] = range(r.local);
      const [rs, re] = range(r.remote);
      const [lps, lpe] = ports(r.localPort);
      const [rps, rpe] = ports(r.remotePort);
      return {
        protocol: r.protocol,
        localStart: ls,
        localEnd: le,
        localPortStart: lps,
        localPortEnd: lpe,
        remoteStart: rs,
        remoteEnd: re,
        remotePortStart: rps,
        remotePortEnd: rpe,
      };
    });

/** A permit or deny line's selector with each port range narrowed to one port of it. */
function lineOffer(s: TrafficSelector, k: number): TrafficSelector {
  const one = (lo: number, hi: number): [number, number] =>
    (lo === 0 && hi === 65535) || lo === hi ? [lo, hi] : [lo + (k % (hi - lo + 1)), lo + (k % (hi - lo + 1))];
  const [lps, lpe] = one(s.localPortStart, s.localPortEnd);
  const [rps, rpe] = one(s.remotePortStart, s.remotePortEnd);
  return { ...s, localPortStart: lps, localPortEnd: lpe, remotePortStart: rps, remotePortEnd: rpe };
}

const aclAndOffers = acl.chain((list) =>
  fc
    .tuple(
      fc.constant(list),
      fc.array(offer(familyOf(list)), { minLength: 1, maxLength: 10 }),
      fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
      fc.integer(),
    )
    .map(([l, random, picks, seed]): [AccessList, TrafficSelector[], number] => {
      const rules = aclRules(l);
      // a line can describe nothing (`lt 0`), so an ACL can have no rules
      const fromLines = (rules.length === 0 ? [] : picks)
        .map(([n, k]) => lineOffer(rules[n % rules.length]!.selector, k))
        .filter((s) => s.localPortStart > 0 || s.localPortEnd === 65535)
        .filter((s) => s.remotePortStart > 0 || s.remotePortEnd === 65535);
      return [l, [...random, ...fromLines], seed];
    }),
);

test('an accepted proxy ID covers no packet the SPD would not protect', () => {
  fc.assert(
    fc.property(aclAndOffers, ([list, offers, seed]) => {
      const spd = spdOf(list);
      const rules = aclRules(list).map((r) => r.selector);
      const f = familyOf(list);
      let rnd = seed >>> 0;
      const pick = <T>(xs: readonly T[]): T => {
        rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0;
        return xs[rnd % xs.length]!;
      };
      for (const o of offers) {
        if (!ikeAccepts(list, o)) continue;
        const protos = o.protocol === 0 ? [0n, 1n, 6n, 17n, 47n, 255n] : [BigInt(o.protocol)];
        const locals = edges(
          value(o.localStart),
          value(o.localEnd),
          rules.map((s) => [value(s.localStart), value(s.localEnd)]),
        );
        const remotes = edges(
          value(o.remoteStart),
          value(o.remoteEnd),
          rules.map((s) => [value(s.remoteStart), value(s.remoteEnd)]),
        );
        const num = (s: number, e: number): [bigint, bigint] => [BigInt(s), BigInt(e)];
        const lports = edges(
          BigInt(o.localPortStart),
          BigInt(o.localPortEnd),
          rules.map((s) => num(s.localPortStart, s.localPortEnd)),
        );
        const rports = edges(
          BigInt(o.remotePortStart),
          BigInt(o.remotePortEnd),
          rules.map((s) => num(s.remotePortStart, s.remotePortEnd)),
        );
        for (let i = 0; i < 200; i++) {
          const protocol = Number(pick(protos));
          const ports = protocol === 6 || protocol === 17;
          const p: Packet = {
            protocol,
            source: text(pick(locals), f),
            destination: text(pick(remotes), f),
            sourcePort: ports ? Number(pick(lports)) : 0,
            destinationPort: ports ? Number(pick(rports)) : 0,
          };
          assert.ok(
            spdProtects(spd, p),
            `${JSON.stringify(o)} accepted but ${JSON.stringify(p)} is not protected`,
          );
        }
      }
    }),
    { numRuns: 300 },
  );
});

function overlaps(a: TrafficSelector, b: TrafficSelector): boolean {
  const meet = (as: bigint, ae: bigint, bs: bigint, be: bigint): boolean => as <= be && bs <= ae;
  return (
    (a.protocol === 0 || b.protocol === 0 || a.protocol === b.protocol) &&
    meet(value(a.localStart), value(a.localEnd), value(b.localStart), value(b.localEnd)) &&
    meet(value(a.remoteStart), value(a.remoteEnd), value(b.remoteStart), value(b.remoteEnd)) &&
    a.localPortStart <= b.localPortEnd &&
    b.localPortStart <= a.localPortEnd &&
    a.remotePortStart <= b.remotePortEnd &&
    b.remotePortStart <= a.remotePortEnd
  );
}

test('a proxy ID equal to a permit line that no earlier deny touches is accepted', () => {
  fc.assert(
    fc.property(acl, (list) => {
      const rules = aclRules(list);
      rules.forEach((rule, i) => {
        if (rule.action !== 'protect' || proxyIdProblem(rule.selector)) return;
        if (rules.slice(0, i).some((r) => r.action === 'bypass' && overlaps(r.selector, rule.selector)))
          return;
        assert.ok(ikeAccepts(list, rule.selector), JSON.stringify(rule.selector));
      });
    }),
    { numRuns: 500 },
  );
});
