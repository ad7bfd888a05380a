// The gateway's Mode Config REPLY and SET attributes, checked byte by byte against hand
// encodings: RFC 2408 §3.3 attribute format (AF bit, type, length, value), the type numbers
// of draft-dukes-ike-mode-cfg-02 §3.3 (INTERNAL_IP4_ADDRESS 1, _NETMASK 2, _DNS 3, _NBNS 4)
// and the Cisco Unity numbers of strongSwan's attributes.h (UNITY_SAVE_PASSWD 28673 = 0x7001,
// UNITY_DEF_DOMAIN 28674 = 0x7002, UNITY_SPLIT_INCLUDE 28676 = 0x7004), with each split
// network as 4 bytes address, 4 bytes mask and 6 zero bytes (strongSwan's unity_handler.c
// skips 14 bytes per network).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modeConfigPush, modeConfigReply } from '../../src/ike/modeConfigAttributes.js';
import { encodeAttributes, tlv, Writer, type Attribute } from '../../src/wire/index.js';
import type { ModeConfigOffer } from '../../src/policy/remoteAccess.js';

function hex(attributes: readonly Attribute[]): string {
  const w = new Writer();
  encodeAttributes(w, attributes);
  return Buffer.from(w.finish()).toString('hex');
}

/** An empty (TLV, length 0) request for `type`: "give me one" (draft-dukes §3.2). */
const ask = (type: number): Attribute => tlv(type, new Uint8Array(0));

const OFFER: ModeConfigOffer = {
  group: 'vpngroup',
  dns: ['10.1.0.10', '10.1.0.11'],
  wins: ['10.1.0.20'],
  domain: 'ex.com',
  splitInclude: [
    { address: '10.1.0.0', mask: '255.255.255.0' },
    { address: '192.168.5.0', mask: '255.255.255.128' },
  ],
  splitAcl: '110',
  savePassword: false,
};

// Hand-encoded attributes (type | length | value), address 10.1.10.1 = 0a010a01.
const ADDRESS = '0001' + '0004' + '0a010a01';
const NETMASK = '0002' + '0004' + 'ffffffff';
const DNS = '0003' + '0004' + '0a01000a' + ('0003' + '0004' + '0a01000b');
const NBNS = '0004' + '0004' + '0a010014';
const DOMAIN = '7002' + '0006' + Buffer.from('ex.com').toString('hex');
const SPLIT =
  '7004' + '001c' + ('0a010000' + 'ffffff00' + '000000000000') + ('c0a80500' + 'ffffff80' + '000000000000');

test('a REPLY answers each requested attribute, in the request order', () => {
  const r = modeConfigReply([ask(1), ask(2), ask(3), ask(4), ask(28674), ask(28676)], '10.1.10.1', OFFER);
  assert.equal(hex(r.attributes), ADDRESS + NETMASK + DNS + NBNS + DOMAIN + SPLIT);
  assert.deepEqual(r.given, {
    netmask: '255.255.255.255',
    dns: ['10.1.0.10', '10.1.0.11'],
    wins: ['10.1.0.20'],
    domain: 'ex.com',
    splitInclude: OFFER.splitInclude,
    localLan: [],
  });
});

test('a REPLY holds only what was asked for: no Unity attribute unrequested; the address always', () => {
  // strongSwan's request: the address (empty), then DNS (resolve plugin).
  assert.equal(hex(modeConfigReply([ask(1), ask(3)], '10.1.10.1', OFFER).attributes), ADDRESS + DNS);
  // A request without the address still gets it, first.
  assert.equal(hex(modeConfigReply([ask(4)], '10.1.10.1', OFFER).attributes), ADDRESS + NBNS);
  // Asked twice, answered once; an unknown type (16 is unassigned in §3.3) and
  // INTERNAL_IP6_ADDRESS (8, we assign none) are left out.
  assert.equal(
    hex(modeConfigReply([ask(3), ask(3), ask(16), ask(8), ask(1)], '10.1.10.1', OFFER).attributes),
    DNS + ADDRESS,
  );
  // A value in the request (the client's wish) does not change ours.
  const wish = tlv(1, Uint8Array.from([10, 9, 9, 9]));
  assert.equal(hex(modeConfigReply([wish], '10.1.10.1', OFFER).attributes), ADDRESS);
});

test('what is not configured is not sent, even when asked for', () => {
  const none: ModeConfigOffer = { dns: [], wins: [], splitInclude: [], savePassword: false };
  const r = modeConfigReply([ask(1), ask(3), ask(4), ask(28674), ask(28676)], '10.1.10.1', none);
  assert.equal(hex(r.attributes), ADDRESS);
});

test('UNITY_SAVE_PASSWD is a basic (TV) attribute: AF bit set, 0x8000 | 0x7001, value 0 or 1', () => {
  assert.equal(hex(modeConfigReply([ask(28673)], '10.1.10.1', OFFER).attributes), ADDRESS + 'f0010000');
  const save = { ...OFFER, savePassword: true };
  assert.equal(hex(modeConfigReply([ask(28673)], '10.1.10.1', save).attributes), ADDRESS + 'f0010001');
});

test('a SET pushes the address and every configured setting, Unity ones included', () => {
  assert.equal(hex(modeConfigPush('10.1.10.1', OFFER).attributes), ADDRESS + DNS + NBNS + DOMAIN + SPLIT);
  assert.equal(
    hex(modeConfigPush('10.1.10.1', { ...OFFER, savePassword: true }).attributes),
    ADDRESS + DNS + NBNS + DOMAIN + SPLIT + 'f0010001',
  );
  const none: ModeConfigOffer = { dns: [], wins: [], splitInclude: [], savePassword: false };
  assert.equal(hex(modeConfigPush('10.1.10.1', none).attributes), ADDRESS);
});
