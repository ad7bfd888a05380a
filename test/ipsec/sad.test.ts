// The indexed SAD and SPD of issue 12: lookups by peer and by remote host, newest SA first,
// the flow cache in front of the ordered SPD, lifetimes in a heap (the next deadline is
// the earliest lifetime, not a periodic scan), the AH+ESP bundle rule kept per group.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { LifetimeHeap } from '../../src/ipsec/lifetimeHeap.js';
import { Spd } from '../../src/ipsec/spd.js';
import { readU32 } from '../../src/ipsec/esp.js';
import type { DataPlaneAction } from '../../src/ipsec/actions.js';
import { buildIpv4 } from '../../src/packet/ipv4.js';
import { ipv4FromText } from '../../src/packet/address.js';
import { espPair, ping, subnetTs } from './helpers.js';

function kinds(actions: DataPlaneAction[]): string[] {
  return actions.map((a) => (a.kind === 'drop' ? `drop:${a.reason}` : a.kind));
}

/** The SPI of the ESP packet an outbound call produced (tunnel mode, IPv4 outer). */
function spiSent(actions: DataPlaneAction[]): number {
  const s = actions.find((a) => a.kind === 'send');
  assert.ok(s && s.kind === 'send', JSON.stringify(kinds(actions)));
  return readU32(s.packet, 20);
}

test('lifetime heap: earliest first, only what is due, dead entries skipped', () => {
  const heap = new LifetimeHeap<string>();
  for (const [at, item] of [
    [30, 'c'],
    [10, 'a'],
    [20, 'b'],
    [5, 'dead'],
    [Infinity, 'never'],
  ] as const)
    heap.push(at, item, 'hard');
  assert.equal(heap.size, 4); // no deadline is no entry
  assert.equal(
    heap.peek((x) => x === 'dead'),
    10,
  );
  assert.equal(heap.popDue(9), undefined);
  assert.equal(heap.popDue(25)?.item, 'a');
  assert.equal(heap.popDue(25)?.item, 'b');
  assert.equal(heap.popDue(25), undefined);
  assert.equal(heap.popDue(30)?.item, 'c');
  assert.equal(heap.size, 0);
});

test('next deadline is the earliest soft or hard lifetime; none without SAs', () => {
  const pair = espPair('aes-gcm-16', 'none', { lifetime: { seconds: 100, kilobytes: 0 } });
  const dp = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: pair.out.selector }]) });
  assert.equal(dp.nextDeadline(), undefined);
  dp.installSa(pair.out, 0);
  dp.installSa({ ...pair.out, spi: 0x2000, lifetime: { seconds: 50, kilobytes: 0 } }, 10);
  assert.equal(dp.nextDeadline(), 55); // 90 % of 50 s after t=10
  assert.deepEqual(kinds(dp.tick(55)), ['rekey']);
  assert.equal(dp.nextDeadline(), 60);
  assert.deepEqual(kinds(dp.tick(60)), ['expired']);
  assert.equal(dp.nextDeadline(), 90);
  dp.removeSa(0x1000, 'esp', '192.0.2.2');
  assert.equal(dp.nextDeadline(), undefined); // the removed SA's deadlines are gone too
});

test('an idle SA whose kilobytes ran out expires at the next tick', () => {
  const pair = espPair('aes-gcm-16', 'none', { lifetime: { seconds: 0, kilobytes: 1 } });
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: pair.out.selector }]) });
  const b = new DataPlane();
  a.installSa({ ...pair.out, lifetime: { seconds: 0, kilobytes: 0 } }, 0);
  b.installSa(pair.in, 0);
  assert.equal(b.nextDeadline(), undefined);
  const wire = (seq: number): Uint8Array => {
    const s = a.outbound(ping('10.0.0.1', '10.0.0.2', seq, 600), 0).find((x) => x.kind === 'send');
    assert.ok(s && s.kind === 'send');
    return s.packet;
  };
  assert.deepEqual(kinds(b.inbound(wire(1), 1)), ['deliver']);
  assert.deepEqual(kinds(b.inbound(wire(2), 2)), ['rekey', 'deliver']); // 1256 bytes > 1024
  assert.equal(b.nextDeadline(), 2);
  assert.deepEqual(kinds(b.tick(2)), ['expired']);
  assert.equal(b.listSas(2).length, 0);
});

