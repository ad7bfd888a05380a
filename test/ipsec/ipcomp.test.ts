// IPComp (RFC 3173) and its algorithms: LZS (RFC 2395 / ANSI X3.241) against hand-worked
// bit streams, DEFLATE (RFC 2394) against python3's zlib, the threshold and non-expansion
// rules, and a decompressor that refuses hostile input without crashing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { lzsCompress, lzsDecompress, LzsError } from '../../src/ipsec/lzs.js';
import { cpiAcceptable } from '../../src/policy/ipcomp.js';
import {
  decompressWith,
  IPCOMP_THRESHOLD,
  ipcompCompress,
  ipcompDecompress,
  IpcompError,
} from '../../src/ipsec/ipcomp.js';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { Spd } from '../../src/ipsec/spd.js';
import type { DataPlaneAction } from '../../src/ipsec/actions.js';
import type { EspBatchCrypto } from '../../src/ipsec/espCrypto.js';
import { loadEspCrypto } from '../../src/gateway/dataPlaneAdapter.js';
import type { IpsecSa } from '../../src/policy/sa.js';
import { buildIpv4 } from '../../src/packet/ipv4.js';
import { ipv4FromText } from '../../src/packet/address.js';
import { ANY_TS, espPair } from './helpers.js';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

// Worked by hand from the grammar of RFC 1974 §2.1 (the LZS of ANSI X3.241 that RFC 2395
// names), most significant bit first:
//   "ABABABABAB": literal 'A'  0 01000001
//                 literal 'B'  0 01000010
//                 string       1 1 0000010 (7-bit offset 2)  1111 0000 (length 8)
//                 end marker   1 1 0000000, then 0000 to the byte boundary
//   = 0010 0000 1001 0000 1011 0000 0101 1110 0001 1000 0000 0000 = 20 90 b0 5e 18 00
const ABAB = { plain: Buffer.from('ABABABABAB'), lzs: hex('2090b05e1800') };
//   "A" x 40:     literal 'A'  0 01000001
//                 string       1 1 0000001 (offset 1)  1111 1111 1111 0001 (8 + 15 + 15 + 1 = 39)
//                 end marker   1 1 0000000, then 0000
//   = 0010 0000 1110 0000 0111 1111 1111 1100 0111 0000 0000 0000 = 20 e0 7f fc 70 00
const AAAA = { plain: Buffer.alloc(40, 'A'), lzs: hex('20e07ffc7000') };

test('LZS: the hand-worked streams decompress, and compress back to the same bits', () => {
  for (const v of [ABAB, AAAA]) {
    assert.deepEqual(Buffer.from(lzsDecompress(v.lzs, 100)), v.plain);
    assert.deepEqual(Buffer.from(lzsCompress(v.plain)), Buffer.from(v.lzs));
  }
});

test('LZS: an 11-bit offset (bytes 0..129, then 0 1 again: 0 00010000010 00)', () => {
  const plain = new Uint8Array(132);
  for (let i = 0; i < 130; i++) plain[i] = i;
  plain[130] = 0;
  plain[131] = 1;
  const out = lzsCompress(plain);
  // 130 literals (1170 bits), the string 1 0 00010000010 00 (15 bits), the end marker (9 bits)
  assert.equal(out.length, Math.ceil((130 * 9 + 15 + 9) / 8));
  // the string starts at bit 1170: byte 146, bit 2
  const bits = Array.from(out.subarray(146, 150), (b) => b.toString(2).padStart(8, '0')).join('');
  assert.equal(bits.slice(2, 2 + 15 + 9), '100001000001000' + '110000000');
  assert.deepEqual(lzsDecompress(out, 200), plain);
});

test('LZS: round trip of random and repetitive data', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 8 }), (data, alphabet) => {
      const skewed = data.map((b) => b % (alphabet * 32));
      for (const d of [data, skewed]) assert.deepEqual(lzsDecompress(lzsCompress(d), 4000), d);
    }),
    { numRuns: 60 },
  );
});

test('LZS: malformed or oversized input is an LzsError, never a crash', () => {
  assert.throws(() => lzsDecompress(hex('2090b0'), 100), LzsError); // no end marker
  assert.throws(() => lzsDecompress(hex('c1'), 100), LzsError); // offset before the start
  assert.throws(() => lzsDecompress(hex('800000'), 100), LzsError); // 11-bit offset 0
  assert.throws(() => lzsDecompress(ABAB.lzs, 9), LzsError); // limit
  assert.throws(() => lzsDecompress(hex('2090b05e1801'), 100), LzsError); // data after the end
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (junk) => {
      try {
        const out = lzsDecompress(junk, 1500);
        assert.ok(out.length <= 1500);
      } catch (e) {
        assert.ok(e instanceof LzsError);
      }
    }),
    { numRuns: 500 },
  );
});

