// AH (RFC 4302): a hand-computed ICV, mutable fields, round trips, and tshark's dissection.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { Spd } from '../../src/ipsec/spd.js';
import type { IpsecSa } from '../../src/policy/sa.js';
import { setIpv4Checksum } from '../../src/packet/ipv4.js';
import { buildIpv6 } from '../../src/packet/ipv6.js';
import { ipv6FromText } from '../../src/packet/address.js';
import { ipv4HeaderForIcv } from '../../src/ipsec/ah.js';
import { ANY_TS, ANY_TS6, hex, ping, toHex } from './helpers.js';
import { tsharkFields, tsharkMissing } from './tshark.js';

const KEY = new Uint8Array(20).fill(0x0b);

function ahSa(
  direction: 'inbound' | 'outbound',
  mode: 'tunnel' | 'transport',
  extra: Partial<IpsecSa> = {},
): IpsecSa {
  return {
    protocol: 'ah',
    direction,
    spi: 0x1000,
    mode,
    source: '192.0.2.1',
    destination: '192.0.2.2',
    integrity: 'hmac-sha1-96',
    integrityKey: KEY,
    selector: ANY_TS,
    lifetime: { seconds: 0, kilobytes: 0 },
    ...extra,
  };
}

// 192.0.2.1 -> 192.0.2.2, TOS 0x10, ID 0x1234, DF, TTL 64, ICMP echo id 1 seq 1 "deadbeef"
// (ICMP checksum by hand: 0800 + 0001 + 0001 + dead + beef = 1a59e -> a59f -> ~ = 5a60)
const ORIGINAL = hex('45100020 12344000 40010000 c0000201 c0000202 08005a60 00010001 deadbeef');
setIpv4Checksum(ORIGINAL);

test('AH transport: the ICV is HMAC-SHA1-96 over the hand-built RFC 4302 §3.3.3 input', () => {
  const dp = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
  dp.installSa(ahSa('outbound', 'transport'), 0);
  const s = dp.outbound(ORIGINAL, 0)[0]!;
  assert.ok(s.kind === 'send');
  // IP header: TOS, flags + fragment offset, TTL and checksum zeroed; length 56, protocol 51
  // AH: next header 1 (ICMP), payload length 24/4 - 2 = 4, SPI 0x1000, sequence 1, ICV zeroed
  // then the ICMP payload unchanged
  const icvInput = hex(`
    45000038 12340000 00330000 c0000201 c0000202
    01040000 00001000 00000001 00000000 00000000 00000000
    08005a60 00010001 deadbeef`);
  assert.equal(icvInput.length, 20 + 24 + 12);
  const expectedIcv = createHmac('sha1', KEY).update(icvInput).digest().subarray(0, 12);
  const expected = hex(
    `45100038 12344000 4033 0000 c0000201 c0000202 01040000 00001000 00000001 ${toHex(expectedIcv)} 08005a60 00010001 deadbeef`,
  );
  setIpv4Checksum(expected);
  assert.equal(toHex(s.packet), toHex(expected));
});

test('AH: mutable fields may change in transit, immutable ones may not', () => {
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
  a.installSa(ahSa('outbound', 'transport'), 0);
  const wire = Uint8Array.from((a.outbound(ORIGINAL, 0)[0] as { packet: Uint8Array }).packet);
  const mutated = Uint8Array.from(wire);
  mutated[1] = 0xb8; // DSCP/ECN rewritten
  mutated[6] = 0x00; // DF cleared
  mutated[8] = 12; // TTL decremented on the way
  setIpv4Checksum(mutated);
  const b = new DataPlane();
  b.installSa(ahSa('inbound', 'transport'), 0);
  const ok = b.inbound(mutated, 0);
  assert.equal(ok[0]!.kind, 'deliver');
  const tampered = Uint8Array.from(wire);
  tampered[5] = tampered[5]! ^ 1; // identification is immutable
  tampered[29] = 2; // and a different sequence number so the window does not answer first
  setIpv4Checksum(tampered);
  assert.deepEqual(b.inbound(tampered, 0), [{ kind: 'drop', reason: 'integrity', spi: 0x1000 }]);
  assert.equal(b.counters(0x1000, 'ah', '192.0.2.2')!.integrityFailures, 1);
});

