// The start-up hook: the gateway passes what it cannot run; every use is named with its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig, unsupportedFeatures } from '../../src/config/index.js';
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
    [
      ['transport-mode', 23], // the transform set's line (the model keeps no line for `mode`)
      ['gre-tunnel', 38],
      ['gre-tunnel', 45],
    ],
  );
});
