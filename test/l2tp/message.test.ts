// L2TP codec: messages laid out by hand from RFC 2661 §3.1 and §4.1 (each byte explained),
// decoded field by field and re-encoded byte for byte; malformed input only ever raises
// DecodeError.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { avpNumber, avpText, findAvp, textAvp, u16Avp, u32Avp } from '../../src/l2tp/avp.js';
import { AvpType, MessageType } from '../../src/l2tp/constants.js';
import { decodeL2tp, encodeControl, encodeData } from '../../src/l2tp/message.js';
import { DecodeError } from '../../src/wire/errors.js';
import { hex, toHex } from '../crypto/hex.js';

// T L . . S . O P . . . . Ver=2 -> 0xc802; length 55; tunnel 0, session 0; Ns 0, Nr 0
const SCCRQ = hex(`
  c802 0037 0000 0000 0000 0000
  8008 0000 0000 0001
  8008 0000 0002 0100
  8009 0000 0007 6c6163
  800a 0000 0003 00000003
  8008 0000 0009 0001`);

test('an SCCRQ decodes field by field and re-encodes byte for byte', () => {
  const m = decodeL2tp(SCCRQ);
  assert.equal(m.kind, 'control');
  if (m.kind !== 'control') return;
  assert.equal(m.messageType, MessageType.SCCRQ);
  assert.deepEqual([m.tunnelId, m.sessionId, m.ns, m.nr], [0, 0, 0, 0]);
  assert.equal(m.avps.length, 4);
  assert.equal(avpNumber(findAvp(m.avps, AvpType.ProtocolVersion)!, 2), 0x0100);
  assert.equal(avpText(findAvp(m.avps, AvpType.HostName)!), 'lac');
  assert.equal(avpNumber(findAvp(m.avps, AvpType.FramingCapabilities)!, 4), 3);
  assert.equal(avpNumber(findAvp(m.avps, AvpType.AssignedTunnelId)!, 2), 1);
  const again = encodeControl({
    tunnelId: 0,
    sessionId: 0,
    ns: 0,
    nr: 0,
    messageType: MessageType.SCCRQ,
    avps: [
      u16Avp(AvpType.ProtocolVersion, 0x0100),
      textAvp(AvpType.HostName, 'lac'),
      u32Avp(AvpType.FramingCapabilities, 3),
      u16Avp(AvpType.AssignedTunnelId, 1),
    ],
  });
  assert.equal(toHex(again), toHex(SCCRQ));
});

test('a ZLB is a control header alone', () => {
  const zlb = hex('c802 000c 0005 0000 0001 0002');
  const m = decodeL2tp(zlb);
  assert.equal(m.kind, 'control');
  if (m.kind !== 'control') return;
  assert.equal(m.messageType, undefined);
  assert.deepEqual([m.tunnelId, m.ns, m.nr], [5, 1, 2]);
  assert.equal(
    toHex(encodeControl({ tunnelId: 5, sessionId: 0, ns: 1, nr: 2, messageType: undefined, avps: [] })),
    toHex(zlb),
  );
});

test('data messages: with length, with sequence numbers and offset, and the bare form', () => {
  // L set (0x4002), length 14, tunnel 7, session 9, PPP ff03 c021 ...
  const withLength = hex('4002 000e 0007 0009 ff03 c021 0901');
  const m = decodeL2tp(withLength);
  assert.equal(m.kind, 'data');
  if (m.kind !== 'data') return;
  assert.deepEqual([m.tunnelId, m.sessionId], [7, 9]);
  assert.equal(toHex(m.payload), 'ff03c0210901');
  assert.equal(
    toHex(encodeData({ tunnelId: 7, sessionId: 9, priority: false, payload: m.payload })),
    toHex(withLength),
  );
  // S and O set (0x0a02): Ns 3, Nr 4, offset size 2 with 2 pad bytes
  const sequenced = decodeL2tp(hex('0a02 0007 0009 0003 0004 0002 0000 ff03 0021 45'));
  assert.equal(sequenced.kind, 'data');
  if (sequenced.kind !== 'data') return;
  assert.deepEqual([sequenced.ns, sequenced.nr], [3, 4]);
  assert.equal(toHex(sequenced.payload), 'ff03002145');
  const bare = decodeL2tp(hex('0002 0007 0009 ff03 0021'));
  assert.equal(bare.kind === 'data' && toHex(bare.payload), 'ff030021');
});

test('malformed messages raise DecodeError', () => {
  const bad = [
    hex('c803 000c 0000 0000 0000 0000'), // version 3
    hex('8802 0000 0000 0000'), // control without L
    hex('c802 0040 0000 0000 0000 0000'), // length beyond the datagram
    hex('c802 0012 0000 0000 0000 0000 8005 0000 0000'), // AVP length 5
    hex('c802 0014 0000 0000 0000 0000 8008 0000 0007 6c61'), // first AVP not Message Type
    hex('c802 0014 0000 0000 0000 0000 c008 0000 0000 0001'), // hidden Message Type
    hex('ca02 000c 0000 0000 0000 0000'), // control with O set
    hex('c802 000e 0000 0000 0000 0000 8008'), // truncated AVP
    hex('0202 0007 0009 0010'), // offset pad beyond the datagram
    hex('c8'),
  ];
  for (const b of bad) assert.throws(() => decodeL2tp(b), DecodeError, toHex(b));
});

test('random input never raises anything but DecodeError', () => {
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let i = 0; i < 3000; i++) {
    const b = new Uint8Array(next() % 40);
    for (let j = 0; j < b.length; j++) b[j] = next() & 0xff;
    if (i % 2 === 0 && b.length > 1) {
      b[0] = 0xc8;
      b[1] = 0x02;
    }
    try {
      decodeL2tp(b);
    } catch (e) {
      assert.ok(e instanceof DecodeError, String(e));
    }
  }
});
