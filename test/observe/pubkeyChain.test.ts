// `crypto key pubkey-chain rsa` read into the model (usage, `address`, revised mode's policy
// keyword) and `show crypto key pubkey-chain rsa` in the IOS 12.x layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/index.js';
import {
  formatPubkeyChain,
  formatPubkeyDetail,
  pubkeyChainViews,
  selectPubkeys,
} from '../../src/observe/show/index.js';
import { CertifiedKeys } from '../../src/ike/certifiedKeys.js';
import { IdType } from '../../src/wire/index.js';
import { idPayloadOf } from '../../src/ike/idBody.js';
import type { ParsedCertificate } from '../../src/crypto/index.js';
import { createPublicKey } from 'node:crypto';
import { parseShowWords } from '../../src/cli/show.js';

// Example 13-10's key-string for wan2516.cisco.com, as the chapter prints it.
const KEY = [
  '305C300D 06092A86 4886F70D 01010105 00034B00 30480241 00DC3DDC 59885F14',
  '1AB30DCB 794AB5C7 82D918DE FC7ADB76 B0B9DD1A ABAF4884 009E758C 4064C699',
  '3BC9D17E C47581DC 50220CB9 31E267F8 0259C640 F8DE4169 1F020301 0001',
];

const CONFIG = [
  'hostname wan2511',
  'crypto isakmp policy 1',
  ' authentication rsa-encr revised',
  'crypto key pubkey-chain rsa',
  ' named-key wan2516.cisco.com encryption',
  '  address 20.20.20.20',
  '  key-string',
  ...KEY.map((l) => `   ${l}`),
  '  quit',
  ' named-key wan2516.cisco.com signature',
  '  key-string',
  ...KEY.map((l) => `   ${l}`),
  '  quit',
  ' addressed-key 20.20.20.30',
  '  key-string',
  ...KEY.map((l) => `   ${l}`),
  '  quit',
].join('\n');

test('pubkey chain: usage, address and revised mode are read into the model', () => {
  const c = parseConfig(CONFIG, 'r.cfg');
  assert.deepEqual(c.warnings, []);
  assert.equal(c.isakmpPolicies[0]?.authentication, 'rsa-encr-revised');
  assert.deepEqual(
    c.publicKeys.map((k) => [k.kind, k.name, k.address, k.usage]),
    [
      ['named-key', 'wan2516.cisco.com', '20.20.20.20', 'encryption'],
      ['named-key', 'wan2516.cisco.com', undefined, 'signature'],
      ['addressed-key', '20.20.20.30', '20.20.20.30', undefined],
    ],
  );
});

test('show crypto key pubkey-chain rsa: the IOS table and one key in detail', () => {
  const views = pubkeyChainViews(parseConfig(CONFIG, 'r.cfg').publicKeys);
  assert.equal(
    formatPubkeyChain(views),
    [
      'Codes: M - Manually configured, C - Extracted from certificate',
      '',
      'Code Usage        IP-Address       Name',
      'M    Encryption   20.20.20.20      wan2516.cisco.com',
      'M    Signature                     wan2516.cisco.com',
      'M    General      20.20.20.30',
      '',
    ].join('\n'),
  );
  assert.equal(
    formatPubkeyDetail(views.filter((v) => v.address === '20.20.20.30')),
    [
      'Key address: 20.20.20.30',
      ' Usage: General Purpose Key',
      ' Source: Manually entered',
      ' Data:',
      // The chapter's key-string words, eight to a line.
      `  ${KEY[0] ?? ''}`,
      `  ${KEY[1] ?? ''}`,
      `  ${KEY[2] ?? ''}`,
      '',
    ].join('\n'),
  );
});

test('typeswan show crypto key pubkey-chain rsa [address A], IOS abbreviations allowed', () => {
  assert.deepEqual(parseShowWords(['crypto', 'key', 'pubkey-chain', 'rsa']), {
    what: 'key pubkey-chain rsa',
  });
  assert.deepEqual(parseShowWords(['cry', 'k', 'pubkey', 'rsa', 'addr', '20.20.20.30']), {
    what: 'key pubkey-chain rsa',
    peer: '20.20.20.30',
  });
  assert.throws(() => parseShowWords(['crypto', 'key', 'pubkey-chain', 'rsa', 'address', 'x']));
  assert.deepEqual(parseShowWords(['crypto', 'key', 'pubkey-chain', 'rsa', 'name', 'wan2516.cisco.com']), {
    what: 'key pubkey-chain rsa',
    name: 'wan2516.cisco.com',
  });
  assert.throws(() => parseShowWords(['crypto', 'key', 'pubkey-chain', 'rsa', 'name']));
});

test('show crypto key pubkey-chain rsa name NAME: the named key, in any case', () => {
  const views = pubkeyChainViews(parseConfig(CONFIG, 'r.cfg').publicKeys);
  const picked = selectPubkeys(views, { name: 'WAN2516.cisco.com' });
  assert.deepEqual(
    picked.map((v) => v.usage),
    ['Encryption', 'Signature'],
  );
  const text = formatPubkeyDetail(picked);
  assert.ok(
    text.startsWith('Key name: wan2516.cisco.com\n Key address: 20.20.20.20\n Usage: Encryption Key\n'),
    text,
  );
  assert.equal(formatPubkeyDetail(selectPubkeys(views, { name: 'nobody' })), '% No matching key\n');
});

test('a key from a validated certificate is listed with code C', () => {
  // The key of Example 13-10's key-string stands in for a certificate's key.
  const key = createPublicKey({
    key: Buffer.from(KEY.join('').replace(/ /g, ''), 'hex'),
    format: 'der',
    type: 'spki',
  });
  const store = new CertifiedKeys();
  const leaf = {
    publicKey: key,
    subject: 'CN=wan2516.cisco.com',
    notAfter: new Date(Date.now() + 86_400_000),
  };
  store.remember(
    '20.20.20.20',
    idPayloadOf({ idType: IdType.FQDN, protocol: 17, port: 500, data: Buffer.from('wan2516.cisco.com') }),
    leaf as unknown as ParsedCertificate,
  );
  const views = pubkeyChainViews([], store.list());
  assert.equal(
    formatPubkeyChain(views),
    [
      'Codes: M - Manually configured, C - Extracted from certificate',
      '',
      'Code Usage        IP-Address       Name',
      'C    General      20.20.20.20      wan2516.cisco.com',
      '',
    ].join('\n'),
  );
  assert.match(formatPubkeyDetail(views), / Source: Certificate\n Data:\n {2}305C300D/);
});
