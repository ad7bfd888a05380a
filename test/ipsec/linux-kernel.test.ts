// Known answers from another implementation: ESP packets the Linux 4.4 kernel (xfrm) made,
// as published in scapy's test/scapy/layers/ipsec.uts ("Generated with Linux
// 4.4.0-62-generic"; `ip xfrm state add ... spi 546 mode tunnel enc ... flag align4`).
// Each is a tunnel-mode ping, sequence number 1, no authentication except GCM's tag; the
// outer header there is scapy's default IP() (127.0.0.1 -> 127.0.0.1).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { espOpen } from '../../src/ipsec/esp.js';
import { cipherContext, integrityContext } from '../../src/ipsec/transform.js';
import type { EspCipher, IpsecSa } from '../../src/policy/sa.js';
import { buildIpv4, parseIpv4 } from '../../src/packet/ipv4.js';
import { ipv4FromText } from '../../src/packet/address.js';
import { ANY_TS, hex } from './helpers.js';

interface Vector {
  readonly name: string;
  readonly cipher: EspCipher;
  readonly key: string; // xfrm key (with the RFC 3686 nonce / RFC 4106 salt)
  readonly data: string; // ESP after SPI and sequence number: IV | ciphertext | ICV
}

const VECTORS: Vector[] = [
  {
    name: "DES-CBC (xfrm 'cbc(des)')",
    cipher: 'des-cbc',
    key: '38627974656b6579',
    data: `0f6d2f3d1ec10bc2b68ffd6739c0962c 177988f6bc4df745d8366386cd087c08 2bf8a291182188d92600c52124bf8ff5
           6c47b03a8edb7521d933855a15c63100 1cef3e12ce70ec8f48c7819b66cbf539 91b38e72fb7f64656cf4a9f25e632f60`,
  },
  {
    name: "3DES-CBC (xfrm 'cbc(des3_ede)')",
    cipher: '3des-cbc',
    key: '7468726565646966666572656e743862797465736b657973',
    data: `365c9b4137c8591e3963e86bf70d9754 1384f6816619e7cb7594f10b8ea3f1a0 3e8851c450d0a91f1625c6bde90bdcae
           f81300a38c53ee1c96c0fe9970ab9477 d7c4e8fd9f9628b89520867b19bc8ff5 96b07ecc0483ae4da3ba1d44f0ba2ecd`,
  },
  {
    name: "AES-128-CBC (xfrm 'cbc(aes)')",
    cipher: 'aes-cbc',
    key: '7369787465656e6279746573206b6579',
    data: `082f94e653d88e1370e8ff615290273c f2b41f75d2a0acae1ca85e1c78214c7f c330176a8df3b1a7d1a84201d68d2d7e
           5d06dfaa052742b10012cfff64025a40 cdca1b91baf8c859e7bd4d19b48d3925 6c73f12daaeee10b71cdfc111d56ce60
           edd23287d490c3f53147976983826d38`,
  },
  {
    name: "AES-128-CTR (xfrm 'rfc3686(ctr(aes))')",
    cipher: 'aes-ctr',
    key: '3136627974656b65792b34627974656e6f6e6365',
    data: `c4ca090f8bd3053dac5a2f87ca711001 a795c907ccd4055865 23224b639b1fef 55b91a91527600f7947b1de18e032e85
           addd83228ac3886e85f59beda96eb1c3 78002fcd77e83eec0e7794b29b0f645e 0983037d832239bb9466ae9fbf01dafb`,
  },
  {
    name: "AES-128-GCM-16 (xfrm 'rfc4106(gcm(aes))')",
    cipher: 'aes-gcm-16',
    key: '3136627974656b65792b34627974656e6f6e6365',
    data: `66002886e9dfc524b0bdfd62617ed376 7b48288e76aaea48b840308ace5071bb c0b24771d7a4a0cb0368d3165a7c3784
           87c71959b47c76e348c0904bd23695c1 b7a4b67b89e64f10aedb84474600b444 e66d16555f8236a549f7528165904d28
           92b2e3f1a402d237ac0b7a10cf6446b9`,
  },
];

function sa(v: Vector): IpsecSa {
  return {
    protocol: 'esp',
    direction: 'inbound',
    spi: 546,
    mode: 'tunnel',
    source: '127.0.0.1',
    destination: '127.0.0.1',
    cipher: v.cipher,
    cipherKeyBits: 128,
    encryptionKey: hex(v.key),
    // no integrity: NULL auth (the RFC allows confidentiality-only ESP); AES-CTR without
    // integrity is refused by our SA checks, so CTR is opened with espOpen below
    integrity: 'none',
    selector: ANY_TS,
    lifetime: { seconds: 0, kilobytes: 0 },
  };
}

function espPacket(v: Vector): Uint8Array {
  const esp = new Uint8Array([0, 0, 0x02, 0x22, 0, 0, 0, 1, ...hex(v.data)]);
  return buildIpv4(
    { protocol: 50, source: ipv4FromText('127.0.0.1'), destination: ipv4FromText('127.0.0.1') },
    esp,
  );
}

for (const v of VECTORS) {
  test(`Linux kernel ESP vector: ${v.name} decapsulates to the ping`, () => {
    let inner: Uint8Array;
    if (v.cipher === 'aes-ctr') {
      const r = espOpen(
        cipherContext(sa(v)),
        integrityContext(sa(v)),
        parseIpv4(espPacket(v)).payload,
        1,
        false,
      );
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.nextHeader, 4);
      inner = r.payload;
    } else {
      const dp = new DataPlane();
      dp.installSa(sa(v), 0);
      const actions = dp.inbound(espPacket(v), 0);
      const d = actions[0]!;
      assert.ok(d.kind === 'deliver', JSON.stringify(actions));
      inner = d.packet;
    }
    const h = parseIpv4(inner, true);
    assert.equal(h.protocol, 1, 'ICMP inside');
    assert.equal(h.payload[0], 8, 'echo request');
  });
}

test('Linux kernel GCM vector with ESN (high-order bits 1): tag over SPI | seq-hi | seq-lo', () => {
  const v = VECTORS[4]!;
  // the same packet as the GCM vector above but for esn = 1: only the ICV differs
  const data = hex(v.data);
  data.set(hex('fe4d22836a810d6094db45220392f694'), data.length - 16);
  const esp = new Uint8Array([0, 0, 0x02, 0x22, 0, 0, 0, 1, ...data]);
  const esnSa = { ...sa(v), extendedSequenceNumbers: true };
  const c = cipherContext(esnSa);
  const i = integrityContext(esnSa);
  const r = espOpen(c, i, esp, 2 ** 32 + 1, true);
  assert.ok(r.ok);
  assert.equal(parseIpv4(r.payload, true).protocol, 1);
  // the ESN tag does not verify as a 32-bit-sequence packet, nor the plain one as ESN
  assert.deepEqual(espOpen(c, i, esp, 1, false), { ok: false, reason: 'integrity' });
  const plain = new Uint8Array([0, 0, 0x02, 0x22, 0, 0, 0, 1, ...hex(v.data)]);
  assert.deepEqual(espOpen(c, i, plain, 2 ** 32 + 1, true), { ok: false, reason: 'integrity' });
});
