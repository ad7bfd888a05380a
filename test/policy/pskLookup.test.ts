// Pre-shared key precedence: host key, then longest netmask, the wildcard last; hostname keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import {
  findPresharedKey,
  findPresharedKeyByHostname,
  findPresharedKeyForPeer,
  isWildcardKey,
} from '../../src/policy/index.js';
import { fixture } from '../util/fixtures.js';

const keys = parseConfig(
  readFileSync(fixture('configs/good-modern-ios.cfg'), 'utf8'),
  'r1.cfg',
).presharedKeys;
// s3cret   192.0.2.2/32, branches 198.51.100.0/24, wide 198.51.0.0/16, anyone 0.0.0.0/0,
// byname   hostname peer.example.net

test('precedence table', () => {
  const rows: [string, string][] = [
    ['192.0.2.2', 's3cret'], // exact host key
    ['192.0.2.3', 'anyone'], // only the wildcard covers it
    ['198.51.100.77', 'branches'], // /24 beats /16 and /0
    ['198.51.7.1', 'wide'], // /16 beats /0
    ['203.0.113.1', 'anyone'],
  ];
  for (const [peer, key] of rows) assert.equal(findPresharedKey(keys, peer)?.key, key, peer);
  assert.equal(findPresharedKey(keys, 'not-an-address'), undefined);
});

test('order of the configuration does not matter, only the prefix', () => {
  const reversed = [...keys].reverse();
  assert.equal(findPresharedKey(reversed, '198.51.100.77')?.key, 'branches');
  assert.equal(findPresharedKey(reversed, '192.0.2.2')?.key, 's3cret');
});

test('no wildcard: an unknown peer has no key', () => {
  const c = parseConfig(readFileSync(fixture('chapter/example-13-13.cfg'), 'utf8'), 'r1.cfg');
  assert.equal(findPresharedKey(c.presharedKeys, '100.228.202.154')?.key, 'xxxxxx1234');
  assert.equal(findPresharedKey(c.presharedKeys, '200.154.17.130')?.key, 'xxxxxx5678');
  assert.equal(findPresharedKey(c.presharedKeys, '100.228.202.155'), undefined);
});

test('PIX 13-21: wildcard with netmask 0.0.0.0 and the router key with /32', () => {
  const c = parseConfig(readFileSync(fixture('chapter/example-13-21.cfg'), 'utf8'), 'pix.cfg');
  assert.equal(findPresharedKey(c.presharedKeys, '192.168.10.2')?.key, 'myotherkey');
  const client = findPresharedKey(c.presharedKeys, '171.68.118.143');
  assert.equal(client?.key, 'mysecretkey');
  assert.ok(client && isWildcardKey(client));
});

test('aggressive mode: by FQDN identity (case and trailing dot do not matter), else by address', () => {
  assert.equal(findPresharedKeyByHostname(keys, 'PEER.example.net.')?.key, 'byname');
  assert.equal(findPresharedKeyByHostname(keys, 'other.example.net'), undefined);
  assert.equal(findPresharedKeyForPeer(keys, '192.0.2.2', 'peer.example.net')?.key, 'byname');
  assert.equal(findPresharedKeyForPeer(keys, '192.0.2.2', 'other.example.net')?.key, 's3cret');
  assert.equal(findPresharedKeyForPeer(keys, '192.0.2.2')?.key, 's3cret');
});
