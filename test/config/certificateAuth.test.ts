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

test('rsa-sig runs once a trust point holds a router certificate; without one its policy is inert', async () => {
  const { planRun } = await import('../../src/config/index.js');
  const base = `hostname gw1
crypto isakmp policy 10
 authentication rsa-sig
crypto isakmp policy 20
 authentication pre-share
crypto isakmp key k address 192.0.2.2
`;
  const without = planRun(parseConfig(base, 'a.cfg'));
  assert.deepEqual(
    without.runnable.isakmpPolicies.map((p) => p.priority),
    [20],
  );
  assert.match(without.inert[0]?.message ?? '', /policy 10 \(rsa-sig\) is inert: .*router certificate/);
  const withCert: ReturnType<typeof parseConfig> = {
    ...parseConfig(base, 'b.cfg'),
    certificates: [{ trustpoint: 't', serial: '01', role: 'router', der: '3000' }],
  };
  assert.deepEqual(
    planRun(withCert).runnable.isakmpPolicies.map((p) => p.priority),
    [10, 20, 65535],
  );
});

test("revised-mode rsa-encr without pubkey-chain keys runs once a trust point holds a CA (the initiator's CERT); rsa-encr does not", async () => {
  const { planRun } = await import('../../src/config/index.js');
  const base = `hostname gw1
crypto isakmp policy 10
 authentication rsa-encr revised
crypto isakmp policy 15
 authentication rsa-encr
crypto isakmp policy 20
 authentication pre-share
crypto isakmp key k address 192.0.2.2
`;
  const without = planRun(parseConfig(base, 'a.cfg'));
  assert.deepEqual(
    without.runnable.isakmpPolicies.map((p) => p.priority),
    [20],
  );
  const withCa: ReturnType<typeof parseConfig> = {
    ...parseConfig(base, 'b.cfg'),
    certificates: [{ trustpoint: 't', serial: '01', role: 'ca', der: '3000' }],
  };
  const plan = planRun(withCa);
  assert.deepEqual(
    plan.runnable.isakmpPolicies.map((p) => p.priority),
    [10, 20],
  );
  assert.match(plan.inert[0]?.message ?? '', /policy 15 \(rsa-encr\) is inert: .*pubkey-chain/);
});
