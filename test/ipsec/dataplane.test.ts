// DataPlane behaviour: SPD, acquire, lifetimes, sequence guard, counters, selectors,
// NAT traversal, path MTU and fragments, AH+ESP bundles.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { Spd } from '../../src/ipsec/spd.js';
import { classifyUdp4500 } from '../../src/ipsec/natt.js';
import type { DataPlaneAction } from '../../src/ipsec/actions.js';
import type { IpsecSa } from '../../src/policy/sa.js';
import { parseIpv4, buildIpv4 } from '../../src/packet/ipv4.js';
import {
  parseIcmp,
  icmpNextHopMtu,
  ICMP_DEST_UNREACHABLE,
  ICMP_CODE_FRAGMENTATION_NEEDED,
} from '../../src/packet/icmp.js';
import { internetChecksum } from '../../src/packet/checksum.js';
import { verifyTransportChecksum, transportChecksum } from '../../src/packet/udp.js';
import { ipv4FromText } from '../../src/packet/address.js';
import { espPair, ping, subnetTs, ANY_TS, keyOf } from './helpers.js';

const LOCAL = subnetTs('10.1.1.0/24', '10.1.2.0/24'); // the chapter's access-list 101 on the initiator

function kinds(actions: DataPlaneAction[]): string[] {
  return actions.map((a) => (a.kind === 'drop' ? `drop:${a.reason}` : a.kind));
}

function sendOf(actions: DataPlaneAction[]): Uint8Array {
  const s = actions.find((a) => a.kind === 'send');
  assert.ok(s && s.kind === 'send', JSON.stringify(kinds(actions)));
  return s.packet;
}

function routers(
  options: Partial<IpsecSa> = {},
  cipher: IpsecSa['cipher'] = '3des-cbc',
  integrity: IpsecSa['integrity'] = 'hmac-md5-96',
) {
  const pair = espPair(cipher ?? '3des-cbc', integrity, { selector: LOCAL, ...options });
  const a = new DataPlane({
    spd: Spd.fromRules([
      { action: 'bypass', selector: { ...LOCAL, protocol: 17, remotePortStart: 53, remotePortEnd: 53 } },
      { action: 'protect', selector: LOCAL, name: 'vpn 10', peer: '192.0.2.2' },
      { action: 'discard', selector: subnetTs('10.1.1.0/24', '10.9.0.0/16') },
    ]),
  });
  const b = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: pair.in.selector }]) });
  return { a, b, pair };
}

test('SPD: first match wins; permit = protect, deny = bypass; no SA -> one acquire per hold time', () => {
  const { a, pair } = routers();
  const dns = buildIpv4(
    { protocol: 17, source: ipv4FromText('10.1.1.5'), destination: ipv4FromText('10.1.2.5') },
    Uint8Array.of(0, 1, 0, 53, 0, 8, 0, 0),
  );
  assert.deepEqual(kinds(a.outbound(dns, 0)), ['bypass']);
  assert.deepEqual(kinds(a.outbound(ping('10.1.1.5', '10.9.1.1'), 0)), ['drop:policy-discard']);
  assert.deepEqual(kinds(a.outbound(ping('10.5.5.5', '10.6.6.6'), 0)), ['bypass']); // no rule: IOS sends it clear
  const first = a.outbound(ping('10.1.1.5', '10.1.2.5'), 0);
  assert.deepEqual(kinds(first), ['acquire', 'drop:no-sa']);
  const acq = first[0]!;
  assert.ok(acq.kind === 'acquire');
  assert.equal(acq.peer, '192.0.2.2');
  assert.deepEqual(acq.selector, LOCAL);
  assert.deepEqual(kinds(a.outbound(ping('10.1.1.5', '10.1.2.5'), 0.5)), ['drop:no-sa']);
  assert.deepEqual(kinds(a.outbound(ping('10.1.1.5', '10.1.2.5'), 1)), ['acquire', 'drop:no-sa']);
  a.installSa(pair.out, 1);
  assert.deepEqual(kinds(a.outbound(ping('10.1.1.5', '10.1.2.5'), 1.5)), ['send']);
});

