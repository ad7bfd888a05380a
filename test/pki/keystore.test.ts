import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultKeyLabel, keyFile, listKeyPairs, readKeyPair, writeKeyPair } from '../../src/pki/keystore.js';

test('keystore: LABEL.pem, LABEL.sign.pem, LABEL.encr.pem, mode 0600, usage keys preferred', () => {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-keys-'));
  try {
    const label = defaultKeyLabel('Router1', 'cisco.com');
    assert.equal(label, 'Router1.cisco.com');
    const general = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const sign = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    assert.equal(writeKeyPair(dir, label, general), join(dir, 'Router1.cisco.com.pem'));
    assert.equal(writeKeyPair(dir, label, sign, 'sign'), join(dir, 'Router1.cisco.com.sign.pem'));
    assert.equal(statSync(keyFile(dir, label)).mode & 0o777, 0o600);
    assert.equal(statSync(keyFile(dir, label, 'sign')).mode & 0o777, 0o600);
    const pem = (k: ReturnType<typeof readKeyPair>): unknown => k?.export({ type: 'pkcs8', format: 'pem' });
    assert.equal(pem(readKeyPair(dir, label, 'sign')), pem(sign));
    // No encryption usage key: the general-purpose pair serves.
    assert.equal(pem(readKeyPair(dir, label, 'encr')), pem(general));
    assert.equal(readKeyPair(dir, 'other'), undefined);
    assert.throws(() => keyFile(dir, '../etc/passwd'), /only letters/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('keystore: listKeyPairs names every pair by label and usage, signature before encryption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-keys-'));
  try {
    const rsa = () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const encr = rsa();
    writeKeyPair(dir, 'lab-isdn.cisco.com', encr, 'encr');
    writeKeyPair(dir, 'lab-isdn.cisco.com', rsa(), 'sign');
    writeKeyPair(dir, 'b-general', rsa());
    // Not key pairs: a certificate chain, a stray file, an EC key.
    writeFileSync(join(dir, 'b-general.crt'), 'not a key');
    writeFileSync(join(dir, 'notes.pem'), 'not a key either');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    writeFileSync(join(dir, 'ec.pem'), ec.export({ type: 'pkcs8', format: 'pem' }));
    const pairs = listKeyPairs(dir);
    assert.deepEqual(
      pairs.map((p) => [p.label, p.usage]),
      [
        ['b-general', 'general'],
        ['lab-isdn.cisco.com', 'sign'],
        ['lab-isdn.cisco.com', 'encr'],
      ],
    );
    const spki = (k: KeyObject): string =>
      (k.type === 'public' ? k : createPublicKey(k)).export({ type: 'spki', format: 'der' }).toString('hex');
    assert.equal(pairs[2]?.publicKey.type, 'public');
    assert.equal(spki(pairs[2]?.publicKey ?? encr), spki(encr));
    assert.notEqual(spki(pairs[1]?.publicKey ?? encr), spki(encr));
    assert.deepEqual(listKeyPairs(join(dir, 'absent')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