// python3 -c "import zlib; c = zlib.compressobj(6, zlib.DEFLATED, -15);
//   d = (b'GET /index.html HTTP/1.1\r\nHost: 10.2.0.10\r\nAccept: */*\r\n\r\n') * 3;
//   print((c.compress(d) + c.flush()).hex())"
const HTTP = Buffer.from('GET /index.html HTTP/1.1\r\nHost: 10.2.0.10\r\nAccept: */*\r\n\r\n'.repeat(3));
const HTTP_DEFLATE = hex(
  '73770d51d0cfcc4b49add0cb28c9cd51f0080909d037d433e4e5f2c82f2eb1523034d033d233d03334e0e5724c4e4e2d000a69e96bf172f172b90f804e00',
);

test('DEFLATE: raw DEFLATE from python3 zlib (wbits -15) inflates', () => {
  assert.deepEqual(Buffer.from(decompressWith('deflate', HTTP_DEFLATE, 65535)), HTTP);
  assert.throws(() => decompressWith('deflate', HTTP_DEFLATE, 100), IpcompError);
  assert.throws(() => decompressWith('deflate', hex('ffff0000'), 100), IpcompError);
});

test('DEFLATE: what we compress, python3 zlib inflates', (t) => {
  const probe = spawnSync('python3', ['-c', 'import zlib'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('python3 with zlib is not installed');
    return;
  }
  const datagram = ipcompCompress('deflate', 0x1234, HTTP, 4);
  assert.ok(datagram);
  const script =
    'import sys, zlib; d = bytes.fromhex(sys.argv[1]); sys.stdout.write(zlib.decompress(d, -15).hex())';
  const r = spawnSync('python3', ['-c', script, Buffer.from(datagram.subarray(4)).toString('hex')], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, HTTP.toString('hex'));
});

test('IPComp header: next header, zero flags, the CPI; decompression checks the CPI', () => {
  for (const alg of ['deflate', 'lzs'] as const) {
    const d = ipcompCompress(alg, 0x4321, HTTP, 4);
    assert.ok(d && d.length < HTTP.length, alg);
    assert.deepEqual([...d.subarray(0, 4)], [4, 0, 0x43, 0x21]);
    const back = ipcompDecompress(alg, 0x4321, d);
    assert.equal(back.nextHeader, 4);
    assert.deepEqual(Buffer.from(back.payload), HTTP);
    assert.throws(() => ipcompDecompress(alg, 0x4322, d), /CPI/);
    const nested = Uint8Array.from(d);
    nested[0] = 108;
    assert.throws(() => ipcompDecompress(alg, 0x4321, nested), /nested/);
    assert.throws(() => ipcompDecompress(alg, 0x4321, d.subarray(0, 3)), IpcompError);
  }
});

test('RFC 3173 §2.2: below the threshold or not smaller, sent without IPComp', () => {
  const small = Buffer.alloc(IPCOMP_THRESHOLD - 1, 'a');
  assert.equal(ipcompCompress('lzs', 300, small, 4), undefined);
  assert.ok(ipcompCompress('lzs', 300, Buffer.alloc(IPCOMP_THRESHOLD, 'a'), 4));
  // SHA-256 output stands in for encrypted or already compressed data
  const noise = Buffer.concat(
    Array.from({ length: 32 }, (_, i) => createHash('sha256').update(String(i)).digest()),
  );
  assert.equal(ipcompCompress('deflate', 300, noise, 4), undefined);
  assert.equal(ipcompCompress('lzs', 300, noise, 4), undefined);
});

test('RFC 3173 §3.3: CPIs 0 and 64-255 are refused, well-known, negotiated and private ones taken', () => {
  assert.equal(cpiAcceptable(0), false);
  assert.equal(cpiAcceptable(64), false);
  assert.equal(cpiAcceptable(255), false);
  assert.equal(cpiAcceptable(65536), false);
  for (const ok of [2, 3, 63, 256, 61439, 61440, 65535]) assert.equal(cpiAcceptable(ok), true, String(ok));
});

// ------------------------------------------------------------------ in the data plane

const native = loadEspCrypto();

function planes(
  outbound: IpsecSa['ipcomp'],
  inbound: IpsecSa['ipcomp'],
  mode: 'tunnel' | 'transport',
  espCrypto?: EspBatchCrypto,
) {
  const pair = espPair('aes-cbc', 'hmac-sha1-96', { mode });
  const crypto = espCrypto !== undefined ? { espCrypto } : {};
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]), ...crypto });
  const b = new DataPlane(crypto);
  a.installSa({ ...pair.out, ...(outbound ? { ipcomp: outbound } : {}) }, 0);
  b.installSa({ ...pair.in, ...(inbound ? { ipcomp: inbound } : {}) }, 0);
  return { a, b, spi: pair.out.spi };
}

