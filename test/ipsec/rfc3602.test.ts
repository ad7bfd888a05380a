// RFC 3602 §4 Case #5: a transport-mode ESP packet (ping 192.168.123.100), AES-128-CBC,
// no authentication. Key, IV, original and encrypted packets are copied from the RFC.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { Spd } from '../../src/ipsec/spd.js';
import type { IpsecSa } from '../../src/policy/sa.js';
import { ANY_TS, fixedRng, hex, reverseTs, toHex } from './helpers.js';

const KEY = hex('90d382b4 10eeba7a d938c46c ec1a82bf');
const IV = hex('e96e8c08 ab465763 fd098d45 dd3ff893');
const ORIGINAL = hex(`45000054 08f20000 4001f9fe c0a87b03 c0a87b64
  08000ebd a70a0000 8e9c083d b95b0700 08090a0b 0c0d0e0f 10111213 14151617
  18191a1b 1c1d1e1f 20212223 24252627 28292a2b 2c2d2e2f 30313233 34353637`);
const ENCRYPTED = hex(`4500007c 08f20000 4032f9a5 c0a87b03 c0a87b64
  00004321 00000001
  e96e8c08 ab465763 fd098d45 dd3ff893
  f663c25d 325c18c6 a9453e19 4e120849 a4870b66 cc6b9965 330013b4 898dc856
  a4699e52 3a55db08 0b59ec3a 8e4b7e52 775b07d1 db34ed9c 538ab50c 551b874a
  a269add0 47ad2d59 13ac19b7 cfbad4a6`);

const sa: IpsecSa = {
  protocol: 'esp',
  direction: 'outbound',
  spi: 0x4321,
  mode: 'transport',
  source: '192.168.123.3',
  destination: '192.168.123.100',
  cipher: 'aes-cbc',
  cipherKeyBits: 128,
  encryptionKey: KEY,
  integrity: 'none',
  selector: ANY_TS,
  lifetime: { seconds: 0, kilobytes: 0 },
};

test('RFC 3602 case 5: our encapsulation of the plaintext is the RFC ciphertext', () => {
  const dp = new DataPlane({
    rng: fixedRng(IV),
    spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]),
  });
  dp.installSa(sa, 0);
  const actions = dp.outbound(ORIGINAL, 0);
  assert.equal(actions.length, 1);
  const a = actions[0]!;
  assert.equal(a.kind, 'send');
  if (a.kind !== 'send') return;
  assert.equal(toHex(a.packet), toHex(ENCRYPTED));
});

test('RFC 3602 case 5: decapsulating the RFC packet gives the original', () => {
  const dp = new DataPlane();
  dp.installSa({ ...sa, direction: 'inbound', selector: reverseTs(ANY_TS) }, 0);
  const actions = dp.inbound(ENCRYPTED, 0);
  assert.deepEqual(
    actions.map((a) => a.kind),
    ['deliver'],
  );
  const a = actions[0]!;
  if (a.kind !== 'deliver') return;
  assert.equal(toHex(a.packet), toHex(ORIGINAL));
  const c = dp.counters(0x4321, 'esp', '192.168.123.100');
  assert.equal(c?.decaps, 1);
  assert.equal(c?.decrypt, 1);
  assert.equal(c?.verify, 0);
});
