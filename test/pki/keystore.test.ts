import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultKeyLabel, keyFile, readKeyPair, writeKeyPair } from '../../src/pki/keystore.js';

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
