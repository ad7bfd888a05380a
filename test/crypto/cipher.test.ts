// Cipher known answers: DES (the classic "Now is the time for all " vector, FIPS 81 CBC, NESSIE
// set 8), 3DES (NIST SP 800-67 Rev. 1 example), AES-CBC (RFC 3602 §4, NIST SP 800-38A F.2),
// AES-CTR (RFC 3686 §6), AES-GCM as RFC 4106 uses it (McGrew & Viega GCM spec test cases
// 3-4, 9 and 15-16, salt cafebabe | IV facedbaddecaf888).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import {
  aeadOpen,
  aeadSeal,
  cbcDecrypt,
  cbcEncrypt,
  ctrCrypt,
  desToEde3Key,
  gcmNonce,
  getCipher,
  nodeCipherName,
  splitKeyMaterial,
  CryptoParameterError,
} from '../../src/crypto/index.js';
import { ascii, hex, toHex } from './hex.js';

const ZERO8 = new Uint8Array(8);

describe('DES-CBC as 3DES-EDE with K|K|K', () => {
  const des = getCipher('des-cbc');
  it('"Now is t" under 0123456789abcdef -> 3fa40e8a984d4815 (ECB = CBC with a zero IV)', () => {
    const c = cbcEncrypt(des, hex('0123456789abcdef'), ZERO8, ascii('Now is t'));
    assert.equal(toHex(c), '3fa40e8a984d4815');
  });
  it('FIPS 81 Appendix C CBC example', () => {
    const key = hex('0123456789abcdef');
    const iv = hex('1234567890abcdef');
    const c = cbcEncrypt(des, key, iv, ascii('Now is the time for all '));
    assert.equal(toHex(c), 'e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6');
    assert.equal(Buffer.from(cbcDecrypt(des, key, iv, c)).toString('latin1'), 'Now is the time for all ');
  });
  it('NESSIE DES set 8 vectors #0 and #1', () => {
    assert.equal(
      toHex(cbcEncrypt(des, hex('0001020304050607'), ZERO8, hex('41ad068548809d02'))),
      '0011223344556677',
    );
    assert.equal(
      toHex(cbcEncrypt(des, hex('2bd6459f82c5b300'), ZERO8, hex('b10f843097a0f932'))),
      'ea024714ad5c4d84',
    );
  });
  it('never asks OpenSSL for single DES', () => {
    assert.equal(nodeCipherName(des), 'des-ede3-cbc');
    assert.equal(toHex(desToEde3Key(hex('0123456789abcdef'))), '0123456789abcdef'.repeat(3));
    assert.throws(() => desToEde3Key(new Uint8Array(7)), CryptoParameterError);
  });
});

describe('3DES-CBC', () => {
  it('NIST SP 800-67 Rev. 1 Appendix B example (three distinct keys, first block = ECB)', () => {
    const tdes = getCipher('3des-cbc');
    const key = hex('0123456789abcdef 23456789abcdef01 456789abcdef0123');
    const blocks = [
      'The qufck brown fox jump',
      'A826FD8CE53B855F CCE21C8112256FE6 68D5C05DD9B6B900',
    ] as const;
    // ECB of each block = CBC of that block alone with a zero IV.
    const out = [0, 8, 16].map((at) =>
      toHex(cbcEncrypt(tdes, key, ZERO8, ascii(blocks[0].slice(at, at + 8)))),
    );
    assert.equal(out.join(''), toHex(hex(blocks[1])));
  });
});

