// ACL entries to selectors, with the ranges computed by hand in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PolicyError,
  accessListToSelectors,
  aclEntryToSelectors,
  aclRules,
  mirrorSelector,
  portRanges,
  type AclEntry,
  type TrafficSelector,
} from '../../src/policy/index.js';

const anyAddress = { address: '0.0.0.0', wildcard: '255.255.255.255' };
const sel = (over: Partial<TrafficSelector>): TrafficSelector => ({
  protocol: 0,
  localStart: '0.0.0.0',
  localEnd: '255.255.255.255',
  localPortStart: 0,
  localPortEnd: 65535,
  remoteStart: '0.0.0.0',
  remoteEnd: '255.255.255.255',
  remotePortStart: 0,
  remotePortEnd: 65535,
  ...over,
});

test('Example 13-1 ACL 101: 10.1.1.0 0.0.0.255 -> 10.1.2.0 0.0.0.255', () => {
  const entry: AclEntry = {
    action: 'permit',
    protocol: 'ip',
    source: { address: '10.1.1.0', wildcard: '0.0.0.255' },
    destination: { address: '10.1.2.0', wildcard: '0.0.0.255' },
  };
  assert.deepEqual(aclEntryToSelectors(entry), [
    sel({ localStart: '10.1.1.0', localEnd: '10.1.1.255', remoteStart: '10.1.2.0', remoteEnd: '10.1.2.255' }),
  ]);
});

test('table: wildcards, hosts, any, protocols and ports', () => {
  const rows: [AclEntry, TrafficSelector[]][] = [
    // host bits in the address are ignored the way IOS does: 10.1.1.77/0.0.0.255 is 10.1.1.0-255
    [
      {
        action: 'permit',
        protocol: 'ip',
        source: { address: '10.1.1.77', wildcard: '0.0.0.255' },
        destination: anyAddress,
      },
      [sel({ localStart: '10.1.1.0', localEnd: '10.1.1.255' })],
    ],
    // /20: wildcard 0.0.15.255 -> 172.16.16.0 .. 172.16.31.255
    [
      {
        action: 'permit',
        protocol: 'ip',
        source: { address: '172.16.20.0', wildcard: '0.0.15.255' },
        destination: anyAddress,
      },
      [sel({ localStart: '172.16.16.0', localEnd: '172.16.31.255' })],
    ],
    // gre host to host (Example 13-16), protocol 47
    [
      {
        action: 'permit',
        protocol: 'gre',
        source: { address: '172.18.31.1', wildcard: '0.0.0.0' },
        destination: { address: '172.18.45.1', wildcard: '0.0.0.0' },
      },
      [
        sel({
          protocol: 47,
          localStart: '172.18.31.1',
          localEnd: '172.18.31.1',
          remoteStart: '172.18.45.1',
          remoteEnd: '172.18.45.1',
        }),
      ],
    ],
    // udp host eq 1701 (Example 13-23), protocol 17
    [
      {
        action: 'permit',
        protocol: 'udp',
        source: { address: '192.168.0.7', wildcard: '0.0.0.0' },
        sourcePort: { op: 'eq', port: 1701 },
        destination: anyAddress,
      },
      [
        sel({
          protocol: 17,
          localStart: '192.168.0.7',
          localEnd: '192.168.0.7',
          localPortStart: 1701,
          localPortEnd: 1701,
        }),
      ],
    ],
    // numeric protocol, lt / gt
    [
      { action: 'permit', protocol: 50, source: anyAddress, destination: anyAddress },
      [sel({ protocol: 50 })],
    ],
    [
      {
        action: 'permit',
        protocol: 'tcp',
        source: anyAddress,
        sourcePort: { op: 'gt', port: 1023 },
        destination: anyAddress,
        destinationPort: { op: 'lt', port: 1024 },
      },
      [
        sel({
          protocol: 6,
          localPortStart: 1024,
          localPortEnd: 65535,
          remotePortStart: 0,
          remotePortEnd: 1023,
        }),
      ],
    ],
    [
      {
        action: 'permit',
        protocol: 'tcp',
        source: anyAddress,
        destination: anyAddress,
        destinationPort: { op: 'range', from: 20, to: 21 },
      },
      [sel({ protocol: 6, remotePortStart: 20, remotePortEnd: 21 })],
    ],
    // neq splits into two selectors
    [
      {
        action: 'permit',
        protocol: 'udp',
        source: anyAddress,
        destination: anyAddress,
        destinationPort: { op: 'neq', port: 53 },
      },
      [
        sel({ protocol: 17, remotePortStart: 0, remotePortEnd: 52 }),
        sel({ protocol: 17, remotePortStart: 54, remotePortEnd: 65535 }),
      ],
    ],
  ];
  for (const [entry, expected] of rows)
    assert.deepEqual(aclEntryToSelectors(entry), expected, JSON.stringify(entry));
});

