// `show crypto ipsec sa` flows: identities as IOS prints them, and each packet of an AH+ESP
// bundle counted once (on ESP), as IOS counts per flow.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFlows, identText, ruleIndexFor } from '../../src/gateway/flows.js';
import { policyRules } from '../../src/gateway/spdFromConfig.js';
import type { TrafficSelector } from '../../src/policy/model.js';
import type { IpsecSa } from '../../src/policy/sa.js';
import { INITIATOR } from './helpers.js';

test('identities: subnet, host, and a range that is not a prefix', () => {
  assert.equal(identText('10.1.1.0', '10.1.1.255', 0, 0, 65535), '10.1.1.0/255.255.255.0/0/0');
  assert.equal(identText('10.1.1.5', '10.1.1.5', 6, 80, 80), '10.1.1.5/255.255.255.255/6/80');
  assert.equal(identText('0.0.0.0', '255.255.255.255', 0, 0, 65535), '0.0.0.0/0.0.0.0/0/0');
  assert.equal(identText('10.1.1.1', '10.1.1.6', 0, 0, 65535), '10.1.1.1/255.255.255.255/0/0');
});

test('AH+ESP: encaps/decaps count packets once; AH errors still count', () => {
  const rules = policyRules(INITIATOR);
  const selector = rules[0]!.rule.selector;
  const sa = (protocol: 'esp' | 'ah', direction: 'inbound' | 'outbound', spi: number): IpsecSa => ({
    protocol,
    direction,
    spi,
    mode: 'tunnel',
    source: direction === 'outbound' ? '172.16.172.10' : '172.16.172.20',
    destination: direction === 'outbound' ? '172.16.172.20' : '172.16.172.10',
    ...(protocol === 'esp' ? { cipher: 'aes-cbc' as const, cipherKeyBits: 128 } : {}),
    integrity: 'hmac-sha1-96',
    selector,
    lifetime: { seconds: 3600, kilobytes: 4608000 },
  });
  const installed = [
    { sa: sa('ah', 'inbound', 0x1001), bundleHasEsp: true },
    { sa: sa('ah', 'outbound', 0x2001), bundleHasEsp: true },
    { sa: sa('esp', 'inbound', 0x1002), bundleHasEsp: false },
    { sa: sa('esp', 'outbound', 0x2002), bundleHasEsp: false },
  ].map((x, i) => ({ ...x, installedAt: 0, connId: 2000 + i, flowId: i + 1, peer: '172.16.172.20' }));
  const counts = {
    encaps: 5,
    encrypt: 5,
    digest: 5,
    decaps: 5,
    decrypt: 5,
    verify: 5,
    sendErrors: 0,
    recvErrors: 0,
    bytes: 500,
  };
  const flows = buildFlows({
    rules,
    installed,
    counters: (spi) => (spi === 0x1001 ? { ...counts, recvErrors: 2 } : counts),
    acquireDrops: new Map(),
    retired: new Map(),
    now: 10,
    mtu: 1500,
  });
  assert.equal(flows.length, 1);
  const c = flows[0]!.counters;
  assert.equal(c.encaps, 5);
  assert.equal(c.decaps, 5);
  assert.equal(c.recvErrors, 2, 'the AH SA rejected two packets');
  assert.equal(flows[0]!.currentOutboundSpi, 0x2002, 'the ESP SA is the current outbound spi');
  assert.deepEqual(
    flows[0]!.outboundAh.map((s) => [s.spi, s.ivSize]),
    [[0x2001, 0]],
  );
  assert.deepEqual(
    flows[0]!.inboundEsp.map((s) => [s.spi, s.ivSize, s.transform]),
    [[0x1002, 16, 'esp-aes esp-sha-hmac']],
  );
});

test('an SA belongs to the rule whose selector holds it: IPv6 too, and ports count', () => {
  const base = policyRules(INITIATOR)[0]!;
  const peer = base.rule.peer ?? '';
  const v6: TrafficSelector = {
    protocol: 0,
    localStart: '2001:db8:1::',
    localEnd: '2001:db8:1::ffff',
    localPortStart: 0,
    localPortEnd: 65535,
    remoteStart: '2001:db8:2::',
    remoteEnd: '2001:db8:2::ffff',
    remotePortStart: 0,
    remotePortEnd: 65535,
  };
  const web: TrafficSelector = { ...base.rule.selector, protocol: 6, remotePortStart: 80, remotePortEnd: 80 };
  const rules = [
    { ...base, rule: { ...base.rule, selector: v6 } },
    { ...base, rule: { ...base.rule, selector: web } },
  ];
  const sa = (selector: TrafficSelector): IpsecSa => ({
    protocol: 'esp',
    direction: 'outbound',
    spi: 0x3001,
    mode: 'tunnel',
    source: '2001:db8::1',
    destination: '2001:db8::2',
    cipher: 'aes-cbc',
    cipherKeyBits: 128,
    integrity: 'hmac-sha1-96',
    selector,
    lifetime: { seconds: 3600, kilobytes: 4608000 },
  });
  assert.equal(ruleIndexFor(rules, { peer, sa: sa({ ...v6, localEnd: '2001:db8:1::ff' }) }), 0);
  assert.equal(ruleIndexFor(rules, { peer, sa: sa(web) }), 1);
  const anyTcpPort = { ...web, remotePortStart: 0, remotePortEnd: 65535 };
  assert.equal(ruleIndexFor(rules, { peer, sa: sa(anyTcpPort) }), -1, 'every TCP port is more than port 80');
});
