// One reading of a crypto ACL: the SPD the gateway builds and the IKE responder's proxy-ID
// check decide the same for `neq 80` and for a deny line ahead of a permit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/index.js';
import { policyRules } from '../../src/gateway/spdFromConfig.js';
import { findPhase2Policy } from '../../src/policy/index.js';
import { Spd } from '../../src/ipsec/spd.js';
import { ipv4FromText } from '../../src/packet/address.js';
import type { TrafficSelector } from '../../src/policy/model.js';
import { cryptoMapConfig, PEER } from '../util/cryptoMapConfig.js';

const config = parseConfig(
  cryptoMapConfig(
    'access-list 101 deny ip host 10.1.1.5 10.1.2.0 0.0.0.255\n' +
      'access-list 101 permit tcp 10.1.1.0 0.0.0.255 10.1.2.0 0.0.0.255 neq 80\n',
  ),
  'r1.cfg',
);
const spd = Spd.fromRules(policyRules(config).map((r) => r.rule));

function spdAction(source: string, destinationPort: number): string {
  const m = spd.lookup({
    family: 4,
    protocol: 6,
    source: ipv4FromText(source),
    destination: ipv4FromText('10.1.2.9'),
    sourcePort: 40000,
    destinationPort,
    nonInitialFragment: false,
  });
  return m?.rule.action ?? 'none';
}

/** Our view (local = 10.1.1.x): what the peer's IDcr/IDci become after mirroring. */
function ikeAccepts(local: string, localEnd: string, remotePort: number): boolean {
  const offer: TrafficSelector = {
    protocol: 6,
    localStart: local,
    localEnd,
    localPortStart: 0,
    localPortEnd: 65535,
    remoteStart: '10.1.2.0',
    remoteEnd: '10.1.2.255',
    remotePortStart: remotePort,
    remotePortEnd: remotePort,
  };
  return !('error' in findPhase2Policy(config, PEER, offer));
}

test('neq 80: the SPD protects 443 and not 80; IKE accepts a proxy ID for 443 and not for 80', () => {
  assert.equal(spdAction('10.1.1.9', 443), 'protect');
  assert.equal(spdAction('10.1.1.9', 80), 'none');
  assert.equal(ikeAccepts('10.1.1.8', '10.1.1.15', 443), true);
  assert.equal(ikeAccepts('10.1.1.8', '10.1.1.15', 80), false);
});

test('deny before permit: the SPD bypasses 10.1.1.5 and IKE refuses any proxy ID covering it', () => {
  assert.equal(spdAction('10.1.1.5', 443), 'bypass');
  assert.equal(ikeAccepts('10.1.1.0', '10.1.1.7', 443), false);
  assert.equal(ikeAccepts('10.1.1.5', '10.1.1.5', 443), false);
  assert.equal(ikeAccepts('10.1.1.6', '10.1.1.7', 443), true);
});