test('non-contiguous wildcards are refused with the line named', () => {
  const entry: AclEntry = {
    action: 'permit',
    protocol: 'ip',
    source: { address: '10.0.0.1', wildcard: '0.0.255.0' },
    destination: anyAddress,
    at: { file: 'r1.cfg', line: 12 },
  };
  assert.throws(
    () => aclEntryToSelectors(entry),
    (err: unknown) => {
      assert.ok(err instanceof PolicyError);
      assert.equal(err.found, '0.0.255.0');
      assert.match(err.message, /^r1\.cfg:12: wildcard 0\.0\.255\.0 is not contiguous/);
      return true;
    },
  );
});

test('permit lines only, in order, without what earlier deny lines take; mirror swaps sides', () => {
  // the permit line is the deny line again: nothing of it is ever protected
  const sels = accessListToSelectors({
    name: '150',
    entries: [
      {
        action: 'deny',
        protocol: 'ip',
        source: { address: '192.168.1.0', wildcard: '0.0.0.255' },
        destination: anyAddress,
      },
      {
        action: 'permit',
        protocol: 'ip',
        source: { address: '192.168.1.0', wildcard: '0.0.0.255' },
        destination: anyAddress,
      },
    ],
  });
  assert.equal(sels.length, 0);
  const m = mirrorSelector(
    sel({ localStart: '1.1.1.1', localEnd: '1.1.1.2', remotePortStart: 80, remotePortEnd: 80 }),
  );
  assert.deepEqual(
    [m.remoteStart, m.remoteEnd, m.localPortStart, m.remotePortStart],
    ['1.1.1.1', '1.1.1.2', 80, 0],
  );
});

test('port ranges of the edge operators', () => {
  assert.deepEqual(portRanges({ op: 'lt', port: 0 }), []);
  assert.deepEqual(portRanges({ op: 'gt', port: 65535 }), []);
  assert.deepEqual(portRanges({ op: 'neq', port: 0 }), [{ from: 1, to: 65535 }]);
  assert.deepEqual(portRanges(undefined), [{ from: 0, to: 65535 }]);
});

test('a permit line is cut around an earlier deny line (RFC 4301 §4.4.1.2 decorrelation)', () => {
  const acl = {
    name: '101',
    entries: [
      {
        action: 'deny' as const,
        protocol: 'ip' as const,
        source: { address: '10.1.1.5', wildcard: '0.0.0.0' },
        destination: { address: '10.1.2.0', wildcard: '0.0.0.255' },
      },
      {
        action: 'permit' as const,
        protocol: 'ip' as const,
        source: { address: '10.1.1.0', wildcard: '0.0.0.255' },
        destination: { address: '10.1.2.0', wildcard: '0.0.0.255' },
      },
    ],
  };
  const b = { remoteStart: '10.1.2.0', remoteEnd: '10.1.2.255' };
  // 10.1.1.0/24 without 10.1.1.5: 10.1.1.0-10.1.1.4 and 10.1.1.6-10.1.1.255
  assert.deepEqual(
    aclRules(acl).map((r) => [r.action, r.line, r.selector]),
    [
      ['bypass', 1, sel({ localStart: '10.1.1.5', localEnd: '10.1.1.5', ...b })],
      ['protect', 2, sel({ localStart: '10.1.1.0', localEnd: '10.1.1.4', ...b })],
      ['protect', 2, sel({ localStart: '10.1.1.6', localEnd: '10.1.1.255', ...b })],
    ],
  );
  // a cut that IKEv1 identities cannot carry (a port range) leaves the line whole
  const tcp80 = {
    ...acl,
    entries: [
      { ...acl.entries[0]!, protocol: 'tcp' as const, destinationPort: { op: 'eq' as const, port: 80 } },
      acl.entries[1]!,
    ],
  };
  assert.deepEqual(
    aclRules(tcp80).map((r) => [r.action, r.line]),
    [
      ['bypass', 1],
      ['protect', 2],
    ],
  );
});
