// Diffie-Hellman groups. Known answers: RFC 5903 §8 (ECP 19/20/21, with IKE's x|y encoding),
// RFC 7748 §6.1 (X25519, group 31). MODP primes are checked against the formula the RFCs
// print for each of them (RFC 2409 §6.1/§6.2, RFC 3526 §2-§7:
// p = 2^n - 2^(n-64) - 1 + 2^64 * ( [2^(n-130) pi] + k )), with pi computed here; MODP
// results are checked against a BigInt modular exponentiation written in this file.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  getDhGroup,
  InvalidPublicValueError,
  SUPPORTED_DH_GROUPS,
  type DhGroup,
} from '../../src/crypto/index.js';
import { hex, toHex } from './hex.js';

function group(id: number): DhGroup {
  const g = getDhGroup(id);
  assert.ok(g, `group ${id}`);
  return g;
}

function big(bytes: Uint8Array): bigint {
  return BigInt(`0x${toHex(bytes) || '0'}`);
}

function bytesOf(value: bigint, length: number): Uint8Array {
  return hex(value.toString(16).padStart(length * 2, '0'));
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

// floor(2^bits * pi) by Machin's formula pi = 16 atan(1/5) - 4 atan(1/239), in fixed point.
function piFixed(bits: number): bigint {
  const guard = 64n;
  const one = 1n << (BigInt(bits) + guard);
  const atanInv = (x: bigint): bigint => {
    let sum = 0n;
    let term = one / x;
    const x2 = x * x;
    for (let n = 1n, sign = 1n; term !== 0n; n += 2n, sign = -sign) {
      sum += (sign * term) / n;
      term /= x2;
    }
    return sum;
  };
  return (16n * atanInv(5n) - 4n * atanInv(239n)) >> guard;
}

/** p from 2^bits mod p = 2^bits - p (p < 2^bits < 2p for all these primes). */
function primeOf(g: DhGroup, bits: number): bigint {
  return (1n << BigInt(bits)) - big(g.generateKeyPair(bytesOf(BigInt(bits), 2)).publicValue);
}

// [group, bits, k] as printed in RFC 2409 §6.1, §6.2 and RFC 3526 §2-§7.
const MODP: [number, number, bigint][] = [
  [1, 768, 149686n],
  [2, 1024, 129093n],
  [5, 1536, 741804n],
  [14, 2048, 124476n],
  [15, 3072, 1690314n],
  [16, 4096, 240904n],
  [17, 6144, 929484n],
  [18, 8192, 4743158n],
];

describe('MODP groups', () => {
  const pi = piFixed(8192 - 130);
  for (const [id, bits, k] of MODP) {
    it(`group ${id}: the RFC's ${bits}-bit prime, generator 2, KE length ${bits / 8}`, () => {
      const g = group(id);
      assert.equal(g.kind, 'modp');
      assert.equal(g.publicLength, bits / 8);
      const n = BigInt(bits);
      const piPart = pi >> BigInt(8192 - bits);
      const expected = (1n << n) - (1n << (n - 64n)) - 1n + (1n << 64n) * (piPart + k);
      // Generator 2: x = 2 gives 4. And since p < 2^bits < 2p, 2^bits mod p = 2^bits - p.
      assert.equal(big(g.generateKeyPair(hex('02')).publicValue), 4n);
      assert.equal(primeOf(g, bits), expected);
    });
  }

  it('group 14: public value and shared secret equal a BigInt computation, both directions', () => {
    const g = group(14);
    const p = primeOf(g, 2048);
    const a = hex('5f2b1c9d0e4a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c');
    const b = hex('0123456789abcdeffedcba98765432100123456789abcdeffedcba9876543210aa');
    const pa = g.generateKeyPair(a);
    const pb = g.generateKeyPair(b);
    assert.equal(big(pa.publicValue), modPow(2n, big(a), p));
    const s1 = g.computeSharedSecret(pa, pb.publicValue);
    const s2 = g.computeSharedSecret(pb, pa.publicValue);
    assert.equal(s1.length, 256);
    assert.equal(toHex(s1), toHex(s2));
    assert.equal(big(s1), modPow(modPow(2n, big(b), p), big(a), p));
  });

  it('group 2: the key pair of RUB-NDS testComputeDHSecret (Java), a secret with a leading zero byte', () => {
    const g = group(2);
    const x = hex(
      '357449FA7673FCF4FAF97D5BD90F42F7CEF89AF2523D7B49C500377BFE3F8DB3A55DA3AD0ABDD0E363FB69EDEA9F97539F8C9EBABA87C4056A23AA52C6ED5F866EBE68C8F7AA3C4984FE3846BF35D64252DAEC4D52A076220487B8B098FA04F5156E6C68BDCC1D9C156AE80F4DB02ED4B33840FE2C8B5C20D1335CCA08A53EAC',
    );
    const pub =
      '75212BD6A675FB8764A87E119AE2F17CE5AE39F584BD202B7A38F560192F6A2EE60D74917C84D2C2F73275837DEFBC3F1A1290C42E8E8C40786D8262F1A8774DE94556916A138603ED28606C6451C52FA6002A5B82B23407D525584AB12BC94970E42E0A9206ED6985A516739DF996159BCB61B1718F56D05AC96446A598D31B';
    const peer = hex(
      'B8C8F889D2105EC783B99A62FD792A48628CCAD1D30A9BD19CB0A8D5BE155A7A22F86386E8592A683CE01A8CBE77E48E45702BA82E6E73831E7400ADB77D45E873A3228AA4B76EF02443681FD8CDDA76716A90A4C8006DCBDBD6425A1E2AFC8B8C9837FFD53A69D7747A12A6231ABCDF9B887742E25A86B5C516BFD7CC0F29C8',
    );
    const pair = g.generateKeyPair(x);
    assert.equal(toHex(pair.publicValue), pub.toLowerCase());
    const secret = g.computeSharedSecret(pair, peer);
    // The Java test asserts exactly this: 128 bytes, the first one zero.
    assert.equal(secret.length, 128);
    assert.equal(secret[0], 0);
    assert.equal(big(secret), modPow(big(peer), big(x), primeOf(g, 1024)));
  });

  it('group 1: short results are zero-padded to the prime length', () => {
    const g = group(1);
    const pair = g.generateKeyPair(hex('03'));
    assert.equal(pair.publicValue.length, 96);
    assert.equal(toHex(pair.publicValue), '00'.repeat(95) + '08');
    // peer 4 = 2^2, secret = 4^3 = 64, also padded.
    const secret = g.computeSharedSecret(pair, bytesOf(4n, 96));
    assert.equal(toHex(secret), '00'.repeat(95) + '40');
  });

  it('random key pairs agree (groups 2 and 5)', () => {
    for (const id of [2, 5]) {
      const g = group(id);
      const a = g.generateKeyPair();
      const b = g.generateKeyPair();
      assert.notEqual(toHex(a.privateKey), toHex(b.privateKey));
      assert.equal(
        toHex(g.computeSharedSecret(a, b.publicValue)),
        toHex(g.computeSharedSecret(b, a.publicValue)),
      );
    }
  });

  it('rejects 0, 1, p-1, p, >= p and wrong lengths (RFC 6989 §2.1)', () => {
    const g = group(2);
    const pair = g.generateKeyPair();
    const p = primeOf(g, 1024);
    for (const y of [0n, 1n, p - 1n, p, p + 1n, (1n << 1024n) - 1n]) {
      assert.throws(() => g.computeSharedSecret(pair, bytesOf(y, 128)), InvalidPublicValueError, `y=${y}`);
    }
    assert.throws(() => g.computeSharedSecret(pair, new Uint8Array(127).fill(7)), InvalidPublicValueError);
    assert.throws(() => g.computeSharedSecret(pair, new Uint8Array(129).fill(7)), InvalidPublicValueError);
    assert.throws(() => g.computeSharedSecret(pair, new Uint8Array(0)), InvalidPublicValueError);
    // 2 and p-2 are fine.
    assert.equal(g.computeSharedSecret(pair, bytesOf(2n, 128)).length, 128);
    assert.equal(g.computeSharedSecret(pair, bytesOf(p - 2n, 128)).length, 128);
  });
});

// RFC 5903 §8: i, g^i (x, y), r, g^r (x, y), g^ir x.
const ECP: Record<19 | 20 | 21, [string, string, string, string, string, string, string]> = {
  19: [
    'C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433',
    'DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180',
    '5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3',
    'C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53',
    'D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63',
    '56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB',
    'D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE',
  ],
  20: [
    '099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655 E35B5380 41E649EE 3FAEF896 783AB194',
    '667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6 DE3AC808 ACB4BDB4 C88732AE E95F41AA',
    '9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E EB9FCFF3 C2C947DA E69B4C63 4573A81C',
    '41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942 E0308312 916B8ED2 960E4BD5 5A7448FC',
    'E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D 0D1AC43A 0336DEF9 6FDA41D0 774A3571',
    'DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF F83FA401 42209DFF 5EAAD96D B9E6386C',
    '11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4 D6031355 69B9E9D0 9CF5D4A2 70F59746',
  ],
  21: [
    '0037ADE9 319A89F4 DABDB3EF 411AACCC A5123C61 ACAB57B5 393DCE47 608172A0 95AA85A3 0FE1C295 2C6771D9 37BA9777 F5957B26 39BAB072 462F68C2 7A57382D 4A52',
    '0015417E 84DBF28C 0AD3C278 713349DC 7DF153C8 97A1891B D98BAB43 57C9ECBE E1E3BF42 E00B8E38 0AEAE57C 2D107564 94188594 2AF5A7F4 601723C4 195D176C ED3E',
    '017CAE20 B6641D2E EB695786 D8C94614 6239D099 E18E1D5A 514C739D 7CB4A10A D8A78801 5AC405D7 799DC75E 7B7D5B6C F2261A6A 7F150743 8BF01BEB 6CA3926F 9582',
    '0145BA99 A847AF43 793FDD0E 872E7CDF A16BE30F DC780F97 BCCC3F07 8380201E 9C677D60 0B343757 A3BDBF2A 3163E4C2 F869CCA7 458AA4A4 EFFC311F 5CB15168 5EB9',
    '00D0B397 5AC4B799 F5BEA16D 5E13E9AF 971D5E9B 984C9F39 728B5E57 39735A21 9B97C356 436ADC6E 95BB0352 F6BE64A6 C2912D4E F2D0433C ED2B6171 640012D9 460F',
    '015C6822 6383956E 3BD066E7 97B623C2 7CE0EAC2 F551A10C 2C724D98 52077B87 220B6536 C5C408A1 D2AEBB8E 86D678AE 49CB5709 1F473229 6579AB44 FCD17F0F C56A',
    '01144C7D 79AE6956 BC8EDB8E 7C787C45 21CB086F A64407F9 7894E5E6 B2D79B04 D1427E73 CA4BAA24 0A347868 59810C06 B3C715A3 A8CC3151 F2BEE417 996D19F3 DDEA',
  ],
};

describe('ECP groups (RFC 5903 §8)', () => {
  for (const [idText, v] of Object.entries(ECP)) {
    const id = Number(idText);
    const [i, gix, giy, r, grx, gry, girx] = v.map((s) => toHex(hex(s)));
    it(`group ${id}: KE data is g^x | g^y, shared secret is the x of g^ir`, () => {
      const g = group(id);
      assert.equal(g.kind, 'ecp');
      const initiator = g.generateKeyPair(hex(i ?? ''));
      const responder = g.generateKeyPair(hex(r ?? ''));
      assert.equal(toHex(initiator.publicValue), `${gix}${giy}`);
      assert.equal(toHex(responder.publicValue), `${grx}${gry}`);
      assert.equal(initiator.publicValue.length, g.publicLength);
      assert.equal(toHex(g.computeSharedSecret(initiator, responder.publicValue)), girx);
      assert.equal(toHex(g.computeSharedSecret(responder, initiator.publicValue)), girx);
    });
    it(`group ${id}: rejects points off the curve, the wrong length and the SEC 1 prefix`, () => {
      const g = group(id);
      const pair = g.generateKeyPair();
      const peer = hex(`${grx}${gry}`);
      const offCurve = peer.slice();
      offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] ?? 0) ^ 1;
      assert.throws(() => g.computeSharedSecret(pair, offCurve), InvalidPublicValueError);
      assert.throws(() => g.computeSharedSecret(pair, new Uint8Array(peer.length)), InvalidPublicValueError);
      assert.throws(() => g.computeSharedSecret(pair, peer.subarray(1)), InvalidPublicValueError);
      const sec1 = new Uint8Array(peer.length + 1);
      sec1[0] = 4;
      sec1.set(peer, 1);
      assert.throws(() => g.computeSharedSecret(pair, sec1), InvalidPublicValueError);
    });
  }
});

