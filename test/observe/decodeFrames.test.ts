import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyFrame, FrameClassifier } from '../../src/observe/decodeFrames.js';
import { LINKTYPE_ETHERNET, LINKTYPE_RAW, type PcapFrame } from '../../src/observe/pcap.js';
import { udpIpv4Frame } from '../util/udpFrame.js';

const ike = Uint8Array.from({ length: 28 }, (_, i) => i + 1);

function raw(data: Uint8Array, number = 1): PcapFrame {
  return { number, time: 0, linkType: LINKTYPE_RAW, data };
}

test('UDP 500: the whole UDP payload is the ISAKMP message', () => {
  const got = classifyFrame(raw(udpIpv4Frame('192.0.2.1', '192.0.2.2', 500, 500, ike), 7));
  assert.equal(got.kind, 'isakmp');
  if (got.kind !== 'isakmp') return;
  assert.equal(got.frame, 7);
  assert.equal(got.src, '192.0.2.1');
  assert.equal(got.dst, '192.0.2.2');
  assert.equal(got.srcPort, 500);
  assert.equal(got.nonEspMarker, false);
  assert.deepEqual([...got.bytes], [...ike]);
  assert.equal(got.frameOffset, 28); // 20 bytes IPv4 + 8 bytes UDP
});

test('UDP 4500: non-ESP marker, NAT-keepalive and ESP-in-UDP (RFC 3948 §2)', () => {
  const marked = new Uint8Array([0, 0, 0, 0, ...ike]);
  const got = classifyFrame(raw(udpIpv4Frame('192.0.2.1', '192.0.2.2', 4500, 4500, marked)));
  assert.equal(got.kind, 'isakmp');
  if (got.kind === 'isakmp') {
    assert.equal(got.nonEspMarker, true);
    assert.deepEqual([...got.bytes], [...ike]);
    assert.equal(got.frameOffset, 32);
  }
  const keepalive = classifyFrame(
    raw(udpIpv4Frame('192.0.2.1', '192.0.2.2', 4500, 4500, new Uint8Array([0xff]))),
  );
  assert.deepEqual(keepalive, { kind: 'skipped', frame: 1, reason: 'NAT-keepalive' });
  const esp = new Uint8Array([0xc6, 0x2c, 0xe2, 0xe0, 0, 0, 0, 1, 9, 9, 9, 9]);
  const espFrame = classifyFrame(raw(udpIpv4Frame('192.0.2.1', '192.0.2.2', 4500, 4500, esp)));
  assert.deepEqual(espFrame, { kind: 'skipped', frame: 1, reason: 'ESP-in-UDP' });
  // A NAT in between changes one port only: still NAT-T traffic.
  const natted = classifyFrame(raw(udpIpv4Frame('198.51.100.7', '192.0.2.2', 31000, 4500, marked)));
  assert.equal(natted.kind, 'isakmp');
});

test('other UDP, other protocols and IPv4 fragments are skipped', () => {
  assert.equal(classifyFrame(raw(udpIpv4Frame('192.0.2.1', '192.0.2.2', 53, 53, ike))).kind, 'skipped');
  const tcp = udpIpv4Frame('192.0.2.1', '192.0.2.2', 500, 500, ike);
  tcp[9] = 6;
  assert.deepEqual(classifyFrame(raw(tcp)), { kind: 'skipped', frame: 1, reason: 'not UDP' });
  const fragment = udpIpv4Frame('192.0.2.1', '192.0.2.2', 500, 500, ike);
  fragment[6] = 0x20; // MF
  assert.deepEqual(classifyFrame(raw(fragment)), { kind: 'skipped', frame: 1, reason: 'IP fragment' });
  assert.deepEqual(classifyFrame(raw(new Uint8Array([0x10, 0, 0]))), {
    kind: 'skipped',
    frame: 1,
    reason: 'not IP',
  });
});

test('Ethernet frames are unwrapped', () => {
  const ip = udpIpv4Frame('192.0.2.1', '192.0.2.2', 500, 500, ike);
  const eth = new Uint8Array(14 + ip.length);
  eth.set([0x08, 0x00], 12);
  eth.set(ip, 14);
  const got = classifyFrame({ number: 3, time: 0, linkType: LINKTYPE_ETHERNET, data: eth });
  assert.equal(got.kind, 'isakmp');
  if (got.kind === 'isakmp') assert.equal(got.frameOffset, 14 + 28);
});

test('broken IPv4/UDP headers are reported with the frame offset', () => {
  const frame = udpIpv4Frame('192.0.2.1', '192.0.2.2', 500, 500, ike);
  const lying = frame.slice();
  lying[24] = 0x01; // UDP length 256+36 > 36 captured bytes
  const got = classifyFrame(raw(lying, 4));
  assert.equal(got.kind, 'broken');
  if (got.kind === 'broken') {
    assert.equal(got.frame, 4);
    assert.equal(got.frameOffset, 24); // the UDP length field
    assert.match(got.message, /UDP length/);
  }
  const short = classifyFrame(raw(frame.subarray(0, 12)));
  assert.equal(short.kind, 'broken');
  const badIhl = frame.slice();
  badIhl[0] = 0x44; // IHL 4 words < 20 bytes
  assert.equal(classifyFrame(raw(badIhl)).kind, 'broken');
});

