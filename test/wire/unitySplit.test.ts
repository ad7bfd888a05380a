// The Cisco Unity split-include value in both layouts strongSwan 5.9.8 sends: its unity plugin's
// one attribute of 14-byte entries (unity_provider.c append_ts: address, netmask, 6 zero bytes)
// and a vici pool's `split_include` (vici_attribute.c: address then netmask, 8 bytes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unitySplitNetworks } from '../../src/wire/index.js';

test('14-byte entries (unity plugin): two networks in one attribute', () => {
  const value = Uint8Array.from([
    10, 2, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 172, 16, 0, 0, 255, 240, 0, 0, 0, 0, 0, 0, 0, 0,
  ]);
  assert.deepEqual(unitySplitNetworks(value), [
    { address: '10.2.0.0', mask: '255.255.255.0' },
    { address: '172.16.0.0', mask: '255.240.0.0' },
  ]);
});

test('an 8-byte entry (vici pool split_include)', () => {
  assert.deepEqual(unitySplitNetworks(Uint8Array.from([192, 168, 7, 0, 255, 255, 255, 128])), [
    { address: '192.168.7.0', mask: '255.255.255.128' },
  ]);
});

test('a length that fits neither layout, or none, is no list', () => {
  assert.equal(unitySplitNetworks(new Uint8Array(0)), undefined);
  assert.equal(unitySplitNetworks(new Uint8Array(13)), undefined);
});
