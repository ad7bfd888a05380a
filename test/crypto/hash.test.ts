// HMAC known answers: RFC 2202 (MD5, SHA-1), RFC 4231 (SHA-2), and the IPsec truncations of
// RFC 2403/2404 (96 bits) and RFC 4868 §2.7.2 (HMAC-SHA-256-128/384-192/512-256).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  computeIcv,
  getIntegrity,
  hashLength,
  hashOf,
  prf,
  verifyIcv,
  type HashAlg,
} from '../../src/crypto/index.js';
import { ascii, hex, repeat, toHex } from './hex.js';

const key0x0102to19 = hex('0102030405060708090a0b0c0d0e0f10111213141516171819');
const bigKeyData = 'Test Using Larger Than Block-Size Key - Hash Key First';

describe('RFC 2202 HMAC-MD5', () => {
  const cases: [Uint8Array, Uint8Array, string][] = [
    [repeat(0x0b, 16), ascii('Hi There'), '9294727a3638bb1c13f48ef8158bfc9d'],
    [ascii('Jefe'), ascii('what do ya want for nothing?'), '750c783e6ab0b503eaa86e310a5db738'],
    [repeat(0xaa, 16), repeat(0xdd, 50), '56be34521d144c88dbb8c733f0e8b3f6'],
    [key0x0102to19, repeat(0xcd, 50), '697eaf0aca3a3aea3a75164746ffaa79'],
    [repeat(0x0c, 16), ascii('Test With Truncation'), '56461ef2342edc00f9bab995690efd4c'],
    [repeat(0xaa, 80), ascii(bigKeyData), '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd'],
    [
      repeat(0xaa, 80),
      ascii('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
      '6f630fad67cda0ee1fb1f562db3aa53e',
    ],
  ];
  cases.forEach(([key, data, mac], i) => {
    it(`test case ${i + 1}`, () => assert.equal(toHex(prf('md5', key, data)), mac));
  });
  it('test case 5 truncated to 96 bits (HMAC-MD5-96, RFC 2403)', () => {
    const icv = computeIcv('hmac-md5-96', repeat(0x0c, 16), ascii('Test With Truncation'));
    assert.equal(toHex(icv), '56461ef2342edc00f9bab995');
  });
});

describe('RFC 2202 HMAC-SHA-1', () => {
  const cases: [Uint8Array, Uint8Array, string][] = [
    [repeat(0x0b, 20), ascii('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
    [ascii('Jefe'), ascii('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
    [repeat(0xaa, 20), repeat(0xdd, 50), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
    [key0x0102to19, repeat(0xcd, 50), '4c9007f4026250c6bc8414f9bf50c86c2d7235da'],
    [repeat(0x0c, 20), ascii('Test With Truncation'), '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04'],
    [repeat(0xaa, 80), ascii(bigKeyData), 'aa4ae5e15272d00e95705637ce8a3b55ed402112'],
    [
      repeat(0xaa, 80),
      ascii('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'),
      'e8e99d0f45237d786d6bbaa7965c7808bbff1a91',
    ],
  ];
  cases.forEach(([key, data, mac], i) => {
    it(`test case ${i + 1}`, () => assert.equal(toHex(prf('sha1', key, data)), mac));
  });
  it('test case 5 truncated to 96 bits (HMAC-SHA-1-96, RFC 2404)', () => {
    const icv = computeIcv('hmac-sha1-96', repeat(0x0c, 20), ascii('Test With Truncation'));
    assert.equal(toHex(icv), '4c1a03424b55e07fe7f27be1');
  });
});

describe('RFC 4231 HMAC-SHA-256/384/512', () => {
  const cases: { key: Uint8Array; data: Uint8Array; mac: Record<'sha256' | 'sha384' | 'sha512', string> }[] =
    [
      {
        key: repeat(0x0b, 20),
        data: ascii('Hi There'),
        mac: {
          sha256: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
          sha384:
            'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
          sha512:
            '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
        },
      },
      {
        key: repeat(0xaa, 20),
        data: repeat(0xdd, 50),
        mac: {
          sha256: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
          sha384:
            '88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27',
          sha512:
            'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb',
        },
      },
      {
        key: key0x0102to19,
        data: repeat(0xcd, 50),
        mac: {
          sha256: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
          sha384:
            '3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb',
          sha512:
            'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd',
        },
      },
      {
        key: repeat(0xaa, 131),
        data: ascii(bigKeyData),
        mac: {
          sha256: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
          sha384:
            '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
          sha512:
            '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
        },
      },
    ];
  for (const [i, c] of cases.entries()) {
    for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
      it(`${hash} case ${i}`, () => assert.equal(toHex(prf(hash, c.key, c.data)), c.mac[hash]));
    }
  }
});

describe('RFC 4868 §2.7.2 truncated ICVs (keys as long as the hash output)', () => {
  it('HMAC-SHA-256-128', () => {
    assert.equal(
      toHex(computeIcv('hmac-sha256-128', repeat(0x0b, 32), ascii('Hi There'))),
      '198a607eb44bfbc69903a0f1cf2bbdc5',
    );
    assert.equal(
      toHex(computeIcv('hmac-sha256-128', ascii('Jefe'.repeat(8)), ascii('what do ya want for nothing?'))),
      '167f928588c5cc2eef8e3093caa0e87c',
    );
    assert.equal(
      toHex(computeIcv('hmac-sha256-128', repeat(0xaa, 32), repeat(0xdd, 50))),
      'cdcb1220d1ecccea91e53aba3092f962',
    );
  });
  it('HMAC-SHA-384-192', () => {
    assert.equal(
      toHex(computeIcv('hmac-sha384-192', repeat(0x0b, 48), ascii('Hi There'))),
      'b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973',
    );
    assert.equal(
      toHex(computeIcv('hmac-sha384-192', ascii('Jefe'.repeat(12)), ascii('what do ya want for nothing?'))),
      '2c7353974f1842fd66d53c452ca42122b28c0b594cfb184d',
    );
    assert.equal(
      toHex(computeIcv('hmac-sha384-192', repeat(0xaa, 48), repeat(0xdd, 50))),
      '809f439be00274321d4a538652164b53554a508184a0c316',
    );
  });
  it('HMAC-SHA-512-256', () => {
    assert.equal(
      toHex(computeIcv('hmac-sha512-256', repeat(0x0b, 64), ascii('Hi There'))),
      '637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8',
    );
    assert.equal(
      toHex(computeIcv('hmac-sha512-256', ascii('Jefe'.repeat(16)), ascii('what do ya want for nothing?'))),
      'cb370917ae8a7ce28cfd1d8f4705d6141c173b2a9362c15df235dfb251b15454',
    );
    assert.equal(
      toHex(computeIcv('hmac-sha512-256', repeat(0xaa, 64), repeat(0xdd, 50))),
      '2ee7acd783624ca9398710f3ee05ae41b9f9b0510c87e49e586cc9bf961733d8',
    );
  });
});

describe('integrity suites', () => {
  it('key and ICV lengths per RFC 2403/2404/4868', () => {
    assert.deepEqual(
      (
        [
          'hmac-md5-96',
          'hmac-sha1-96',
          'hmac-sha256-128',
          'hmac-sha384-192',
          'hmac-sha512-256',
          'none',
        ] as const
      ).map((a) => [getIntegrity(a).keyLength, getIntegrity(a).icvLength]),
      [
        [16, 12],
        [20, 12],
        [32, 16],
        [48, 24],
        [64, 32],
        [0, 0],
      ],
    );
  });
  it('verifyIcv accepts the right ICV and rejects a flipped bit, a short ICV and an empty one', () => {
    const key = repeat(0x0b, 32);
    const data = [ascii('Hi '), ascii('There')];
    const icv = hex('198a607eb44bfbc69903a0f1cf2bbdc5');
    assert.equal(verifyIcv('hmac-sha256-128', key, icv, ...data), true);
    const bad = icv.slice();
    bad[15] = (bad[15] ?? 0) ^ 1;
    assert.equal(verifyIcv('hmac-sha256-128', key, bad, ...data), false);
    assert.equal(verifyIcv('hmac-sha256-128', key, icv.subarray(0, 12), ...data), false);
    assert.equal(verifyIcv('hmac-sha256-128', key, new Uint8Array(0), ...data), false);
  });
  it("'none' computes an empty ICV", () => {
    assert.equal(computeIcv('none', new Uint8Array(0), ascii('x')).length, 0);
  });
});

describe('hashes', () => {
  it('lengths and FIPS 180 / RFC 1321 "abc" digests', () => {
    const expected: Record<HashAlg, string> = {
      md5: '900150983cd24fb0d6963f7d28e17f72',
      sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      sha384:
        'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
      sha512:
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    };
    for (const [hash, digest] of Object.entries(expected) as [HashAlg, string][]) {
      assert.equal(toHex(hashOf(hash, ascii('a'), ascii('bc'))), digest);
      assert.equal(hashLength(hash), digest.length / 2);
    }
  });
});