test('AH IPv4 options: immutable ones are covered, mutable ones zeroed (RFC 4302 App. A1)', () => {
  // Router Alert (148, immutable, 4 bytes), Record Route (7, mutable, 7 bytes), NOP
  const h = hex('48000020 00000000 40010000 c0000201 c0000202 94040000 07070400 00000001');
  const z = ipv4HeaderForIcv(h);
  assert.equal(toHex(z.subarray(20)), '94040000' + '00000000000000' + '01');
});

test('AH tunnel and transport round trips, IPv4 and IPv6, with ESN', () => {
  for (const mode of ['tunnel', 'transport'] as const) {
    for (const esn of [false, true]) {
      const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
      const b = new DataPlane();
      a.installSa(
        ahSa('outbound', mode, {
          extendedSequenceNumbers: esn,
          integrity: 'hmac-sha512-256',
          integrityKey: new Uint8Array(64).fill(3),
        }),
        0,
      );
      b.installSa(
        ahSa('inbound', mode, {
          extendedSequenceNumbers: esn,
          integrity: 'hmac-sha512-256',
          integrityKey: new Uint8Array(64).fill(3),
        }),
        0,
      );
      const pkt = mode === 'tunnel' ? ping('10.1.0.10', '10.2.0.10') : ping('192.0.2.1', '192.0.2.2');
      const s = a.outbound(pkt, 0)[0]!;
      assert.ok(s.kind === 'send');
      const d = b.inbound(s.packet, 0)[0]!;
      assert.ok(d.kind === 'deliver', `${mode} esn=${esn}`);
      assert.equal(toHex(d.packet), toHex(pkt));
    }
  }
  const v6 = {
    source: '2001:db8::1',
    destination: '2001:db8::2',
    selector: ANY_TS6,
    integrity: 'hmac-sha256-128' as const,
    integrityKey: new Uint8Array(32).fill(9),
  };
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS6 }]) });
  const b = new DataPlane();
  a.installSa(ahSa('outbound', 'transport', v6), 0);
  b.installSa(ahSa('inbound', 'transport', v6), 0);
  const pkt = buildIpv6(
    {
      nextHeader: 17,
      source: ipv6FromText('2001:db8::1'),
      destination: ipv6FromText('2001:db8::2'),
      flowLabel: 7,
    },
    hex('12340035000c0000deadbeef'),
  );
  const s = a.outbound(pkt, 0)[0]!;
  assert.ok(s.kind === 'send');
  assert.equal(s.packet.length, pkt.length + 32, 'AH for SHA-256-128 is 28 bytes, padded to 32 for IPv6');
  const d = b.inbound(s.packet, 0)[0]!;
  assert.ok(d.kind === 'deliver');
  assert.equal(toHex(d.packet), toHex(pkt));
});

test(
  'tshark dissects our AH (transport and tunnel) down to the ICMP inside',
  { skip: tsharkMissing() },
  () => {
    const packets: Uint8Array[] = [];
    for (const mode of ['transport', 'tunnel'] as const) {
      const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
      a.installSa(ahSa('outbound', mode, { spi: mode === 'tunnel' ? 0x2000 : 0x1000 }), 0);
      const s = a.outbound(mode === 'tunnel' ? ping('10.1.0.10', '10.2.0.10') : ORIGINAL, 0)[0]!;
      assert.ok(s.kind === 'send');
      packets.push(s.packet);
    }
    const rows = tsharkFields(
      packets,
      [],
      ['ah.spi', 'ah.sequence', 'ah.length', 'ah.next_header', 'icmp.type', 'ip.src'],
    );
    assert.deepEqual(rows[0], ['0x00001000', '1', '4', '1', '8', '192.0.2.1']);
    assert.deepEqual(rows[1], ['0x00002000', '1', '4', '4', '8', '192.0.2.1,10.1.0.10']);
  },
);