test('counters read like show crypto ipsec sa; remaining key lifetime (k/sec)', () => {
  const { a, b, pair } = routers();
  a.installSa(pair.out, 0);
  b.installSa(pair.in, 0);
  for (let i = 1; i <= 4; i++) {
    const got = b.inbound(sendOf(a.outbound(ping('10.1.1.5', '10.1.2.5', i), 1)), 1);
    assert.deepEqual(kinds(got), ['deliver']);
  }
  const out = a.counters(0x1000, 'esp', '192.0.2.2')!;
  assert.equal(out.encaps, 4);
  assert.equal(out.encrypt, 4);
  assert.equal(out.digest, 4);
  const inn = b.counters(0x1000, 'esp', '192.0.2.2')!;
  assert.deepEqual([inn.decaps, inn.decrypt, inn.verify, inn.recvErrors], [4, 4, 4, 0]);
  const [status] = a.listSas(33);
  assert.ok(status);
  assert.equal(status.transform, 'esp-3des esp-md5-hmac');
  assert.equal(status.ivSize, 8);
  // 4 pings of 84 bytes = 336 bytes: 4608000 KB - 336 B rounds down to 4607999 KB
  assert.deepEqual(status.remaining, { kilobytes: 4607999, seconds: 3567 });
  assert.equal(status.sequence, 4);
  assert.equal(JSON.stringify(status).includes('encryptionKey'), false);
});

test('after decryption the inner packet must match the SA selectors: dropped and counted', () => {
  const { a, b, pair } = routers();
  // the sender's SA is wider than the receiver's: 10.1.3.0/24 is not in b's SA
  a.installSa({ ...pair.out, selector: subnetTs('10.1.0.0/16', '10.1.2.0/24') }, 0);
  b.installSa(pair.in, 0);
  a.setSpd(Spd.fromRules([{ action: 'protect', selector: subnetTs('10.1.0.0/16', '10.1.2.0/24') }]));
  const got = b.inbound(sendOf(a.outbound(ping('10.1.3.7', '10.1.2.5'), 0)), 0);
  assert.equal(kinds(got)[0], 'drop:selector');
  const c = b.counters(0x1000, 'esp', '192.0.2.2')!;
  assert.equal(c.selectorFailures, 1);
  assert.equal(c.recvErrors, 1);
  assert.equal(c.decaps, 1); // it was decrypted, then refused
});

test('cleartext that policy says must be protected is dropped on input', () => {
  const { b } = routers();
  assert.deepEqual(kinds(b.inbound(ping('10.1.1.5', '10.1.2.5'), 0)), ['drop:policy-unprotected']);
  assert.deepEqual(kinds(b.inbound(ping('10.7.1.5', '10.1.2.5'), 0)), ['deliver']);
});

test('lifetimes: soft by time asks for one rekey; hard removes the SA', () => {
  const { a, pair } = routers({ lifetime: { seconds: 100, kilobytes: 0 } });
  a.installSa(pair.out, 0);
  assert.deepEqual(a.tick(50), []);
  const soft = a.tick(90);
  assert.deepEqual(kinds(soft), ['rekey']);
  assert.ok(soft[0]!.kind === 'rekey' && soft[0]!.reason === 'seconds');
  assert.deepEqual(a.tick(95), []); // signalled once
  assert.deepEqual(kinds(a.outbound(ping('10.1.1.5', '10.1.2.5'), 99)), ['send']);
  const hard = a.outbound(ping('10.1.1.5', '10.1.2.5'), 100);
  assert.deepEqual(kinds(hard), ['expired', 'acquire', 'drop:no-sa']);
  assert.equal(a.listSas(100).length, 0);
});

test('lifetimes: kilobytes, soft then hard, on the traffic itself', () => {
  const { a, pair } = routers({ lifetime: { seconds: 0, kilobytes: 1 } }); // 1024 bytes
  a.installSa(pair.out, 0);
  const seen: string[] = [];
  for (let i = 0; i < 14; i++) seen.push(...kinds(a.outbound(ping('10.1.1.5', '10.1.2.5', i), 0)));
  // 84-byte pings: the 11th reaches 921.6 bytes (90 %), the 13th 1092 > 1024
  assert.deepEqual(seen.slice(0, 10), new Array<string>(10).fill('send'));
  assert.deepEqual(seen.slice(10, 12), ['rekey', 'send']);
  assert.ok(seen.includes('expired'));
  assert.equal(a.listSas(0).length, 0);
});

