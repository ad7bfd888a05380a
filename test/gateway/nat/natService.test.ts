// NAT's decisions in IOS order on the chapter's configurations: Example 13-30's policy route to
// Loopback1 keeps the VPN traffic untranslated while the static and PAT entries translate the
// rest; Example 13-13's route-map denies the VPN networks; the PIX's nat 0 exempts. Then the
// table: port choice, the way back, IOS timeouts, clear, and the show layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../../src/config/parse.js';
import { NatService } from '../../../src/gateway/nat/natService.js';
import { icmpErrorQuote, natFlow } from '../../../src/gateway/nat/rewrite.js';
import { formatNatStatistics, formatNatTranslations } from '../../../src/gateway/nat/natShow.js';
import { EXAMPLE_13_30_NATRTR_LAB } from '../../../src/lab/scenarios/natBypass.js';
import { buildIcmpEcho, buildIpv4, parseIpv4Text } from '../../../src/packet/index.js';
import { buildUdpPacket } from '../../../src/net/virtual/ip.js';
import { fixture } from '../../util/fixtures.js';

function echo(source: string, destination: string, id: number, request = true): Uint8Array {
  return buildIpv4(
    {
      source: parseAddr(source),
      destination: parseAddr(destination),
      protocol: 1,
      ttl: 64,
      identification: 1,
    },
    buildIcmpEcho(request, id, 0, new Uint8Array(8)),
  );
}

function parseAddr(a: string): Uint8Array {
  const bytes = parseIpv4Text(a);
  if (bytes === undefined) throw new Error(a);
  return bytes;
}

function forwarded(nat: NatService, packet: Uint8Array, now = 0): { source: string; port?: number } {
  const out = nat.fromInside(packet, now);
  assert.equal(out.kind, 'forward', JSON.stringify(out));
  if (out.kind !== 'forward') throw new Error('dropped');
  const f = natFlow(out.packet)!;
  return { source: f.source, ...(f.sourcePort !== undefined ? { port: f.sourcePort } : {}) };
}

const natrtr = (text = EXAMPLE_13_30_NATRTR_LAB): NatService =>
  new NatService(parseConfig(text, 'natrtr.cfg'));

test('Example 13-30: VPN traffic policy-routed to Loopback1 stays 10.1.1.2; the rest is translated', () => {
  const nat = natrtr();
  assert.deepEqual(forwarded(nat, echo('10.1.1.2', '10.1.2.2', 7)), { source: '10.1.1.2', port: 7 });
  assert.deepEqual(forwarded(nat, echo('10.1.1.2', '1.1.1.100', 7)), { source: '100.1.1.3', port: 7 });
  assert.deepEqual(forwarded(nat, echo('10.1.1.3', '1.1.1.100', 7)), { source: '1.1.1.2', port: 7 });
  // the policy route covers 10.1.1.3 too (access-list 120 is the whole LAN)
  assert.deepEqual(forwarded(nat, echo('10.1.1.3', '10.1.2.9', 8)), { source: '10.1.1.3', port: 8 });
  assert.equal(nat.counters.untranslated, 2);
});

test('without ip policy route-map nonat the static entry catches the VPN traffic (the problem)', () => {
  const nat = natrtr(EXAMPLE_13_30_NATRTR_LAB.replace(/^ip policy route-map nonat$/m, ''));
  assert.deepEqual(forwarded(nat, echo('10.1.1.2', '10.1.2.2', 7)), { source: '100.1.1.3', port: 7 });
  assert.deepEqual(forwarded(nat, echo('10.1.1.3', '10.1.2.2', 7)), { source: '1.1.1.2', port: 7 });
});

