// KEYMAT lengths per transform set (RFC 2409 §5.5 takes as many bytes as the algorithms need),
// from src/policy's algorithm table. Key sizes are the RFCs': 3DES 24 bytes (RFC 2451), DES 8
// (RFC 2405), HMAC keys the hash length (RFC 2403, 2404, 4868), GCM key plus a 4-byte salt
// (RFC 4106 §8.1).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { algorithmsFor } from '../../src/ike/ipsecTransforms.js';
import type { TransformSet } from '../../src/policy/model.js';

const ts = (t: Omit<TransformSet, 'name' | 'mode'>): TransformSet => ({ name: 't', mode: 'tunnel', ...t });

test('ESP key lengths: cipher key, then authenticator key', () => {
  assert.deepEqual(algorithmsFor('esp', ts({ espEncryption: 'esp-3des', espIntegrity: 'esp-md5-hmac' })), {
    cipher: '3des-cbc',
    encKeyLength: 24,
    integrity: 'hmac-md5-96',
    integKeyLength: 16,
  });
  assert.deepEqual(
    algorithmsFor('esp', ts({ espEncryption: 'esp-aes', espKeyBits: 256, espIntegrity: 'esp-sha-hmac' })),
    {
      cipher: 'aes-cbc',
      cipherKeyBits: 256,
      encKeyLength: 32,
      integrity: 'hmac-sha1-96',
      integKeyLength: 20,
    },
  );
  assert.deepEqual(algorithmsFor('esp', ts({ espEncryption: 'esp-des', espIntegrity: 'esp-sha256-hmac' })), {
    cipher: 'des-cbc',
    encKeyLength: 8,
    integrity: 'hmac-sha256-128',
    integKeyLength: 32,
  });
  assert.deepEqual(algorithmsFor('esp', ts({ espEncryption: 'esp-null', espIntegrity: 'esp-sha384-hmac' })), {
    cipher: 'null',
    encKeyLength: 0,
    integrity: 'hmac-sha384-192',
    integKeyLength: 48,
  });
});

test('ESP-GCM: key plus salt, no separate authenticator', () => {
  assert.deepEqual(algorithmsFor('esp', ts({ espEncryption: 'esp-gcm' })), {
    cipher: 'aes-gcm-16',
    cipherKeyBits: 128,
    encKeyLength: 20,
    integrity: 'none',
    integKeyLength: 0,
  });
});

test('AH: only the authenticator key', () => {
  assert.deepEqual(algorithmsFor('ah', ts({ ah: 'ah-sha512-hmac' })), {
    encKeyLength: 0,
    integrity: 'hmac-sha512-256',
    integKeyLength: 64,
  });
});