describe('AES-CBC', () => {
  const cases: [number, string, string, string, string][] = [
    // RFC 3602 §4 cases 1-3 (AES-128)
    [
      128,
      '06a9214036b8a15b512e03d534120006',
      '3dafba429d9eb430b422da802c9fac41',
      toHex(ascii('Single block msg')),
      'e353779c1079aeb82708942dbe77181a',
    ],
    [
      128,
      'c286696d887c9aa0611bbb3e2025a45a',
      '562e17996d093d28ddb3ba695a2e6f58',
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      'd296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1',
    ],
    [
      128,
      '56e47a38c5598974bc46903dba290349',
      '8ce82eefbea0da3c44699ed7db51b7d9',
      'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf',
      'c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55',
    ],
    // NIST SP 800-38A F.2.3 (CBC-AES192) and F.2.5 (CBC-AES256), first block
    [
      192,
      '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
      '000102030405060708090a0b0c0d0e0f',
      '6bc1bee22e409f96e93d7e117393172a',
      '4f021db243bc633d7178183a9fa071e8',
    ],
    [
      256,
      '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
      '000102030405060708090a0b0c0d0e0f',
      '6bc1bee22e409f96e93d7e117393172a',
      'f58c4c04d6e5f1ba779eabfb5f7bfbd6',
    ],
  ];
  for (const [bits, key, iv, plain, cipher] of cases) {
    it(`AES-${bits} ${cipher.slice(0, 8)}`, () => {
      const suite = getCipher('aes-cbc', bits);
      assert.equal(suite.keyLength, bits / 8);
      assert.equal(toHex(cbcEncrypt(suite, hex(key), hex(iv), hex(plain))), cipher);
      assert.equal(toHex(cbcDecrypt(suite, hex(key), hex(iv), hex(cipher))), plain);
    });
  }
  it('refuses partial blocks, bad IVs, bad keys and bad key sizes', () => {
    const s = getCipher('aes-cbc', 128);
    assert.throws(
      () => cbcEncrypt(s, new Uint8Array(16), new Uint8Array(16), new Uint8Array(15)),
      CryptoParameterError,
    );
    assert.throws(
      () => cbcDecrypt(s, new Uint8Array(16), new Uint8Array(8), new Uint8Array(16)),
      CryptoParameterError,
    );
    assert.throws(
      () => cbcDecrypt(s, new Uint8Array(24), new Uint8Array(16), new Uint8Array(16)),
      CryptoParameterError,
    );
    assert.throws(() => getCipher('aes-cbc', 64), CryptoParameterError);
  });
});

describe('AES-CTR (RFC 3686 §6)', () => {
  // [key | nonce as ESP key material, IV, plaintext, ciphertext]
  const vectors: [string, string, string, string][] = [
    [
      'ae6852f8121067cc4bf7a5765577f39e 00000030',
      '0000000000000000',
      toHex(ascii('Single block msg')),
      'e4095d4fb7a7b3792d6175a3261311b8',
    ],
    [
      '7e24067817fae0d743d6ce1f32539163 006cb6db',
      'c0543b59da48d90b',
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      '5104a106168a72d9790d41ee8edad388eb2e1efc46da57c8fce630df9141be28',
    ],
    [
      '7691be035e5020a8ac6e618529f9a0dc 00e0017b',
      '27777f3f4a1786f0',
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223',
      'c1cf48a89f2ffdd9cf4652e9efdb72d74540a42bde6d7836d59a5ceaaef3105325b2072f',
    ],
    [
      '16af5b145fc9f579c175f93e3bfb0eed863d06ccfdb78515 00000048',
      '36733c147d6d93cb',
      toHex(ascii('Single block msg')),
      '4b55384fe259c9c84e7935a003cbe928',
    ],
    [
      '02bf391ee8ecb159b959617b0965279bf59b60a786d3e0fe 0007bdfd',
      '5cbd60278dcc0912',
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223',
      '96893fc55e5c722f540b7dd1ddf7e758d288bc95c691658845 36c811662f2188abee0935',
    ],
    [
      '776beff2851db06f4c8a0542c8696f6c6a81af1eec96b4d37fc1d689e6c1c104 00000060',
      'db5672c97aa8f0b2',
      toHex(ascii('Single block msg')),
      '145ad01dbf824ec7560863dc71e3e0c0',
    ],
    [
      'ff7a617ce69148e4f1726e2f43581de2aa62d9f805532edff1eed687fb54153d 001cc5b7',
      '51a51d70a1c11148',
      '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223',
      'eb6c52821d0bbbf7ce7594462aca4faab407df866569fd07f48cc0b583d6071f1ec0e6b8',
    ],
  ];
  for (const [material, iv, plain, cipher] of vectors) {
    const m = hex(material);
    const bits = (m.length - 4) * 8;
    it(`AES-${bits}-CTR ${toHex(hex(cipher)).slice(0, 8)}`, () => {
      const suite = getCipher('aes-ctr', bits);
      const { key, salt } = splitKeyMaterial(suite, m);
      assert.equal(toHex(ctrCrypt(suite, key, salt, hex(iv), hex(plain))), toHex(hex(cipher)));
      assert.equal(toHex(ctrCrypt(suite, key, salt, hex(iv), hex(cipher))), plain);
    });
  }
  it('suite shape: 8-byte IV, 4-byte nonce, no padding block', () => {
    const s = getCipher('aes-ctr', 256);
    assert.deepEqual(
      [s.keyLength, s.ivLength, s.saltLength, s.blockSize, s.icvLength, s.aead],
      [32, 8, 4, 1, 0, false],
    );
    assert.equal(nodeCipherName(s), 'aes-256-ctr');
  });
});