test('the sender never wraps the 32-bit sequence number: rekey first, then stop', () => {
  const { a, b, pair } = routers();
  a.installSa(pair.out, 0, { initialSequence: 2 ** 32 - 3 });
  b.installSa(pair.in, 0);
  const r1 = a.outbound(ping('10.1.1.5', '10.1.2.5'), 0);
  assert.deepEqual(kinds(r1), ['rekey', 'send']); // already past the soft margin
  assert.ok(r1[0]!.kind === 'rekey' && r1[0]!.reason === 'sequence');
  assert.deepEqual(kinds(a.outbound(ping('10.1.1.5', '10.1.2.5'), 0)), ['send']); // 2^32 - 2
  assert.deepEqual(kinds(a.outbound(ping('10.1.1.5', '10.1.2.5'), 0)), ['send']); // 2^32 - 1, the last
  assert.deepEqual(kinds(a.outbound(ping('10.1.1.5', '10.1.2.5'), 0)), ['expired', 'acquire', 'drop:no-sa']);
});

test('UDP 4500: non-ESP marker, keepalive, ESP', () => {
  assert.equal(classifyUdp4500(Uint8Array.of(0xff)), 'keepalive');
  assert.equal(classifyUdp4500(new Uint8Array(4 + 28)), 'ike');
  assert.equal(classifyUdp4500(Uint8Array.of(0, 0, 0x10, 0, 0, 0, 0, 1)), 'esp');
  assert.equal(classifyUdp4500(Uint8Array.of(1, 2)), 'invalid');
  const dp = new DataPlane();
  assert.deepEqual(
    dp.inboundUdp4500(
      Uint8Array.of(0xff),
      { source: '198.51.100.7', destination: '192.0.2.2', sourcePort: 4500, destinationPort: 4500 },
      0,
    ),
    [],
  );
  const ike = dp.inboundUdp4500(
    new Uint8Array(40),
    { source: '198.51.100.7', destination: '192.0.2.2', sourcePort: 61000, destinationPort: 4500 },
    0,
  );
  assert.equal(ike.length, 1);
  assert.ok(ike[0]!.kind === 'ike' && ike[0]!.payload.length === 36 && ike[0]!.sourcePort === 61000);
});

test('ESP in UDP (RFC 3948) both ways, tunnel mode; the send action names the ports', () => {
  const { a, b, pair } = routers({ udpEncapsulation: { localPort: 4500, remotePort: 4500 } });
  a.installSa(pair.out, 0);
  b.installSa(pair.in, 0);
  const actions = a.outbound(ping('10.1.1.5', '10.1.2.5'), 0);
  const s = actions[0]!;
  assert.ok(s.kind === 'send' && s.transport);
  assert.equal(s.transport.protocol, 17);
  assert.equal(s.transport.destinationPort, 4500);
  const h = parseIpv4(s.packet);
  assert.equal(h.protocol, 17);
  assert.equal((h.payload[6]! << 8) | h.payload[7]!, 0, 'UDP checksum zero (RFC 3948 §2.1)');
  assert.deepEqual(kinds(b.inbound(s.packet, 0)), ['deliver']);
  // the same payload through a UDP socket path
  const { a: a2, b: b2, pair: p2 } = routers({ udpEncapsulation: { localPort: 4500, remotePort: 4500 } });
  a2.installSa(p2.out, 0);
  b2.installSa(p2.in, 0);
  const s2 = a2.outbound(ping('10.1.1.5', '10.1.2.5'), 0)[0]!;
  assert.ok(s2.kind === 'send' && s2.transport);
  assert.deepEqual(
    kinds(
      b2.inboundUdp4500(
        s2.transport.payload,
        { source: '203.0.113.9', destination: '192.0.2.2', sourcePort: 1025, destinationPort: 4500 },
        0,
      ),
    ),
    ['deliver'],
  );
});