describe('Curve25519, group 31 (RFC 7748 §6.1, RFC 8031)', () => {
  const alice = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
  const alicePub = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
  const bob = '5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb';
  const bobPub = 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f';
  const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
  it('Alice and Bob', () => {
    const g = group(31);
    assert.equal(g.kind, 'curve25519');
    assert.equal(g.publicLength, 32);
    const a = g.generateKeyPair(hex(alice));
    const b = g.generateKeyPair(hex(bob));
    assert.equal(toHex(a.publicValue), alicePub);
    assert.equal(toHex(b.publicValue), bobPub);
    assert.equal(toHex(g.computeSharedSecret(a, b.publicValue)), shared);
    assert.equal(toHex(g.computeSharedSecret(b, a.publicValue)), shared);
  });
  it('gives the same secret from a pair it did not make, and after forgetting its own', () => {
    const g = group(31);
    const a = g.generateKeyPair(hex(alice));
    const copy = { ...a, privateKey: a.privateKey.slice() };
    assert.equal(toHex(g.computeSharedSecret(copy, hex(bobPub))), shared);
    g.forget(a);
    assert.equal(toHex(g.computeSharedSecret(a, hex(bobPub))), shared);
  });
  it('rejects small-order points (all-zero shared secret) and wrong lengths', () => {
    const g = group(31);
    const pair = g.generateKeyPair();
    const zero = new Uint8Array(32);
    const one = new Uint8Array(32);
    one[0] = 1;
    for (const u of [zero, one]) assert.throws(() => g.computeSharedSecret(pair, u), InvalidPublicValueError);
    assert.throws(() => g.computeSharedSecret(pair, hex(bobPub).subarray(1)), InvalidPublicValueError);
    assert.throws(() => g.computeSharedSecret(pair, new Uint8Array(33)), InvalidPublicValueError);
  });
});

