// First match wins, implicit deny, wildcard and port semantics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import { aclEntryToSelectors, matchAcl, matchSelector, type Packet5Tuple } from '../../src/policy/index.js';
import { fixture } from '../util/fixtures.js';

const TCP = 6;
const UDP = 17;
const ICMP = 1;

test('Example 13-13 ACL 150 (NAT exemption): deny the VPN pairs, permit the rest of 192.168.1.0/24', () => {
  const c = parseConfig(readFileSync(fixture('chapter/example-13-13.cfg'), 'utf8'), 'r1.cfg');
  const acl = c.accessLists.find((a) => a.name === '150');
  assert.ok(acl);
  const rows: [Packet5Tuple, 'permit' | 'deny', number][] = [
    [{ protocol: ICMP, source: '192.168.1.5', destination: '192.168.2.9' }, 'deny', 0],
    [
      {
        protocol: TCP,
        source: '192.168.1.5',
        destination: '192.168.3.1',
        sourcePort: 1025,
        destinationPort: 80,
      },
      'deny',
      1,
    ],
    [
      {
        protocol: UDP,
        source: '192.168.1.200',
        destination: '8.8.8.8',
        sourcePort: 5353,
        destinationPort: 53,
      },
      'permit',
      2,
    ],
    // not from 192.168.1.0/24: no line matches, the implicit deny
    [{ protocol: ICMP, source: '10.0.0.1', destination: '8.8.8.8' }, 'deny', -1],
  ];
  for (const [packet, action, index] of rows) {
    const v = matchAcl(acl, packet);
    assert.deepEqual([v.action, v.index], [action, index], JSON.stringify(packet));
  }
});

test('ports only match TCP/UDP packets that carry them; protocol 0 is any', () => {
  const acl = {
    name: 'x',
    entries: [
      {
        action: 'permit' as const,
        protocol: 'tcp' as const,
        source: { address: '10.0.0.0', wildcard: '0.0.0.255' },
        destination: { address: '0.0.0.0', wildcard: '255.255.255.255' },
        destinationPort: { op: 'eq' as const, port: 23 },
      },
    ],
  };
  assert.equal(
    matchAcl(acl, {
      protocol: TCP,
      source: '10.0.0.1',
      destination: '1.1.1.1',
      sourcePort: 4000,
      destinationPort: 23,
    }).action,
    'permit',
  );
  assert.equal(
    matchAcl(acl, {
      protocol: TCP,
      source: '10.0.0.1',
      destination: '1.1.1.1',
      sourcePort: 4000,
      destinationPort: 24,
    }).action,
    'deny',
  );
  assert.equal(
    matchAcl(acl, {
      protocol: UDP,
      source: '10.0.0.1',
      destination: '1.1.1.1',
      sourcePort: 4000,
      destinationPort: 23,
    }).action,
    'deny',
  );
  assert.equal(matchAcl(acl, { protocol: TCP, source: '10.0.0.1', destination: '1.1.1.1' }).action, 'deny');
});

test('a non-contiguous wildcard still matches packets bit by bit (only selectors refuse it)', () => {
  // 10.0.0.1 0.0.255.0 matches 10.0.X.1 for any X
  const acl = {
    name: 'odd',
    entries: [
      {
        action: 'permit' as const,
        protocol: 'ip' as const,
        source: { address: '10.0.0.1', wildcard: '0.0.255.0' },
        destination: { address: '0.0.0.0', wildcard: '255.255.255.255' },
      },
    ],
  };
  assert.equal(
    matchAcl(acl, { protocol: ICMP, source: '10.0.77.1', destination: '1.1.1.1' }).action,
    'permit',
  );
  assert.equal(matchAcl(acl, { protocol: ICMP, source: '10.0.77.2', destination: '1.1.1.1' }).action, 'deny');
});

test('selectors: outbound and inbound direction, ranges inclusive', () => {
  const [s] = aclEntryToSelectors({
    action: 'permit',
    protocol: 'udp',
    source: { address: '192.168.0.7', wildcard: '0.0.0.0' },
    sourcePort: { op: 'eq', port: 1701 },
    destination: { address: '0.0.0.0', wildcard: '255.255.255.255' },
  });
  assert.ok(s);
  const out: Packet5Tuple = {
    protocol: UDP,
    source: '192.168.0.7',
    destination: '10.9.9.9',
    sourcePort: 1701,
    destinationPort: 1701,
  };
  assert.equal(matchSelector(s, out), true);
  assert.equal(matchSelector(s, { ...out, sourcePort: 1702 }), false);
  assert.equal(matchSelector(s, { ...out, protocol: TCP }), false);
  // the reply comes back from the remote side
  const back: Packet5Tuple = {
    protocol: UDP,
    source: '10.9.9.9',
    destination: '192.168.0.7',
    sourcePort: 1701,
    destinationPort: 1701,
  };
  assert.equal(matchSelector(s, back, 'inbound'), true);
  assert.equal(matchSelector(s, back, 'outbound'), false);
  const [net] = aclEntryToSelectors({
    action: 'permit',
    protocol: 'ip',
    source: { address: '10.1.1.0', wildcard: '0.0.0.255' },
    destination: { address: '10.1.2.0', wildcard: '0.0.0.255' },
  });
  assert.ok(net);
  for (const [src, dst, want] of [
    ['10.1.1.0', '10.1.2.255', true],
    ['10.1.1.255', '10.1.2.0', true],
    ['10.1.0.255', '10.1.2.1', false],
    ['10.1.1.1', '10.1.3.0', false],
  ] as const) {
    assert.equal(
      matchSelector(net, { protocol: ICMP, source: src, destination: dst }),
      want,
      `${src} -> ${dst}`,
    );
  }
});