function udpPacket(payload: Uint8Array): Uint8Array {
  const udp = new Uint8Array(8 + payload.length);
  udp[0] = 0x13;
  udp[1] = 0x88;
  udp[2] = 0x13;
  udp[3] = 0x89;
  udp[4] = udp.length >> 8;
  udp[5] = udp.length & 0xff;
  udp.set(payload, 8);
  return buildIpv4(
    { protocol: 17, source: ipv4FromText('192.0.2.1'), destination: ipv4FromText('192.0.2.2'), ttl: 64 },
    udp,
  );
}

function through(a: DataPlane, b: DataPlane, packet: Uint8Array): DataPlaneAction[] {
  const sent = a.outbound(packet, 1).filter((x) => x.kind === 'send');
  assert.equal(sent.length, 1);
  return b.inbound(sent[0]!.packet, 1);
}

for (const mode of ['tunnel', 'transport'] as const) {
  for (const algorithm of ['lzs', 'deflate'] as const) {
    test(`data plane, ${mode} mode, ${algorithm}: compressed inside ESP, small packets not`, () => {
      const { a, b, spi } = planes({ algorithm, cpi: 0x2345 }, { algorithm, cpi: 0x2345 }, mode);
      const big = udpPacket(HTTP);
      const delivered = through(a, b, big);
      assert.deepEqual(
        delivered.map((x) => x.kind),
        ['deliver'],
      );
      assert.deepEqual(Buffer.from((delivered[0] as { packet: Uint8Array }).packet), Buffer.from(big));
      const small = udpPacket(Buffer.from('tiny'));
      assert.deepEqual(
        Buffer.from((through(a, b, small)[0] as { packet: Uint8Array }).packet),
        Buffer.from(small),
      );
      const out = a.counters(spi, 'esp', '192.0.2.2')!;
      const inb = b.counters(spi, 'esp', '192.0.2.2')!;
      assert.equal(out.compressed, 1);
      assert.equal(out.notCompressed, 1);
      assert.equal(inb.decompressed, 1);
      assert.equal(inb.recvErrors, 0);
      // accounting stays on the uncompressed bytes, as the lifetime in kilobytes is defined
      assert.equal(out.bytes, mode === 'tunnel' ? big.length + small.length : big.length + small.length - 40);
    });
  }
}

test('data plane with the native ESP crypto: batches compress and decompress the same way', (t) => {
  if (typeof native === 'string') {
    t.skip(`no native addon: ${native}`);
    return;
  }
  const { a, b, spi } = planes(
    { algorithm: 'lzs', cpi: 777 },
    { algorithm: 'lzs', cpi: 777 },
    'tunnel',
    native,
  );
  const packets = [udpPacket(HTTP), udpPacket(Buffer.from('tiny')), udpPacket(HTTP)];
  const sent = a.outboundBatch(packets, 1).filter((x) => x.kind === 'send');
  assert.equal(sent.length, 3);
  const delivered = b.inboundBatch(
    sent.map((x) => x.packet),
    1,
  );
  assert.deepEqual(
    delivered.map((x) => (x.kind === 'deliver' ? Buffer.from(x.packet).toString('hex') : x.kind)),
    packets.map((p) => Buffer.from(p).toString('hex')),
  );
  assert.equal(a.counters(spi, 'esp', '192.0.2.2')!.compressed, 2);
  assert.equal(b.counters(spi, 'esp', '192.0.2.2')!.decompressed, 2);
});

test('data plane: a wrong CPI, a payload that does not decompress, IPComp on an SA without it: counted drops', () => {
  const cases: [IpsecSa['ipcomp'], IpsecSa['ipcomp'], RegExp][] = [
    [{ algorithm: 'lzs', cpi: 300 }, { algorithm: 'lzs', cpi: 301 }, /CPI 300/],
    [{ algorithm: 'lzs', cpi: 300 }, { algorithm: 'deflate', cpi: 300 }, /DEFLATE/],
    [{ algorithm: 'deflate', cpi: 300 }, undefined, /without IPComp/],
  ];
  for (const [outbound, inbound, why] of cases) {
    const { a, b, spi } = planes(outbound, inbound, 'tunnel');
    const r = through(a, b, udpPacket(HTTP));
    assert.equal(r.length, 1);
    const drop = r[0]!;
    assert.equal(drop.kind, 'drop');
    assert.equal(drop.kind === 'drop' && drop.reason, 'decompress');
    assert.match((drop as { detail?: string }).detail ?? '', why);
    const c = b.counters(spi, 'esp', '192.0.2.2')!;
    assert.equal(c.decompressFailed, 1);
    assert.equal(c.recvErrors, 1);
  }
});