test('transport mode behind NAT: the TCP checksum is fixed up with NAT-OA (RFC 3948 §3.1.2)', () => {
  // host 10.0.0.5 (behind a NAT that maps it to 198.51.100.9) talks to 192.0.2.2
  const tcp = new Uint8Array(20);
  tcp.set([0x30, 0x39, 0x00, 0x50], 0); // 12345 -> 80
  tcp[12] = 0x50;
  tcp[13] = 0x02; // SYN
  const orig = { source: ipv4FromText('10.0.0.5'), destination: ipv4FromText('192.0.2.2') };
  const c = transportChecksum(orig.source, orig.destination, 6, tcp);
  tcp[16] = c >> 8;
  tcp[17] = c & 0xff;
  const senderPair = espPair('aes-cbc', 'hmac-sha1-96', {
    mode: 'transport',
    source: '10.0.0.5',
    destination: '192.0.2.2',
    udpEncapsulation: { localPort: 4500, remotePort: 4500 },
  });
  const sender = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
  sender.installSa(senderPair.out, 0);
  const wire = sendOf(sender.outbound(buildIpv4({ protocol: 6, ...orig }, tcp), 0));
  // the NAT rewrites the outer source (and the IP checksum), not what ESP protects
  const natted = Uint8Array.from(wire);
  natted.set(ipv4FromText('198.51.100.9'), 12);
  natted[10] = 0;
  natted[11] = 0;
  const ipc = internetChecksum(natted.subarray(0, 20));
  natted[10] = ipc >> 8;
  natted[11] = ipc & 0xff;
  const receiver = new DataPlane();
  receiver.installSa(
    {
      ...senderPair.in,
      source: '198.51.100.9',
      udpEncapsulation: {
        localPort: 4500,
        remotePort: 4500,
        originalRemoteAddress: '10.0.0.5',
        originalLocalAddress: '192.0.2.2',
      },
    },
    0,
  );
  const got = receiver.inbound(natted, 0);
  const d = got[0]!;
  assert.ok(d.kind === 'deliver', JSON.stringify(kinds(got)));
  const h = parseIpv4(d.packet);
  assert.equal(h.protocol, 6);
  assert.equal(verifyTransportChecksum(h.source, h.destination, 6, h.payload), true);
  assert.equal(
    (h.payload[16]! << 8) | h.payload[17]!,
    transportChecksum(
      h.source,
      h.destination,
      6,
      Uint8Array.from([...h.payload.subarray(0, 16), 0, 0, ...h.payload.subarray(18)]),
    ),
  );
});

test('path MTU: DF set and too big -> ICMP fragmentation needed with the hand-computed MTU', () => {
  // AES-128-CBC + SHA1-96, tunnel, outer MTU 1500: 1500 - 20 (IP) = 1480 for ESP;
  // 1480 - 8 (SPI, seq) - 16 (IV) - 12 (ICV) = 1444; whole 16-byte blocks: 1440, minus pad
  // length and next header: 1438 bytes of inner packet at most.
  const pair = espPair('aes-cbc', 'hmac-sha1-96', { selector: LOCAL });
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: LOCAL }]) });
  a.installSa(pair.out, 0);
  const fits = a.outbound(ping('10.1.1.5', '10.1.2.5', 1, 1438 - 28, true), 0);
  assert.deepEqual(kinds(fits), ['send']);
  assert.equal(sendOf(fits).length, 1496);
  const tooBig = a.outbound(ping('10.1.1.5', '10.1.2.5', 2, 1439 - 28, true), 0);
  assert.deepEqual(kinds(tooBig), ['icmp', 'drop:too-big']);
  const icmpAction = tooBig[0]!;
  assert.ok(icmpAction.kind === 'icmp');
  assert.equal(icmpAction.nextHopMtu, 1438);
  const ip = parseIpv4(icmpAction.packet, true);
  assert.deepEqual([...ip.destination], [10, 1, 1, 5]);
  const icmp = parseIcmp(ip.payload);
  assert.equal(icmp.type, ICMP_DEST_UNREACHABLE);
  assert.equal(icmp.code, ICMP_CODE_FRAGMENTATION_NEEDED);
  assert.equal(icmpNextHopMtu(icmp), 1438);
  assert.equal(internetChecksum(ip.payload), 0);
  assert.equal(a.counters(0x1000, 'esp', '192.0.2.2')!.sendErrors, 1);
});