describe('AES-GCM (RFC 4106, GCM spec vectors)', () => {
  const plain64 =
    'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
  const iv = 'facedbaddecaf888';
  const cases: { name: '8' | '12' | '16'; material: string; aad: string; plain: string; sealed: string }[] = [
    {
      name: '8',
      material: 'feffe9928665731c6d6a8f9467308308 cafebabe',
      aad: '',
      plain: plain64,
      sealed:
        '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985 4d5c2af327cd64a6',
    },
    {
      name: '12',
      material: 'feffe9928665731c6d6a8f9467308308 cafebabe',
      aad: '',
      plain: plain64,
      sealed:
        '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985 4d5c2af327cd64a62cf35abd',
    },
    {
      name: '16',
      material: 'feffe9928665731c6d6a8f9467308308 cafebabe',
      aad: '',
      plain: plain64,
      sealed:
        '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985 4d5c2af327cd64a62cf35abd2ba6fab4',
    },
    {
      name: '16',
      material: 'feffe9928665731c6d6a8f9467308308 cafebabe',
      aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
      plain: plain64.slice(0, 120),
      sealed:
        '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091 5bc94fbc3221a5db94fae95ae7121a47',
    },
    {
      name: '16',
      material: 'feffe9928665731c6d6a8f9467308308feffe9928665731c cafebabe',
      aad: '',
      plain: plain64,
      sealed:
        '3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710acade256 9924a7c8587336bfb118024db8674a14',
    },
    {
      name: '16',
      material: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308 cafebabe',
      aad: '',
      plain: plain64,
      sealed:
        '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad b094dac5d93471bdec1a502270e3cc6c',
    },
    {
      name: '16',
      material: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308 cafebabe',
      aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
      plain: plain64.slice(0, 120),
      sealed:
        '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662 76fc6ece0f4e1768cddf8853bb2d551b',
    },
  ];
  for (const c of cases) {
    const m = hex(c.material);
    const bits = (m.length - 4) * 8;
    it(`AES-${bits}-GCM-${c.name} ${c.aad ? 'with AAD' : ''}`, () => {
      const suite = getCipher(`aes-gcm-${c.name}`, bits);
      assert.equal(suite.icvLength, Number(c.name));
      const { key, salt } = splitKeyMaterial(suite, m);
      const nonce = gcmNonce(salt, hex(iv));
      const sealed = aeadSeal(suite, key, nonce, hex(c.aad), hex(c.plain));
      assert.equal(toHex(sealed), toHex(hex(c.sealed)));
      const opened = aeadOpen(suite, key, nonce, hex(c.aad), sealed);
      assert.ok(opened);
      assert.equal(toHex(opened), c.plain);
    });
  }
  it('open refuses a flipped ciphertext bit, a flipped ICV bit, other AAD and a short input', () => {
    const suite = getCipher('aes-gcm-16', 128);
    const key = hex('feffe9928665731c6d6a8f9467308308');
    const nonce = hex('cafebabefacedbaddecaf888');
    const sealed = aeadSeal(suite, key, nonce, hex('01020304'), hex(plain64));
    for (const at of [0, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[at] = (bad[at] ?? 0) ^ 0x80;
      assert.equal(aeadOpen(suite, key, nonce, hex('01020304'), bad), undefined);
    }
    assert.equal(aeadOpen(suite, key, nonce, hex('01020305'), sealed), undefined);
    assert.equal(aeadOpen(suite, key, nonce, hex('01020304'), sealed.subarray(0, 15)), undefined);
  });
});

describe('NULL and the suite table', () => {
  it('NULL encryption is the identity', () => {
    const n = getCipher('null');
    assert.deepEqual([n.keyLength, n.ivLength, n.blockSize, n.aead], [0, 0, 1, false]);
    assert.equal(toHex(cbcEncrypt(n, new Uint8Array(0), new Uint8Array(0), hex('0102'))), '0102');
    assert.equal(nodeCipherName(n), undefined);
  });
  it('nodeCipherName lets the data plane call createCipheriv itself', () => {
    const s = getCipher('aes-cbc', 192);
    const name = nodeCipherName(s);
    assert.equal(name, 'aes-192-cbc');
    const key = hex('8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b');
    const c = createCipheriv(name ?? '', key, hex('000102030405060708090a0b0c0d0e0f')).setAutoPadding(false);
    assert.equal(
      c.update(hex('6bc1bee22e409f96e93d7e117393172a')).toString('hex'),
      '4f021db243bc633d7178183a9fa071e8',
    );
    assert.equal(nodeCipherName(getCipher('aes-gcm-12', 256)), 'aes-256-gcm');
    assert.equal(nodeCipherName(getCipher('3des-cbc')), 'des-ede3-cbc');
  });
});
