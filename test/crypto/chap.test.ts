// RFC 2759 §9.2 sample data, and the CHAP-MD5 answer of PEAR Crypt_CHAP's test (an
// independent implementation): MD5(Identifier | secret | challenge), RFC 1994 §4.1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  challengeHash,
  generateAuthenticatorResponse,
  generateNtResponse,
  chapMd5Response,
  hashNtPasswordHash,
  ntPasswordHash,
} from '../../src/crypto/chap.js';
import { hex, toHex } from './hex.js';

const authChallenge = hex('5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28');
const peerChallenge = hex('21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E');

test('MS-CHAPv2 reproduces RFC 2759 §9.2', () => {
  assert.equal(toHex(challengeHash(peerChallenge, authChallenge, 'User')), 'd02e4386bce91226');
  const hash = ntPasswordHash('clientPass');
  assert.equal(toHex(hash), '44ebba8d5312b8d611474411f56989ae');
  assert.equal(toHex(hashNtPasswordHash(hash)), '41c00c584bd2d91c4017a2a12fa59f3f');
  const nt = generateNtResponse(authChallenge, peerChallenge, 'User', hash);
  assert.equal(toHex(nt), '82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df');
  assert.equal(
    generateAuthenticatorResponse(hash, nt, peerChallenge, authChallenge, 'User'),
    'S=407A5589115FD0D6209F510FE9C04566932CDA56',
  );
});

test('a wrong password gives another NT-Response', () => {
  const nt = generateNtResponse(authChallenge, peerChallenge, 'User', ntPasswordHash('clientPasS'));
  assert.notEqual(toHex(nt), '82309ecd8d708b5ea08faa3981cd83544233114a3d85d6df');
});

test('CHAP MD5 response matches Crypt_CHAP', () => {
  assert.equal(
    toHex(chapMd5Response(1, 'MyPw', hex('102DB5DF085D3041'))),
    '8f028814450d66d94c72331ef455a172',
  );
  assert.equal(
    toHex(chapMd5Response(1, 'sepp', hex('102DB5DF085D3041'))),
    'd39bfaf5d6855a948c8c81a85947502c',
  );
});