test('without DF: fragment after encryption, the peer reassembles before ESP', () => {
  const { a, b, pair } = routers({}, 'aes-cbc', 'hmac-sha256-128');
  a.installSa(pair.out, 0);
  b.installSa(pair.in, 0);
  a.setPathMtu('192.0.2.2', 576);
  const big = ping('10.1.1.5', '10.1.2.5', 9, 1400, false);
  const actions = a.outbound(big, 0);
  const frags = actions.filter((x) => x.kind === 'send');
  assert.ok(frags.length >= 3);
  for (const f of frags)
    assert.ok(f.kind === 'send' && f.packet.length <= 576 && parseIpv4(f.packet).protocol === 50);
  const results: DataPlaneAction[] = [];
  for (const f of [...frags].reverse()) if (f.kind === 'send') results.push(...b.inbound(f.packet, 5));
  assert.deepEqual(kinds(results), ['deliver']);
  const d = results[0]!;
  assert.ok(d.kind === 'deliver');
  assert.deepEqual(Buffer.from(d.packet), Buffer.from(big));
});

test('AH + ESP bundle: ESP inside, AH outside; ESP without its AH is refused', () => {
  const esp = espPair('3des-cbc', 'hmac-md5-96', { selector: LOCAL });
  const ahOut: IpsecSa = {
    protocol: 'ah',
    direction: 'outbound',
    spi: 0x2000,
    mode: 'tunnel',
    source: '192.0.2.1',
    destination: '192.0.2.2',
    integrity: 'hmac-sha1-96',
    integrityKey: keyOf(20, 9),
    selector: LOCAL,
    lifetime: { seconds: 3600, kilobytes: 4608000 },
  };
  const ahIn: IpsecSa = { ...ahOut, direction: 'inbound', selector: esp.in.selector };
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: LOCAL }]) });
  const b = new DataPlane();
  a.installSa(esp.out, 0);
  a.installSa(ahOut, 0);
  b.installSa(esp.in, 0);
  b.installSa(ahIn, 0);
  const pkt = ping('10.1.1.5', '10.1.2.5');
  const wire = sendOf(a.outbound(pkt, 0));
  const h = parseIpv4(wire);
  assert.equal(h.protocol, 51);
  assert.equal(h.payload[0], 50, 'AH next header = ESP');
  const got = b.inbound(wire, 0);
  assert.deepEqual(kinds(got), ['deliver']);
  const d = got[0]!;
  assert.ok(d.kind === 'deliver');
  assert.deepEqual(Buffer.from(d.packet), Buffer.from(pkt));
  assert.equal(b.counters(0x2000, 'ah', '192.0.2.2')!.verify, 1);
  // strip AH by hand: the ESP SA refuses a packet that did not come through AH
  const ahLen = (h.payload[1]! + 2) * 4;
  const bare = buildIpv4(
    { protocol: 50, source: h.source, destination: h.destination },
    h.payload.subarray(ahLen),
  );
  assert.deepEqual(kinds(b.inbound(bare, 0)), ['drop:missing-ah']);
});

test('through the DataPlane: reordering inside the 64-packet window is accepted, older is dropped', () => {
  const { a, b, pair } = routers({}, 'aes-gcm-16', 'none');
  a.installSa(pair.out, 0);
  b.installSa(pair.in, 0);
  const wire = Array.from({ length: 200 }, (_, i) => sendOf(a.outbound(ping('10.1.1.5', '10.1.2.5', i), 0)));
  // deliver in blocks of 50, each block reversed: displacement at most 49 < 64
  const order: number[] = [];
  for (let blk = 0; blk < 200; blk += 50) for (let i = blk + 49; i >= blk; i--) order.push(i);
  for (const i of order) assert.deepEqual(kinds(b.inbound(wire[i]!, 0)), ['deliver'], `packet ${i}`);
  // seq 200 is the highest; seq 136 (index 135) is 64 behind: outside the window
  assert.deepEqual(kinds(b.inbound(wire[135]!, 0)), ['drop:replay']);
  assert.equal(b.counters(0x1000, 'esp', '192.0.2.2')!.replayFailures, 1);
  // a bigger window, configured at install, accepts what 64 refuses
  const c = new DataPlane({ replayWindow: 1024 });
  c.installSa(pair.in, 0);
  assert.deepEqual(kinds(c.inbound(wire[199]!, 0)), ['deliver']);
  assert.deepEqual(kinds(c.inbound(wire[0]!, 0)), ['deliver']);
  assert.equal(c.listSas(0)[0]!.replayWindow, 1024);
});