test('PAT: the inside port when free, else the next from 1024; replies find their host', () => {
  const nat = natrtr();
  assert.deepEqual(forwarded(nat, echo('10.1.1.3', '1.1.1.100', 1)), { source: '1.1.1.2', port: 1 });
  assert.deepEqual(forwarded(nat, echo('10.1.1.4', '1.1.1.100', 1)), { source: '1.1.1.2', port: 1024 });
  const back = nat.fromOutside(echo('1.1.1.100', '1.1.1.2', 1024, false), 1);
  assert.equal(natFlow(back!)?.destination, '10.1.1.4');
  assert.equal(natFlow(back!)?.destinationPort, 1);
  assert.equal(natFlow(nat.fromOutside(echo('1.1.1.100', '1.1.1.2', 1, false), 1)!)?.destination, '10.1.1.3');
  // nothing owns identifier 9, and ESP to the router is never NAT's
  assert.equal(nat.fromOutside(echo('1.1.1.100', '1.1.1.2', 9, false), 1), undefined);
  // the static global comes back to 10.1.1.2 whatever the protocol
  assert.equal(
    natFlow(nat.fromOutside(echo('1.1.1.100', '100.1.1.3', 9, false), 1)!)?.destination,
    '10.1.1.2',
  );
  assert.equal(nat.counters.misses, 2);
});

test('PAT never hands out UDP 500 or 4500 (IKE on the same address)', () => {
  const nat = natrtr();
  const out = nat.fromInside(buildUdpPacket('10.1.1.3', '1.1.1.1', 500, 500, new Uint8Array(4)), 0);
  assert.equal(out.kind, 'forward');
  if (out.kind === 'forward') assert.equal(natFlow(out.packet)?.sourcePort, 1024);
});

test('GRE from the inside has no ports: PAT drops it, counted', () => {
  const nat = natrtr();
  const gre = buildIpv4(
    {
      source: parseAddr('10.1.1.3'),
      destination: parseAddr('1.1.1.100'),
      protocol: 47,
      ttl: 64,
      identification: 1,
    },
    new Uint8Array(4),
  );
  assert.deepEqual(nat.fromInside(gre, 0), { kind: 'drop', reason: 'protocol without ports (PAT)' });
  assert.equal(nat.counters.drops.get('protocol without ports (PAT)'), 1);
});

test('timeouts: ICMP entries idle 60 s go (IOS default); icmp-timeout never keeps them; clear empties', () => {
  const nat = natrtr();
  forwarded(nat, echo('10.1.1.3', '1.1.1.100', 5), 0);
  assert.notEqual(nat.fromOutside(echo('1.1.1.100', '1.1.1.2', 5, false), 59), undefined);
  assert.equal(nat.fromOutside(echo('1.1.1.100', '1.1.1.2', 5, false), 59 + 61), undefined);
  assert.equal(nat.table.expired, 1);
  const never = natrtr(`${EXAMPLE_13_30_NATRTR_LAB}ip nat translation icmp-timeout never\n`);
  forwarded(never, echo('10.1.1.3', '1.1.1.100', 5), 0);
  assert.notEqual(never.fromOutside(echo('1.1.1.100', '1.1.1.2', 5, false), 100_000), undefined);
  assert.equal(never.clear(), 1);
  assert.equal(never.fromOutside(echo('1.1.1.100', '1.1.1.2', 5, false), 100_001), undefined);
});

test('TCP: a SYN gets syn-timeout, data tcp-timeout, a FIN finrst-timeout; UDP to 53 dns-timeout', () => {
  const nat = natrtr();
  assert.equal(nat.table.timeoutFor(6, 80, 0x02), 60);
  assert.equal(nat.table.timeoutFor(6, 80, 0x10), 86400);
  assert.equal(nat.table.timeoutFor(6, 80, 0x11), 60);
  assert.equal(nat.table.timeoutFor(17, 53, undefined), 60);
  assert.equal(nat.table.timeoutFor(17, 123, undefined), 300);
});

