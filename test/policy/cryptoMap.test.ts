// Crypto map entries per interface, dynamic maps resolved, lifetimes completed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import {
  cryptoInterfaces,
  cryptoMapEntries,
  cryptoMapEntriesForInterface,
  localAddressForMap,
} from '../../src/policy/index.js';
import { fixture } from '../util/fixtures.js';

const cfg = (n: string) =>
  parseConfig(readFileSync(fixture(`chapter/example-13-${n}.cfg`), 'utf8'), `${n}.cfg`);

test('13-13: one interface, two entries in sequence order, local-address Serial0', () => {
  const c = cfg('13');
  const entries = cryptoMapEntriesForInterface(c, 'serial0'); // IOS names are case-insensitive
  assert.deepEqual(
    entries.map((e) => [e.seq, e.peers, e.acl?.name, e.lifetime]),
    [
      [20, ['100.228.202.154'], '106', { seconds: 3600, kilobytes: 4608000 }],
      [30, ['200.154.17.130'], '105', { seconds: 3600, kilobytes: 4608000 }],
    ],
  );
  assert.equal(localAddressForMap(c, 'combined'), '100.232.202.210');
  assert.deepEqual(cryptoMapEntriesForInterface(c, 'FastEthernet0'), []);
});

test('13-21 PIX: the static entry, then the dynamic template in its place', () => {
  const c = cfg('21');
  const entries = cryptoMapEntriesForInterface(c, 'outside');
  assert.deepEqual(
    entries.map((e) => [e.seq, e.dynamic, e.peers, e.transformSets, e.matchAddress]),
    [
      [20, undefined, ['192.168.10.2'], ['mysetdes'], '101'],
      [30, { name: 'mydynmap', seq: 10, discover: false }, [], ['mysetdes'], undefined],
    ],
  );
  assert.equal(localAddressForMap(c, 'newmap'), '192.168.10.1');
});

test('13-24 TED: the dynamic entry carries discover and its ACL', () => {
  const c = cfg('24');
  const [e] = cryptoMapEntries(c, 'tedtag');
  assert.deepEqual(e?.dynamic, { name: 'ted-map', seq: 10, discover: true });
  assert.equal(e?.acl?.entries.length, 2);
  assert.deepEqual(
    cryptoInterfaces(c).map((i) => i.name),
    ['Ethernet0/1'],
  );
});

test('per-entry lifetime overrides the global one field by field', () => {
  const c = parseConfig(readFileSync(fixture('configs/good-modern-ios.cfg'), 'utf8'), 'r1.cfg');
  const [e] = cryptoMapEntries(c, 'site');
  assert.deepEqual(e?.lifetime, { seconds: 1800, kilobytes: 100000 });
  assert.equal(e?.pfsGroup, 14);
});