test('path MTU in transport mode: the packet keeps its header, so 20 bytes more fit', () => {
  const pair = espPair('aes-cbc', 'hmac-sha1-96', { mode: 'transport' });
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
  a.installSa(pair.out, 0);
  // same arithmetic as tunnel mode with the packet's own 20-byte header: 1438 + 20 = 1458
  assert.deepEqual(kinds(a.outbound(ping('192.0.2.1', '192.0.2.2', 1, 1458 - 28, true), 0)), ['send']);
  const big = a.outbound(ping('192.0.2.1', '192.0.2.2', 2, 1459 - 28, true), 0);
  assert.deepEqual(kinds(big), ['icmp', 'drop:too-big']);
  assert.ok(big[0]!.kind === 'icmp' && big[0]!.nextHopMtu === 1458);
  // a truncated packet from the inside is a counted drop, not an exception
  const bad = ping('192.0.2.1', '192.0.2.2').subarray(0, 30);
  assert.deepEqual(kinds(a.outbound(bad, 0)), ['drop:malformed']);
});

test('ESN end to end: the 32-bit sequence wraps, the receiver infers the high-order bits', () => {
  const { a, b, pair } = routers({ extendedSequenceNumbers: true }, 'aes-cbc', 'hmac-sha256-128');
  a.installSa(pair.out, 0, { initialSequence: 2 ** 32 - 3 });
  b.installSa(pair.in, 0, { initialSequence: 2 ** 32 - 3 });
  const wire: Uint8Array[] = [];
  for (let i = 0; i < 6; i++) {
    const actions = a.outbound(ping('10.1.1.5', '10.1.2.5', i), 0);
    wire.push(sendOf(actions));
  }
  // on the wire only the low 32 bits: ..., fffffffe, ffffffff, 0, 1, 2
  assert.deepEqual(
    wire.map((w) =>
      parseIpv4(w)
        .payload.subarray(4, 8)
        .reduce((v, x) => v * 256 + x, 0),
    ),
    [2 ** 32 - 3, 2 ** 32 - 2, 2 ** 32 - 1, 0, 1, 2],
  );
  // out of order across the boundary, inside the window
  for (const i of [0, 3, 1, 5, 2, 4])
    assert.deepEqual(kinds(b.inbound(wire[i]!, 0)), ['deliver'], `packet ${i}`);
  assert.deepEqual(kinds(b.inbound(wire[3]!, 0)), ['drop:replay']);
  assert.equal(b.listSas(0)[0]!.sequence, 2 ** 32 + 2);
  // without ESN the same SA would have stopped at 2^32 - 1 (tested above)
});

test('ESP and AH with an SPI not in the SAD name their sender for INVALID-SPI recovery', () => {
  const dp = new DataPlane();
  const from = { source: ipv4FromText('192.0.2.2'), destination: ipv4FromText('192.0.2.1') };
  // RFC 4303 §2: SPI 0x00004242, sequence 1, then 16 bytes standing for IV and ciphertext.
  const esp = buildIpv4(
    { protocol: 50, ...from },
    Uint8Array.from([0, 0, 0x42, 0x42, 0, 0, 0, 1, ...new Uint8Array(16)]),
  );
  assert.deepEqual(dp.inbound(esp, 0), [
    { kind: 'drop', reason: 'unknown-spi', spi: 0x4242, unknownSpi: { peer: '192.0.2.2', protocol: 'esp' } },
  ]);
  // RFC 4302 §2: next header, payload length 4 (24-byte header with a 12-byte ICV), SPI, sequence.
  const ah = buildIpv4(
    { protocol: 51, ...from },
    Uint8Array.from([4, 4, 0, 0, 0, 0, 0x51, 0x51, 0, 0, 0, 1, ...new Uint8Array(12), ...new Uint8Array(20)]),
  );
  const out = dp.inbound(ah, 0);
  assert.deepEqual(out, [
    { kind: 'drop', reason: 'unknown-spi', spi: 0x5151, unknownSpi: { peer: '192.0.2.2', protocol: 'ah' } },
  ]);
  assert.equal(dp.dropStatistics()['unknown-spi'], 2);
});
