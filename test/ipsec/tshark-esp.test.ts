// tshark's ESP decryption (Wireshark 4.0, esp_sa UAT) of packets we build: for every cipher
// and integrity algorithm tshark knows, the inner ICMP must decrypt and the ICV be "good".
// The packets come from the native ESP crypto when the addon is built (the gateway's path).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { Spd } from '../../src/ipsec/spd.js';
import type { EspCipher, IntegrityAlg, IpsecSa } from '../../src/policy/sa.js';
import { ANY_TS, espPair, INTEG_BYTES, keyOf, ping } from './helpers.js';
import { hexKey, tsharkFields, tsharkMissing } from './tshark.js';
import { loadEspCrypto } from '../../src/gateway/dataPlaneAdapter.js';

const loaded = loadEspCrypto();
const native = typeof loaded === 'string' ? {} : { espCrypto: loaded };

// the names of Wireshark 4.0's esp_sa UAT (epan/dissectors/packet-ipsec.c)
const TSHARK_CIPHER: Record<EspCipher, string> = {
  'des-cbc': 'DES-CBC [RFC2405]',
  '3des-cbc': 'TripleDES-CBC [RFC2451]',
  'aes-cbc': 'AES-CBC [RFC3602]',
  'aes-ctr': 'AES-CTR [RFC3686]',
  'aes-gcm-8': 'AES-GCM with 8 octet ICV [RFC4106]',
  'aes-gcm-12': 'AES-GCM with 12 octet ICV [RFC4106]',
  'aes-gcm-16': 'AES-GCM with 16 octet ICV [RFC4106]',
  null: 'NULL',
};
const TSHARK_INTEGRITY: Record<IntegrityAlg, string> = {
  'hmac-md5-96': 'HMAC-MD5-96 [RFC2403]',
  'hmac-sha1-96': 'HMAC-SHA-1-96 [RFC2404]',
  'hmac-sha256-128': 'HMAC-SHA-256-128 [RFC4868]',
  'hmac-sha384-192': 'HMAC-SHA-384-192 [RFC4868]',
  'hmac-sha512-256': 'HMAC-SHA-512-256 [RFC4868]',
  none: 'NULL',
};

interface Case {
  readonly cipher: EspCipher;
  readonly integrity: IntegrityAlg;
  readonly keyBits: number;
}

const INTEGRITIES: IntegrityAlg[] = [
  'hmac-md5-96',
  'hmac-sha1-96',
  'hmac-sha256-128',
  'hmac-sha384-192',
  'hmac-sha512-256',
];
const CASES: Case[] = [
  ...(['des-cbc', '3des-cbc', 'aes-cbc', 'aes-ctr', 'null'] as const).flatMap((cipher) =>
    INTEGRITIES.map((integrity) => ({ cipher, integrity, keyBits: 128 })),
  ),
  { cipher: 'aes-cbc', integrity: 'hmac-sha256-128', keyBits: 256 },
  { cipher: 'aes-cbc', integrity: 'none', keyBits: 128 },
  { cipher: 'aes-ctr', integrity: 'hmac-sha1-96', keyBits: 256 },
  { cipher: 'aes-gcm-8', integrity: 'none', keyBits: 128 },
  { cipher: 'aes-gcm-12', integrity: 'none', keyBits: 128 },
  { cipher: 'aes-gcm-16', integrity: 'none', keyBits: 128 },
  { cipher: 'aes-gcm-16', integrity: 'none', keyBits: 256 },
];

function keyLength(c: Case): number {
  switch (c.cipher) {
    case 'des-cbc':
      return 8;
    case '3des-cbc':
      return 24;
    case 'null':
      return 0;
    case 'aes-cbc':
      return c.keyBits / 8;
    default:
      return c.keyBits / 8 + 4;
  }
}

const skip = tsharkMissing();

test('tshark decrypts our ESP for every cipher x integrity it knows, ICV good', { skip }, () => {
  const packets: Uint8Array[] = [];
  const uats: string[] = [];
  CASES.forEach((c, i) => {
    const spi = 0x10000 + i;
    const pair = espPair(c.cipher, c.integrity, {
      spi,
      cipherKeyBits: c.keyBits,
      encryptionKey: keyOf(keyLength(c), i + 5),
      integrityKey: keyOf(INTEG_BYTES[c.integrity], i + 50),
    });
    const dp = new DataPlane({ ...native, spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
    const sa: IpsecSa = pair.out;
    dp.installSa(sa, 0);
    // two packets per SA: the second has a different length (other padding)
    for (const size of [56, 61]) {
      const a = dp.outbound(ping('10.1.0.10', '10.2.0.10', packets.length + 1, size), 0);
      const s = a[0]!;
      assert.ok(s.kind === 'send');
      packets.push(s.packet);
    }
    uats.push(
      `uat:esp_sa:"IPv4","192.0.2.1","192.0.2.2","0x${spi.toString(16).padStart(8, '0')}","${TSHARK_CIPHER[c.cipher]}","${hexKey(sa.encryptionKey)}","${TSHARK_INTEGRITY[sa.integrity]}","${hexKey(sa.integrityKey)}"`,
    );
  });
  // control: the same kind of packet with a key tshark is told wrongly must not verify
  const control = espPair('aes-cbc', 'hmac-sha1-96', { spi: 0x20000 });
  const cdp = new DataPlane({ ...native, spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
  cdp.installSa(control.out, 0);
  const cs = cdp.outbound(ping('10.1.0.10', '10.2.0.10', 999), 0)[0]!;
  assert.ok(cs.kind === 'send');
  uats.push(
    `uat:esp_sa:"IPv4","192.0.2.1","192.0.2.2","0x00020000","AES-CBC [RFC3602]","${hexKey(control.out.encryptionKey)}","HMAC-SHA-1-96 [RFC2404]","${hexKey(keyOf(20, 77))}"`,
  );
  const rows = tsharkFields(
    [...packets, cs.packet],
    ['esp.enable_encryption_decode:TRUE', 'esp.enable_authentication_check:TRUE', ...uats],
    ['frame.number', 'esp.spi', 'esp.icv_good', 'icmp.type', 'icmp.seq', 'ip.src', 'esp.icv_bad'],
  );
  assert.equal(rows.length, packets.length + 1);
  const bad = rows.pop()!;
  assert.equal(bad[6], '1', `control frame must show a bad ICV: ${bad.join('|')}`);
  if (process.env.SHOW_TSHARK) console.log(rows.map((r) => r.join('|')).join('\n'));
  rows.forEach((row, k) => {
    const c = CASES[Math.floor(k / 2)]!;
    const label = `${c.cipher}-${c.keyBits} + ${c.integrity} (frame ${row[0]})`;
    assert.equal(row[3], '8', `${label}: decrypted to an ICMP echo request: ${row.join('|')}`);
    assert.equal(row[4], String(k + 1), `${label}: ICMP sequence`);
    assert.equal(row[5], '192.0.2.1,10.1.0.10', `${label}: outer and inner source`);
    // tshark checks the GCM tag as the ICV too
    if (c.integrity !== 'none' || c.cipher.startsWith('aes-gcm'))
      assert.equal(row[2], '1', `${label}: ICV good`);
  });
});
