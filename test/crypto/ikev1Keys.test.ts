// IKEv1 key derivation outside the strongSwan captures:
// - RUB-NDS IPsec-StateMachineExtractor's IKEv1HandshakeSessionSecretsTest (an independent
//   Java implementation): PSK + SHA-1 + AES-128 phase-1 keys, initial IV, HASH_R and an
//   informational-exchange IV;
// - SKEYID for public-key encryption, App. B expansion and multi-block KEYMAT checked against
//   the RFC 2409 formulas written out here with node's HMAC directly (hand composition).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import {
  CryptoParameterError,
  deriveSkeyids,
  expandEncryptionKey,
  hashR,
  keymat,
  nextIv,
  phase1Iv,
  phase2Iv,
  skeyidPke,
  skeyidPsk,
  uint32Bytes,
} from '../../src/crypto/index.js';
import { ascii, hex, toHex } from './hex.js';

function hmac(alg: string, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const h = createHmac(alg, key);
  for (const d of data) h.update(d);
  return new Uint8Array(h.digest());
}

describe('RUB-NDS IKEv1HandshakeSessionSecretsTest vectors (PSK "AAAA", SHA-1, AES-128, group 2)', () => {
  const sai = hex(
    '00000001000000010000002c01010001000000240101000080010007800e0080800200028004000280030001800b0001800c7080',
  );
  const idr = hex('010000000a00030a');

  it('testComputeSecretKeys', () => {
    const ckyI = hex('7116900aa5c2880d');
    const ckyR = hex('047ad6f8b3d0abb7');
    const ni = hex('4654fdd74594982a');
    const nr = hex('3673e64987b4956dbb8b933399251a5abf88f557a723b802b345f838667e9a4e');
    const gxi = hex(
      '75fb75db0749d4b15d9bb067b63399f790246dd7919d0c0a88fc34dd76eb9ad204e162b261914c0966a2d32d05178d4c0f0ec3817692fca675678f2fd2a6869188b943e33ad44cc859a5af98d6d5332c538cff4174ee737c8624de910cc40bd953f7940d1b2d8a681cee03c85199fbe773bfa100ffea5fcb82eed25a399b0b3e',
    );
    const gxr = hex(
      '2096a31ff922e5224d9d19f06a41e2d9aebe1180d4e5cbc3d6ea166e2b8810d5ddd048375025ae9bf895ad40c508cd8b9398bded0d00ae7e77c1a1eb31930495106892630152a926a45037606cda4651340082fc10558786b4d8c4e6d72222d580d9a30d9c3b7fe9c348a6eadc5e79a24fe4b4364297b5ff71914ef8a6980e73',
    );
    const gxy = hex(
      '19B67B23EB5F792EC9D7E11D16501CA20F2A2D0B230D525CD824DFB16867B515DC2CE9560B20B2149BFB360C1662C26A5AD7FE1FAA86E66213238C80B2ED46CCB821BF5043093027EB6E32C71685A093306DF20C24190C7F93947FA21E56D10E4C5B7063B2B4DC1747F1DF0BD46975D1825EEDE335E3ACBAD71A063CECF866C7',
    );
    const skeyid = skeyidPsk('sha1', ascii('AAAA'), ni, nr);
    assert.equal(toHex(skeyid), '49856bc53f30db8ce55f5befae9e42431279550c');
    const { d, a, e } = deriveSkeyids('sha1', skeyid, gxy, ckyI, ckyR);
    assert.equal(toHex(d), 'e5d7368180a8766f09c90cc9ac15182d3cd492ee');
    assert.equal(toHex(a), '92de109fe83047c95812b600820f1476cd24aa49');
    assert.equal(toHex(e), 'de5d24679ad21491e63e2d7173017769cd7b9bc5');
    assert.equal(toHex(expandEncryptionKey('sha1', e, 16)), 'de5d24679ad21491e63e2d7173017769');
    assert.equal(toHex(phase1Iv('sha1', gxi, gxr, 16)), '139568606df1337cbcbc8fa7d201c8a8');
    assert.equal(
      toHex(hashR('sha1', skeyid, gxi, gxr, ckyI, ckyR, sai, idr)),
      'ba8c49cfd796bdc78e63ff6b5a858fc289dad933',
    );
  });

  it('testComputeSecretKeysInformationalExchange (IV of M-ID d8029d42 before any phase-1 encryption)', () => {
    const ckyI = hex('dc3f1d7452b2c376');
    const ckyR = hex('5f17969262b7829b');
    const ni = hex('18eeeee5b29ef938');
    const nr = hex('cf6306dcc088a94c1983462f97a3128ecdefbe4a1925cffddedd526215648099');
    const gxi = hex(
      'a8b04c567a6bb3ab17da6a07f3f1667e6c70fb992ffe0a01dccc0877214c1936cc13a66aa97e4cd9ebfd61f6a7119859bba763255b54364d37a59f969d230f877cce6d77ca843e5f0cb24e354d51a429aabf75238f5a17ef5801f3b02d9f35dcd3562c35e6aeff67e9c71961f9313b6306c2c1adb428d6e70e713f894d9b7eda',
    );
    const gxr = hex(
      '7947cdf90ed5f07ca325c9c9e6de95a82e5728b2e1daf44866100723ad2bed0f09e8383cf89c7645c805c2942d4aebfa1b6c351a9666faa1f4988c3a557cb411a3b73fd3e094144e646ef5eb85118a61f06c6359e0f19b43a99720b49ae322155d462004be5e09140cfc843e0622c6735bc90ab730577fc311b23b25a8d283fa',
    );
    const gxy = hex(
      '9FC4267E99D40EE7AA19492615990548621EBED0AE925A0810C2F4BF30A100F6B13201BAC4595281E5F2FB6FAF56F9CDA292991B40B41A48CFBA7713140DE1784DBD525C0CB88A4D3B4B46D7CABD539CDD1E79EDE000420CFFE9ED8BCA0B2FE09208D9D3145F55F68CE0E3C6C479616B64F3EB451CD4CE268310BCDC766BA8A2',
    );
    const skeyid = skeyidPsk('sha1', ascii('AAAA'), ni, nr);
    assert.equal(toHex(skeyid), '505e91ca4127fe30d9cad15f6176e8c504d2d612');
    const { d, a, e } = deriveSkeyids('sha1', skeyid, gxy, ckyI, ckyR);
    assert.equal(toHex(d), '571d06b00eda6d375310377f3b3e0994a936e0f2');
    assert.equal(toHex(a), '1de7b88b63deea0bb41374c6f9514f64b894e083');
    assert.equal(toHex(e), '84faf4df7dcec32ac45f13a485e732632160f596');
    const iv0 = phase1Iv('sha1', gxi, gxr, 16);
    assert.equal(toHex(iv0), '0e09ed33bac3584d1d10762a9bd026c1');
    assert.equal(
      toHex(hashR('sha1', skeyid, gxi, gxr, ckyI, ckyR, sai, idr)),
      'ddb2cf1067913e83ea6633b8b174bc8ce559b9d1',
    );
    // No phase-1 message was encrypted yet, so the "last phase-1 block" is the initial IV.
    assert.equal(toHex(phase2Iv('sha1', iv0, 0xd8029d42, 16)), '0bf60ed4c34fea8a12077a204dfd413f');
  });
});

