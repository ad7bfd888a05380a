// `typeswan client` in L2TP mode: the `l2tp` setting, the IOS configuration of its IPsec side
// (Example 13-23's Windows policy: transport mode for UDP 1701 to the gateway), and what
// `start` routes into the TUN for an L2TP configuration (the LNS's pool; never the `any` of
// an L2TP ACL, whose datagrams are ours and never pass the kernel).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientFile } from '../../src/cli/client.js';
import { l2tpClientRouterConfig } from '../../src/cli/clientL2tp.js';
import { parseConfigText } from '../../src/gateway/index.js';
import { kernelRoutedRules, lnsPoolCidrs } from '../../src/gateway/l2tpService.js';
import { policyRules } from '../../src/gateway/spdFromConfig.js';
import { EXAMPLE_13_23_LNS_REPAIRED } from '../../src/lab/scenarios/l2tp.js';
import type { SpdRule } from '../../src/ipsec/spd.js';
import { ANY_TS } from '../ipsec/helpers.js';
import type { TrafficSelector } from '../../src/policy/model.js';

const SETTINGS = {
  gateway: '10.0.0.7',
  local: '10.0.0.10',
  key: 'ciscosys',
  username: 'munchkin',
  remoteNetworks: ['192.168.0.0/24'],
  ike: { encryption: 'des', hash: 'md5', group: '2' },
  esp: ['esp-des', 'esp-md5-hmac'],
  l2tp: true,
} as const;

describe('typeswan client, L2TP mode', () => {
  it('reads `l2tp` as a flag, and refuses a value', () => {
    assert.equal(parseClientFile('gateway 10.0.0.7\nl2tp\n', 'c.cfg').l2tp, true);
    assert.equal(parseClientFile('gateway 10.0.0.7\n', 'c.cfg').l2tp, undefined);
    assert.throws(() => parseClientFile('l2tp yes\n', 'c.cfg'), /c\.cfg:1: l2tp takes no value/);
  });

  it('protects UDP 1701 to the gateway in transport mode, as Windows does', () => {
    const text = l2tpClientRouterConfig(SETTINGS);
    for (const line of [
      'crypto isakmp key ciscosys address 10.0.0.7',
      'crypto ipsec transform-set CLIENT esp-des esp-md5-hmac',
      ' mode transport',
      'access-list 150 permit udp host 10.0.0.10 eq 1701 host 10.0.0.7 eq 1701',
    ])
      assert.ok(text.split('\n').includes(line), `${line} in:\n${text}`);
    const config = parseConfigText(text, 'client.cfg');
    assert.equal(config.transformSets[0]?.mode, 'transport');
    const [rule] = policyRules(config);
    assert.equal(rule?.rule.selector.protocol, 17);
    assert.equal(rule?.rule.selector.remotePortStart, 1701);
    // the rule is the LAC's own datagrams: nothing of it for the kernel to route
    assert.deepEqual(kernelRoutedRules(config, policyRules(config), true), []);
  });

  it('refuses a group: an L2TP client authenticates in PPP', () => {
    assert.throws(() => l2tpClientRouterConfig({ ...SETTINGS, group: 'g' }), /authenticates in PPP/);
  });

  it("the LNS routes its pool (192.168.2.10-15) into the TUN, not ACL 110's `any`", () => {
    const config = parseConfigText(EXAMPLE_13_23_LNS_REPAIRED, 'lns.cfg');
    // .10-.11 and .12-.15
    assert.deepEqual(lnsPoolCidrs(config), ['192.168.2.10/31', '192.168.2.12/30']);
    const protect = (selector: Partial<TrafficSelector>): { rule: Pick<SpdRule, 'selector'> } => ({
      rule: { selector: { ...ANY_TS, ...selector } },
    });
    const rules = [
      ...policyRules(config),
      // a dynamic-map instance for a Windows client (UDP from our 1701 to anywhere)
      protect({
        protocol: 17,
        localStart: '10.0.0.7',
        localEnd: '10.0.0.7',
        localPortStart: 1701,
        localPortEnd: 1701,
      }),
      protect({
        localStart: '192.168.0.0',
        localEnd: '192.168.0.255',
        remoteStart: '10.9.0.0',
        remoteEnd: '10.9.0.255',
      }),
    ];
    const kept = kernelRoutedRules(config, rules, false);
    assert.deepEqual(
      kept.map((r) => r.rule.selector.remoteStart),
      ['10.9.0.0'],
    );
    // a configuration without L2TP keeps every rule
    const plain = parseConfigText('hostname r\n', 'r.cfg');
    assert.equal(kernelRoutedRules(plain, rules, false).length, rules.length);
  });
});