test('outbound: each of 3000 tunnels finds its own SA, the newest when two overlap', () => {
  const rules = [];
  const dp = new DataPlane({ spd: Spd.fromRules([]) });
  const peerOf = (i: number): string => `198.18.${i >> 8}.${i & 0xff}`;
  for (let i = 0; i < 3000; i++) {
    const selector = subnetTs('10.1.0.0/16', `100.${64 + (i >> 8)}.${i & 0xff}.0/24`);
    rules.push({ action: 'protect' as const, selector, peer: peerOf(i) });
  }
  dp.setSpd(Spd.fromRules(rules));
  for (let i = 0; i < 3000; i++) {
    const pair = espPair('aes-cbc', 'hmac-sha1-96', {
      spi: 0x10000 + i,
      destination: peerOf(i),
      selector: rules[i]!.selector,
    });
    dp.installSa(pair.out, 0);
  }
  for (const i of [0, 1, 1234, 2999])
    assert.equal(
      spiSent(dp.outbound(ping('10.1.0.5', `100.${64 + (i >> 8)}.${i & 0xff}.9`), 0)),
      0x10000 + i,
    );
  // a rekeyed SA for tunnel 1234 is used from its install on; removing it falls back
  const again = espPair('aes-cbc', 'hmac-sha1-96', {
    spi: 0x90000,
    destination: peerOf(1234),
    selector: rules[1234]!.selector,
  });
  dp.installSa(again.out, 1);
  assert.equal(spiSent(dp.outbound(ping('10.1.0.5', '100.68.210.9'), 1)), 0x90000);
  assert.ok(dp.removeSa(0x90000, 'esp', peerOf(1234)));
  assert.equal(spiSent(dp.outbound(ping('10.1.0.5', '100.68.210.9'), 1)), 0x10000 + 1234);
  assert.equal(dp.listSas(1).length, 3000);
});

test('outbound without a peer in the rule: host SAs and range SAs, newest wins', () => {
  const dp = new DataPlane({
    spd: Spd.fromRules([{ action: 'protect', selector: subnetTs('10.1.0.0/16', '10.9.0.0/16') }]),
  });
  const wide = espPair('aes-gcm-16', 'none', {
    spi: 0x3001,
    selector: subnetTs('10.1.0.0/16', '10.9.0.0/16'),
  });
  const host = espPair('aes-gcm-16', 'none', {
    spi: 0x3002,
    destination: '192.0.2.77',
    selector: subnetTs('10.1.0.0/16', '10.9.1.1/32'),
  });
  dp.installSa(wide.out, 0);
  dp.installSa(host.out, 0);
  assert.equal(spiSent(dp.outbound(ping('10.1.0.5', '10.9.1.1'), 0)), 0x3002);
  assert.equal(spiSent(dp.outbound(ping('10.1.0.5', '10.9.1.2'), 0)), 0x3001);
  dp.installSa({ ...wide.out, spi: 0x3003 }, 1); // newer than the host SA
  assert.equal(spiSent(dp.outbound(ping('10.1.0.5', '10.9.1.1'), 1)), 0x3003);
});

test('SPD flow cache: ports are part of the flow; a new SPD starts afresh', () => {
  const ts = subnetTs('10.1.1.0/24', '10.1.2.0/24');
  const dp = new DataPlane({
    spd: Spd.fromRules([
      { action: 'bypass', selector: { ...ts, protocol: 17, remotePortStart: 53, remotePortEnd: 53 } },
      { action: 'discard', selector: ts },
    ]),
  });
  const udp = (port: number): Uint8Array =>
    buildIpv4(
      { protocol: 17, source: ipv4FromText('10.1.1.5'), destination: ipv4FromText('10.1.2.5') },
      Uint8Array.of(0x30, 0x39, port >> 8, port & 0xff, 0, 8, 0, 0),
    );
  for (let round = 0; round < 2; round++) {
    assert.deepEqual(kinds(dp.outbound(udp(53), 0)), ['bypass']);
    assert.deepEqual(kinds(dp.outbound(udp(54), 0)), ['drop:policy-discard']);
  }
  dp.setSpd(Spd.fromRules([{ action: 'bypass', selector: ts }]));
  assert.deepEqual(kinds(dp.outbound(udp(54), 0)), ['bypass']);
});

test('AH+ESP bundle: the inbound ESP SA needs AH while its AH SA exists, not after', () => {
  const ts = subnetTs('10.1.1.0/24', '10.1.2.0/24');
  const esp = espPair('aes-gcm-16', 'none', { selector: ts });
  const ah = espPair('aes-gcm-16', 'none', {
    selector: ts,
    protocol: 'ah',
    spi: 0x4000,
    cipher: undefined,
    integrity: 'hmac-sha1-96',
    integrityKey: new Uint8Array(20).fill(3),
  });
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ts }]) });
  a.installSa(esp.out, 0);
  const b = new DataPlane();
  b.installSa(esp.in, 0);
  b.installSa(ah.in, 0);
  const wire = (seq: number): Uint8Array => {
    const s = a.outbound(ping('10.1.1.5', '10.1.2.5', seq), 0).find((x) => x.kind === 'send');
    assert.ok(s && s.kind === 'send');
    return s.packet;
  };
  assert.deepEqual(kinds(b.inbound(wire(1), 0)), ['drop:missing-ah']);
  assert.ok(b.removeSa(0x4000, 'ah', '192.0.2.2'));
  assert.deepEqual(kinds(b.inbound(wire(2), 0)), ['deliver']);
});