/** IPv6 + optional extension header + UDP, built by hand (checksums are not checked by the decoder). */
function udpIpv6Frame(sport: number, dport: number, payload: Uint8Array, hopByHop: boolean): Uint8Array {
  const ext = hopByHop ? 8 : 0;
  const out = new Uint8Array(40 + ext + 8 + payload.length);
  out[0] = 0x60;
  const payloadLength = ext + 8 + payload.length;
  out[4] = payloadLength >> 8;
  out[5] = payloadLength & 0xff;
  out[6] = hopByHop ? 0 : 17;
  out[7] = 64;
  out.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 8); // 2001:db8::1
  out.set([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], 24); // 2001:db8:1::2
  if (hopByHop) out.set([17, 0, 1, 4, 0, 0, 0, 0], 40); // next UDP, length 8, PadN
  const udp = 40 + ext;
  out[udp] = sport >> 8;
  out[udp + 1] = sport & 0xff;
  out[udp + 2] = dport >> 8;
  out[udp + 3] = dport & 0xff;
  out[udp + 4] = (8 + payload.length) >> 8;
  out[udp + 5] = (8 + payload.length) & 0xff;
  out.set(payload, udp + 8);
  return out;
}

test('IPv6, with and without an extension header', () => {
  for (const hopByHop of [false, true]) {
    const got = classifyFrame(raw(udpIpv6Frame(4500, 4500, new Uint8Array([0, 0, 0, 0, ...ike]), hopByHop)));
    assert.equal(got.kind, 'isakmp');
    if (got.kind !== 'isakmp') continue;
    assert.equal(got.src, '2001:db8::1');
    assert.equal(got.dst, '2001:db8:1::2');
    assert.deepEqual([...got.bytes], [...ike]);
    assert.equal(got.frameOffset, 40 + (hopByHop ? 8 : 0) + 8 + 4);
  }
});

/** Splits an IPv4 packet (20-byte header) into fragments carrying `sizes` payload bytes each. */
function ipv4Fragments(packet: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const payload = packet.subarray(20);
  const out: Uint8Array[] = [];
  let offset = 0;
  sizes.forEach((size, i) => {
    const last = i === sizes.length - 1;
    const piece = payload.subarray(offset, last ? payload.length : offset + size);
    const fragment = new Uint8Array(20 + piece.length);
    fragment.set(packet.subarray(0, 20));
    fragment[2] = fragment.length >> 8;
    fragment[3] = fragment.length & 0xff;
    const field = (last ? 0 : 0x2000) | (offset / 8);
    fragment[6] = field >> 8;
    fragment[7] = field & 0xff;
    fragment.set(piece, 20);
    out.push(fragment);
    offset += piece.length;
  });
  return out;
}

test('IPv4 fragments are reassembled, in any order (RFC 791)', () => {
  const big = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const packet = udpIpv4Frame('192.0.2.1', '192.0.2.2', 500, 500, big);
  packet[4] = 0x12; // identification 0x1234
  packet[5] = 0x34;
  const [a, b, c] = ipv4Fragments(packet, [104, 96, 0]);
  for (const order of [
    [a!, b!, c!],
    [c!, a!, b!],
  ]) {
    const classifier = new FrameClassifier();
    const results = order.map((data, i) => classifier.classify(raw(data, i + 1)));
    assert.deepEqual(
      results.slice(0, 2).map((r) => r.kind),
      ['skipped', 'skipped'],
    );
    const last = results[2]!;
    assert.equal(last.kind, 'isakmp');
    if (last.kind !== 'isakmp') continue;
    assert.deepEqual([...last.bytes], [...big]);
    assert.deepEqual([...(last.ipFragments ?? [])].sort(), [1, 2, 3]);
    assert.equal(last.src, '192.0.2.1');
  }
  // Without the middle fragment nothing is produced; a stateless classify skips fragments.
  const classifier = new FrameClassifier();
  assert.equal(classifier.classify(raw(a!, 1)).kind, 'skipped');
  assert.equal(classifier.classify(raw(c!, 3)).kind, 'skipped');
  assert.deepEqual(classifyFrame(raw(a!)), { kind: 'skipped', frame: 1, reason: 'IP fragment' });
});

test('IPv6 fragments are reassembled (RFC 8200 §4.5)', () => {
  const big = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff);
  const whole = udpIpv6Frame(500, 500, big, false);
  const payload = whole.subarray(40); // UDP header + data, 208 bytes
  const fragment = (offset: number, piece: Uint8Array, more: boolean): Uint8Array => {
    const out = new Uint8Array(48 + piece.length);
    out.set(whole.subarray(0, 40));
    out[4] = (8 + piece.length) >> 8;
    out[5] = (8 + piece.length) & 0xff;
    out[6] = 44; // Fragment header
    const field = offset | (more ? 1 : 0);
    out.set([17, 0, field >> 8, field & 0xff, 0xde, 0xad, 0xbe, 0xef], 40);
    out.set(piece, 48);
    return out;
  };
  const classifier = new FrameClassifier();
  // Frames read from a file are Buffer views: reassembly must not write into them.
  const first = Buffer.from(fragment(0, payload.subarray(0, 104), true));
  const before = Buffer.from(first);
  assert.equal(classifier.classify(raw(first, 1)).kind, 'skipped');
  const got = classifier.classify(raw(fragment(104, payload.subarray(104), false), 2));
  assert.equal(got.kind, 'isakmp');
  if (got.kind !== 'isakmp') return;
  assert.deepEqual([...got.bytes], [...big]);
  assert.deepEqual(got.ipFragments, [1, 2]);
  assert.equal(got.src, '2001:db8::1');
  assert.deepEqual(first, before);
});
