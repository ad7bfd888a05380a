// The configuration lines RSA-signature authentication reads: `crypto isakmp identity dn`,
// `ip domain name` (both spellings), a trust point's `rsakeypair` and `crl optional`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigJson, parseConfig } from '../../src/config/index.js';

const TEXT = `hostname gw1
ip domain name lab.example
crypto isakmp identity dn
crypto ca trustpoint labca
 enrollment url http://ca.lab.example
 rsakeypair gw1-keys 2048
 crl optional
`;

test('identity dn, ip domain name, rsakeypair and crl optional reach the model', () => {
  const c = parseConfig(TEXT, 'gw1.cfg');
  assert.equal(c.isakmp.identity, 'dn');
  assert.equal(c.domainName, 'lab.example');
  assert.deepEqual(c.trustpoints, [
    {
      name: 'labca',
      kind: 'trustpoint',
      enrollmentUrl: 'http://ca.lab.example',
      rsakeypair: 'gw1-keys',
      crlOptional: true,
    },
  ]);
  assert.ok(!c.ignored.some((l) => /domain/.test(l.text)), 'ip domain name is read, not ignored');
  const again = loadConfigJson(JSON.stringify(c), 'gw1.json');
  assert.equal(again.domainName, 'lab.example');
  assert.equal(again.isakmp.identity, 'dn');
  assert.equal(again.trustpoints[0]?.rsakeypair, 'gw1-keys');
});

test('ip domain-name, the older spelling', () => {
  assert.equal(parseConfig('hostname r\nip domain-name cisco.com\n', 'r.cfg').domainName, 'cisco.com');
});
