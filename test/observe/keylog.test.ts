// The --keylog writer. Expected lines are the tshark 4.0 options that decrypted a strongSwan
// capture on this machine (../shared/interop/README.md §6, keys from charon's level-4 log).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { espSaLine, ikev1DecryptionLine, openKeylog } from '../../src/observe/keylog.js';
import type { IpsecSa } from '../../src/policy/sa.js';

const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

const outboundCbc: IpsecSa = {
  protocol: 'esp',
  direction: 'outbound',
  spi: 0xcec934b5,
  mode: 'tunnel',
  source: '192.0.2.1',
  destination: '192.0.2.2',
  cipher: 'aes-cbc',
  cipherKeyBits: 128,
  encryptionKey: fromHex('03e6c802dd8611192b4ea02c3d206f8a'),
  integrity: 'hmac-sha1-96',
  integrityKey: fromHex('553977eef5ad719c9f7a1c98e43722596b49bd5e'),
  selector: {
    protocol: 0,
    localStart: '10.1.0.0',
    localEnd: '10.1.0.255',
    localPortStart: 0,
    localPortEnd: 65535,
    remoteStart: '10.2.0.0',
    remoteEnd: '10.2.0.255',
    remotePortStart: 0,
    remotePortEnd: 65535,
  },
  lifetime: { seconds: 3600, kilobytes: 4608000 },
};

describe('keylog lines', () => {
  it('ikev1_decryption_table: cookie and Ka in hex, unquoted', () => {
    assert.equal(
      ikev1DecryptionLine(fromHex('98a809224af47085'), fromHex('d9394760f13aa3cb77f1102242b1dc74')),
      'uat:ikev1_decryption_table:98a809224af47085,d9394760f13aa3cb77f1102242b1dc74',
    );
  });

  it('esp_sa: the exact record tshark 4.0 accepted for AES-CBC + HMAC-SHA-1-96', () => {
    assert.equal(
      espSaLine(outboundCbc),
      'uat:esp_sa:"IPv4","192.0.2.1","192.0.2.2","0xcec934b5","AES-CBC [RFC3602]",' +
        '"0x03e6c802dd8611192b4ea02c3d206f8a","HMAC-SHA-1-96 [RFC2404]","0x553977eef5ad719c9f7a1c98e43722596b49bd5e"',
    );
  });

  it('esp_sa: GCM keeps the salt in the key and has NULL integrity with an empty key; SPI padded', () => {
    const gcm: IpsecSa = {
      ...outboundCbc,
      spi: 0x00ab12cd,
      cipher: 'aes-gcm-16',
      encryptionKey: fromHex('00112233445566778899aabbccddeeff01020304'),
      integrity: 'none',
      integrityKey: undefined,
    };
    assert.equal(
      espSaLine(gcm),
      'uat:esp_sa:"IPv4","192.0.2.1","192.0.2.2","0x00ab12cd","AES-GCM with 16 octet ICV [RFC4106]",' +
        '"0x00112233445566778899aabbccddeeff01020304","NULL",""',
    );
    assert.match(espSaLine({ ...outboundCbc, cipher: '3des-cbc' }) ?? '', /"TripleDES-CBC \[RFC2451\]"/);
    assert.match(
      espSaLine({ ...outboundCbc, integrity: 'hmac-sha256-128' }) ?? '',
      /"HMAC-SHA-256-128 \[RFC4868\]"/,
    );
    assert.match(espSaLine({ ...outboundCbc, integrity: 'hmac-md5-96' }) ?? '', /"HMAC-MD5-96 \[RFC2403\]"/);
  });

  it('AH SAs have no esp_sa line', () => {
    assert.equal(espSaLine({ ...outboundCbc, protocol: 'ah', cipher: undefined }), undefined);
  });
});

describe('keylog file', () => {
  it('is created 0600, appends, writes each line once, and tightens an existing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsw-keylog-'));
    try {
      const path = join(dir, 'keys.log');
      writeFileSync(path, '# earlier run\n');
      chmodSync(path, 0o644);
      const log = openKeylog(path);
      log.ikeSa({ initiatorCookie: fromHex('0102030405060708'), encryptionKey: fromHex('aa'.repeat(16)) });
      log.ipsecSa(outboundCbc);
      log.ipsecSa(outboundCbc);
      log.ipsecSa({ ...outboundCbc, protocol: 'ah' });
      log.close();
      log.ipsecSa({ ...outboundCbc, spi: 1 }); // after close: ignored
      const lines = readFileSync(path, 'utf8').trim().split('\n');
      assert.equal(lines.length, 3);
      assert.equal(lines[0], '# earlier run');
      assert.equal(lines[1], `uat:ikev1_decryption_table:0102030405060708,${'aa'.repeat(16)}`);
      assert.match(lines[2] ?? '', /^uat:esp_sa:"IPv4","192\.0\.2\.1"/);
      assert.equal(statSync(path).mode & 0o777, 0o600);

      const fresh = join(dir, 'new.log');
      openKeylog(fresh).close();
      assert.equal(statSync(fresh).mode & 0o777, 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
