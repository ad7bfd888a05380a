// The start-up hook: the gateway passes what it cannot run; every use is named with its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig, planRun, unsupportedFeatures } from '../../src/config/index.js';
import { fixture } from '../util/fixtures.js';

const load = (n: string) =>
  parseConfig(readFileSync(fixture(`chapter/example-13-${n}.cfg`), 'utf8'), `${n}.cfg`);

test('nothing refused, nothing reported', () => {
  assert.deepEqual(unsupportedFeatures(load('19')), []);
});

test('13-19: XAUTH, mode-config and the dynamic map, each with its line', () => {
  const found = unsupportedFeatures(load('19'), ['xauth', 'mode-config', 'dynamic-map', 'rsa-sig']);
  assert.deepEqual(
    found.map((f) => [f.feature, f.line]),
    [
      ['mode-config', 36], // crypto isakmp client configuration address-pool local mypool
      ['xauth', 40], // crypto map REMOTEACCESS client authentication list xauth
      ['mode-config', 50], // crypto map REMOTEACCESS client configuration address initiate
      ['dynamic-map', 57], // crypto map REMOTEACCESS 1 ipsec-isakmp dynamic vpn
    ],
  );
  // the implicit default policy 65535 (rsa-sig) is not something the user wrote
  assert.ok(!found.some((f) => f.feature === 'rsa-sig'));
  assert.match(found[1]?.reason ?? '', /extended authentication \(XAUTH\) is not supported/);
});

test('13-24: TED; 13-10: rsa-encr and the hostname identity; 13-16: transport mode and GRE tunnels', () => {
  assert.deepEqual(
    unsupportedFeatures(load('24'), ['ted']).map((f) => [f.line, f.command]),
    [[34, 'crypto map tedtag 10 ipsec-isakmp dynamic ted-map discover']],
  );
  assert.deepEqual(
    unsupportedFeatures(load('10'), ['rsa-encr', 'hostname-identity', 'ah']).map((f) => [f.feature, f.line]),
    [
      ['rsa-encr', 19], // the policy's line
      ['hostname-identity', 24],
      ['ah', 26],
    ],
  );
  assert.deepEqual(
    unsupportedFeatures(load('16'), ['transport-mode', 'gre-tunnel']).map((f) => [f.feature, f.line]),
    // the chapter's tunnels are GRE over IPv4 (the default mode): they run
    [['transport-mode', 23]], // the transform set's line (the model keeps no line for `mode`)
  );
  // another tunnel mode with a crypto map is what the gateway refuses, at the interface's line
  const ipip = parseConfig(
    'hostname r\ninterface Serial0\n ip address 1.1.1.1 255.255.255.0\n crypto map m\ninterface Tunnel0\n tunnel source Serial0\n tunnel destination 1.1.1.2\n tunnel mode ipip\n crypto map m\n',
    'r.cfg',
    { crossCheck: 'warn' },
  );
  assert.deepEqual(
    unsupportedFeatures(ipip, ['gre-tunnel']).map((f) => [f.line, f.command]),
    [[5, 'interface Tunnel0 (tunnel mode ipip)']],
  );
});

// planRun: refused per policy and per entry, not per file (IOS negotiates the usable policy).

const TWO_POLICIES = `hostname r
crypto isakmp policy 10
 authentication rsa-encr
crypto isakmp policy 20
 encr 3des
 authentication pre-share
crypto isakmp key s3cret address 1.1.1.2
crypto ipsec transform-set t esp-3des esp-sha-hmac
crypto map m 10 ipsec-isakmp
 set peer 1.1.1.2
 set transform-set t
 match address 101
interface Ethernet1
 ip address 1.1.1.1 255.255.255.0
 crypto map m
access-list 101 permit ip 10.0.0.0 0.0.0.255 10.0.1.0 0.0.0.255
`;

test('rsa-encr policy 10 beside pre-share policy 20: 10 is inert, the engines get only 20', () => {
  const plan = planRun(parseConfig(TWO_POLICIES, 'r.cfg'));
  assert.deepEqual(plan.refused, []);
  assert.deepEqual(plan.inert, [
    {
      line: 2,
      message:
        "policy 10 (rsa-encr) is inert: RSA encrypted nonces need the peer's public key in `crypto key pubkey-chain rsa`, and there is none",
    },
  ]);
  assert.deepEqual(
    plan.runnable.isakmpPolicies.map((p) => [p.priority, p.authentication]),
    [[20, 'pre-share']],
    'neither policy 10 nor the default rsa-encr policy 65535 is left to offer or accept',
  );
});

test('13-10 and 13-11: rsa-encr runs once the pubkey chain holds the peer key', () => {
  for (const n of ['10', '11']) {
    const plan = planRun(load(n));
    assert.deepEqual(plan.refused, [], n);
    assert.deepEqual(plan.inert, [], n);
    assert.deepEqual(
      plan.runnable.isakmpPolicies.map((p) => [p.priority, p.authentication]),
      [[1, 'rsa-encr']],
    );
  }
});

test('only rsa-encr policies: refused, naming each policy line and the map entry', () => {
  const text = TWO_POLICIES.replace(/crypto isakmp policy 20\n encr 3des\n authentication pre-share\n/, '');
  const plan = planRun(parseConfig(text, 'r.cfg'));
  assert.deepEqual(
    plan.refused.map((r) => [r.line, r.command]),
    [
      [2, 'crypto isakmp policy 10 (authentication rsa-encr)'],
      [6, 'crypto map m 10 ipsec-isakmp'],
    ],
  );
});

test('an entry whose peer has no pre-shared key could only use rsa-encr: that entry is refused', () => {
  const text = TWO_POLICIES.replace(
    'crypto isakmp key s3cret address 1.1.1.2',
    'crypto isakmp key s3cret address 9.9.9.9',
  );
  const plan = planRun(parseConfig(text, 'r.cfg'));
  assert.deepEqual(
    plan.refused.map((r) => [r.line, r.command]),
    [[9, 'crypto map m 10 ipsec-isakmp (set peer 1.1.1.2)']],
  );
  assert.match(plan.refused[0]?.reason ?? '', /no pre-shared key for this peer, and policy 10 \(rsa-encr\)/);
});

test('a redacted key is never a key: left out, with a warning naming its line and peer', () => {
  for (const mask of ['<redacted>', '********']) {
    const config = parseConfig(TWO_POLICIES.replace('s3cret', mask), 'r.cfg');
    const plan = planRun(config);
    assert.deepEqual(plan.runnable.presharedKeys, [], mask);
    assert.ok(
      plan.inert.some(
        (w) => w.line === 7 && w.message.includes('address 1.1.1.2') && w.message.includes('redacted'),
      ),
      JSON.stringify(plan.inert),
    );
  }
});
