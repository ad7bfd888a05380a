// Known-answer test against a real peer: decapsulate strongSwan 5.9.8's ESP-in-UDP packets
// (test/fixtures/strongswan-ikev1/*/capture.pcapng) with the ESP keys charon logged (each
// folder's README.md). Every ESP frame must decrypt with a good ICV to the ICMP echo
// request (r1 -> r2) or reply (r2 -> r1) the README lists, and pass the selector check.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fixture } from '../util/fixtures.js';
import { decodeCapture, ipPayload } from '../../src/observe/pcap.js';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { packetFlow } from '../../src/packet/flow.js';
import { addressToText } from '../../src/packet/address.js';
import { parseIcmp, parseIpv4 } from '../../src/packet/index.js';
import type { EspCipher, IntegrityAlg, IpsecSa } from '../../src/policy/sa.js';
import { hex, subnetTs } from './helpers.js';

interface Scenario {
  readonly cipher: EspCipher;
  readonly keyBits: number;
  readonly integrity: IntegrityAlg;
  readonly r1Inbound: number; // SPI r2 -> r1
  readonly r1Outbound: number; // SPI r1 -> r2
  readonly keys: Record<string, Uint8Array>;
  readonly r1Side: string;
}

const CIPHERS: Record<string, [EspCipher, number]> = {
  AES_CBC_128: ['aes-cbc', 128],
  AES_CBC_256: ['aes-cbc', 256],
  '3DES_CBC': ['3des-cbc', 0],
  AES_GCM_16_128: ['aes-gcm-16', 128],
};
const INTEG: Record<string, IntegrityAlg> = {
  HMAC_SHA1_96: 'hmac-sha1-96',
  HMAC_MD5_96: 'hmac-md5-96',
  HMAC_SHA2_256_128: 'hmac-sha256-128',
};

/** Reads the parameters from the README (the vector's own documentation). */
function scenario(readme: string): Scenario {
  const proposal = /Quick Mode proposal selected \(charon\) \| `ESP:([^`]+)`/.exec(readme)?.[1];
  assert.ok(proposal, 'proposal line');
  const parts = proposal.split('/');
  const c = CIPHERS[parts[0]!];
  assert.ok(c, `cipher ${parts[0]}`);
  const integ = INTEG[parts[1] ?? ''] ?? 'none';
  const spis =
    /r1 inbound, chosen by r1\): `0x([0-9a-f]+)`; r1→r2 \(r1 outbound, chosen by r2\): `0x([0-9a-f]+)`/.exec(
      readme,
    );
  assert.ok(spis, 'SPI line');
  const keys: Record<string, Uint8Array> = {};
  for (const m of readme.matchAll(
    /^(encryption|integrity) (initiator|responder) key \(\d+ bytes\) = ([0-9a-f]+)$/gm,
  )) {
    keys[`${m[1]} ${m[2]}`] = hex(m[3]!);
  }
  const r1Side = /client virtual IP ([0-9.]+)\//.exec(readme)?.[1];
  return {
    cipher: c[0],
    keyBits: c[1],
    integrity: integ,
    r1Inbound: parseInt(spis[1]!, 16),
    r1Outbound: parseInt(spis[2]!, 16),
    keys,
    r1Side: r1Side !== undefined ? `${r1Side}/32` : '10.1.0.0/24',
  };
}

const folders = readdirSync(fixture('strongswan-ikev1')).sort();

for (const folder of folders) {
  test(`strongSwan ${folder}: every ESP-in-UDP frame decapsulates to the logged ICMP`, () => {
    const readme = readFileSync(fixture(`strongswan-ikev1/${folder}/README.md`), 'utf8');
    const s = scenario(readme);
    const base = {
      protocol: 'esp' as const,
      direction: 'inbound' as const,
      mode: 'tunnel' as const,
      cipher: s.cipher,
      ...(s.keyBits > 0 ? { cipherKeyBits: s.keyBits } : {}),
      integrity: s.integrity,
      lifetime: { seconds: 3960, kilobytes: 0 },
      udpEncapsulation: { localPort: 4500, remotePort: 4500 },
    };
    // the initiator keys protect r1 -> r2 (r2's inbound SA), the responder keys r2 -> r1
    const toR2: IpsecSa = {
      ...base,
      spi: s.r1Outbound,
      source: '192.0.2.1',
      destination: '192.0.2.2',
      encryptionKey: s.keys['encryption initiator']!,
      ...(s.keys['integrity initiator'] ? { integrityKey: s.keys['integrity initiator'] } : {}),
      selector: subnetTs('10.2.0.0/24', s.r1Side),
    };
    const toR1: IpsecSa = {
      ...base,
      spi: s.r1Inbound,
      source: '192.0.2.2',
      destination: '192.0.2.1',
      encryptionKey: s.keys['encryption responder']!,
      ...(s.keys['integrity responder'] ? { integrityKey: s.keys['integrity responder'] } : {}),
      selector: subnetTs(s.r1Side, '10.2.0.0/24'),
    };
    const dp = new DataPlane();
    dp.installSa(toR2, 0);
    dp.installSa(toR1, 0);

    const frames = decodeCapture(readFileSync(fixture(`strongswan-ikev1/${folder}/capture.pcapng`)));
    let delivered = 0;
    let ike = 0;
    for (const frame of frames) {
      const ip = ipPayload(frame);
      assert.ok(ip);
      const h = parseIpv4(ip);
      const udpDport = (h.payload[2]! << 8) | h.payload[3]!;
      if (udpDport !== 4500) continue;
      const actions = dp.inbound(ip, 1000);
      for (const a of actions) {
        if (a.kind === 'ike') {
          ike++;
          continue;
        }
        assert.equal(a.kind, 'deliver', `frame ${frame.number}: ${JSON.stringify(a)}`);
        if (a.kind !== 'deliver') continue;
        const flow = packetFlow(a.packet);
        const icmp = parseIcmp(parseIpv4(a.packet).payload);
        const fromR1 = a.spi === s.r1Outbound;
        const r1Host = s.r1Side === '10.1.0.0/24' ? '10.1.0.10' : s.r1Side.split('/')[0];
        assert.equal(addressToText(flow.source), fromR1 ? r1Host : '10.2.0.10');
        assert.equal(
          icmp.type,
          fromR1 ? 8 : 0,
          `frame ${frame.number}: echo ${fromR1 ? 'request' : 'reply'}`,
        );
        delivered++;
      }
    }
    assert.ok(delivered >= 6, `${delivered} ESP frames delivered`);
    assert.ok(ike > 0, 'IKE on 4500 recognised by the non-ESP marker');
    const inR2 = dp.counters(s.r1Outbound, 'esp', '192.0.2.2')!;
    assert.equal(inR2.integrityFailures, 0);
    assert.equal(inR2.decaps, delivered / 2);
    assert.equal(inR2.verify, delivered / 2);
  });
}