describe('private value lengths (RFC 3526 §8)', () => {
  // RFC 3526 §8's two strength estimates per MODP group (bits); RFC 2409's 768- and 1024-bit
  // groups taken as 80 bits. A random exponent needs twice the strength; more only costs time.
  const strength: readonly [number, number, number][] = [
    [1, 80, 80],
    [2, 80, 80],
    [5, 90, 120],
    [14, 110, 160],
    [15, 130, 210],
    [16, 150, 240],
    [17, 170, 270],
    [18, 190, 310],
  ];
  for (const [id, low, high] of strength) {
    it(`MODP group ${id}: at least 2 x ${low} bits, at most 2 x ${high}`, () => {
      const bits = group(id).privateLength * 8;
      assert.ok(bits >= 2 * low && bits <= 2 * high, `${bits} bits`);
    });
  }
  it('MODP group 14 takes a 256-bit exponent, as OpenSSL does', () => {
    assert.equal(group(14).privateLength, 32);
  });
});

describe('group table', () => {
  it('knows exactly the supported groups', () => {
    for (const id of SUPPORTED_DH_GROUPS) assert.equal(group(id).id, id);
    for (const id of [0, 3, 4, 22, 23, 24, 25, 26, 30, 32]) assert.equal(getDhGroup(id), undefined);
  });
});