describe('RFC 2409 formulas written out with node HMAC', () => {
  const ni = hex('0102030405060708');
  const nr = hex('a1a2a3a4a5a6a7a8a9aa');
  const ckyI = hex('1122334455667788');
  const ckyR = hex('99aabbccddeeff00');

  it('§5: SKEYID for public key encryption = prf(hash(Ni_b | Nr_b), CKY-I | CKY-R)', () => {
    for (const alg of ['md5', 'sha1', 'sha256'] as const) {
      const key = createHash(alg).update(ni).update(nr).digest();
      const expected = hmac(alg, key, ckyI, ckyR);
      assert.equal(toHex(skeyidPke(alg, ni, nr, ckyI, ckyR)), toHex(expected));
    }
  });

  it('App. B: Ka = K1 | K2 | K3 with K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1)', () => {
    const e = hex('00112233445566778899aabbccddeeff');
    const k1 = hmac('md5', e, new Uint8Array([0]));
    const k2 = hmac('md5', e, k1);
    const k3 = hmac('md5', e, k2);
    const all = toHex(k1) + toHex(k2) + toHex(k3);
    assert.equal(toHex(expandEncryptionKey('md5', e, 24)), all.slice(0, 48)); // 3DES with MD5
    assert.equal(toHex(expandEncryptionKey('md5', e, 32)), all.slice(0, 64)); // AES-256 with MD5
    assert.equal(toHex(expandEncryptionKey('md5', e, 40)), all.slice(0, 80));
    // SKEYID_e long enough: its leading bytes, no expansion.
    assert.equal(toHex(expandEncryptionKey('md5', e, 8)), toHex(e).slice(0, 16));
  });

  it('§5.5: KEYMAT longer than one PRF output, with and without g(qm)^xy', () => {
    const skeyidD = hex('0f0e0d0c0b0a09080706050403020100');
    const gqm = hex('deadbeef'.repeat(8));
    for (const pfs of [undefined, gqm]) {
      const seed = [...(pfs ? [pfs] : []), new Uint8Array([3]), hex('c0ffee01'), ni, nr];
      const k1 = hmac('sha1', skeyidD, ...seed);
      const k2 = hmac('sha1', skeyidD, k1, ...seed);
      const k3 = hmac('sha1', skeyidD, k2, ...seed);
      const expected = (toHex(k1) + toHex(k2) + toHex(k3)).slice(0, 2 * 52); // AES-256 + SHA-1 key
      assert.equal(toHex(keymat('sha1', skeyidD, 3, 0xc0ffee01, ni, nr, 52, pfs)), expected);
      assert.equal(toHex(keymat('sha1', skeyidD, 3, hex('c0ffee01'), ni, nr, 52, pfs)), expected);
    }
  });

  it('M-ID and SPI are encoded as uint32 big-endian; out-of-range values are refused', () => {
    assert.equal(toHex(uint32Bytes(0xd8029d42)), 'd8029d42');
    assert.equal(toHex(uint32Bytes(0)), '00000000');
    for (const bad of [-1, 2 ** 32, 1.5, Number.NaN])
      assert.throws(() => uint32Bytes(bad), CryptoParameterError);
  });

  it('nextIv is the last ciphertext block', () => {
    assert.equal(
      toHex(nextIv(hex('000102030405060708090a0b0c0d0e0f1011121314151617'), 8)),
      '1011121314151617',
    );
    assert.throws(() => nextIv(new Uint8Array(4), 8), CryptoParameterError);
  });
});