test('Example 13-13: route-map nonat (access-list 150) leaves the VPN networks alone', () => {
  const c = parseConfig(readFileSync(fixture('chapter/example-13-13.cfg'), 'utf8'), 'r1.cfg');
  const nat = new NatService(c);
  assert.deepEqual(forwarded(nat, echo('192.168.1.5', '192.168.2.5', 3)), { source: '192.168.1.5', port: 3 });
  assert.deepEqual(forwarded(nat, echo('192.168.1.5', '192.168.3.5', 3)), { source: '192.168.1.5', port: 3 });
  assert.deepEqual(forwarded(nat, echo('192.168.1.5', '198.51.100.1', 3)), {
    source: '100.232.202.210',
    port: 3,
  });
});

test('Example 13-21 (PIX): nat 0 access-list bypassingnat exempts; nat 1 goes onto the PAT global', () => {
  const c = parseConfig(readFileSync(fixture('chapter/example-13-21.cfg'), 'utf8'), 'pix.cfg');
  const nat = new NatService(c);
  assert.deepEqual(forwarded(nat, echo('172.16.5.5', '198.51.100.1', 3)), {
    source: '192.168.10.19',
    port: 3,
  });
  assert.deepEqual(forwarded(nat, echo('172.16.171.13', '198.51.100.1', 3)), {
    source: '192.168.10.100',
    port: 3,
  });
  // the pool 192.168.10.20-30 is not run: said once, naming its line
  assert.ok(nat.notices.some((n) => n.line === 50 && /address pools are not run/.test(n.message)));
  const exemptAcl = c.accessLists.find((a) => a.name === 'bypassingnat')!.entries[0]!;
  const to = exemptAcl.destination.address;
  const from = exemptAcl.source.address;
  assert.deepEqual(forwarded(nat, echo(from, to, 3)), { source: from, port: 3 });
});

test('show ip nat translations and statistics in the IOS layout', () => {
  const nat = natrtr();
  forwarded(nat, echo('10.1.1.3', '1.1.1.100', 1), 0);
  assert.equal(
    formatNatTranslations(nat, 0),
    [
      'Pro Inside global      Inside local       Outside local      Outside global',
      'icmp 1.1.1.2:1         10.1.1.3:1         1.1.1.100:1        1.1.1.100:1',
      '--- 100.1.1.3          10.1.1.2           ---                ---',
      '',
    ].join('\n'),
  );
  const stats = formatNatStatistics(nat, 0);
  assert.match(stats, /^Total active translations: 2 \(1 static, 1 dynamic; 1 extended\)\n/);
  assert.match(stats, /Outside interfaces:\n {2}Ethernet0\/0\nInside interfaces:\n {2}Ethernet0\/1\n/);
  assert.match(stats, /Hits: 0 {2}Misses: 1\n/);
  assert.match(stats, /-- Inside Source\naccess-list 1 interface Ethernet0\/0 refcount 1\n/);
});

test('an ICMP error about a PAT flow goes back to its inside host (path MTU discovery through PAT)', () => {
  const nat = natrtr();
  const sent = nat.fromInside(buildUdpPacket('10.1.1.3', '1.1.1.100', 500, 53, new Uint8Array(4)), 0);
  assert.equal(sent.kind, 'forward');
  if (sent.kind !== 'forward') return;
  // fragmentation needed (3/4) from a router on the way, quoting the translated datagram
  const quote = sent.packet.subarray(0, 28);
  const icmp = new Uint8Array(8 + quote.length);
  icmp.set([3, 4, 0, 0, 0, 0, 0x05, 0x78]);
  icmp.set(quote, 8);
  const error = buildIpv4(
    {
      source: parseAddr('1.1.1.1'),
      destination: parseAddr('1.1.1.2'),
      protocol: 1,
      ttl: 64,
      identification: 9,
    },
    icmp,
  );
  const back = nat.fromOutside(error, 1);
  assert.ok(back);
  assert.equal(natFlow(back)?.destination, '10.1.1.3');
  const q = icmpErrorQuote(back);
  assert.equal(q?.source, '10.1.1.3');
  assert.equal(q?.sourcePort, 500);
  // an error quoting a flow nobody translated is not NAT's
  const other = Uint8Array.from(error);
  other[28 + 20] = 0x99;
  assert.equal(nat.fromOutside(other, 1), undefined);
});
