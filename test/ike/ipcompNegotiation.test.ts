// The IPCOMP proposal of quick mode (RFC 2407 §4.4.1, §4.4.5; RFC 3173 §4.1): what we offer,
// what a responder answers, and replies that are no answer to our offer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  answerIpcomp,
  cpiForSpi,
  cpiOf,
  ipcompFromReply,
  ipcompProposal,
} from '../../src/ike/ipcompNegotiation.js';
import type { TransformSet } from '../../src/policy/model.js';
import type { Proposal } from '../../src/wire/index.js';

const LZS_SET: TransformSet = {
  name: 'myset',
  espEncryption: 'esp-3des',
  espIntegrity: 'esp-md5-hmac',
  compression: 'comp-lzs',
  mode: 'tunnel',
};
const PARAMS = { encapsulation: 1, lifetimeSeconds: 3600, lifetimeKilobytes: 4608000 };

test('our IPCOMP proposal: protocol 4, a 2-byte CPI, IPCOMP_LZS (3) or IPCOMP_DEFLATE (2)', () => {
  const p = ipcompProposal('lzs', 1, 0x1234, PARAMS);
  assert.equal(p.protocolId, 4);
  assert.deepEqual([...p.spi], [0x12, 0x34]);
  assert.equal(p.transforms[0]?.transformId, 3);
  assert.equal(ipcompProposal('deflate', 1, 0x1234, PARAMS).transforms[0]?.transformId, 2);
});

test('CPIs: 2 bytes, or 4 with the CPI in the low-order two; ours in 256-61439', () => {
  assert.equal(cpiOf(Uint8Array.of(0x12, 0x34)), 0x1234);
  assert.equal(cpiOf(Uint8Array.of(0, 0, 0x12, 0x34)), 0x1234);
  assert.equal(cpiOf(Uint8Array.of(0x12)), undefined);
  assert.equal(cpiOf(new Uint8Array(8)), undefined);
  for (const spi of [256, 0xffffffff, 61439, 61440, 123456789]) {
    const c = cpiForSpi(spi);
    assert.ok(c >= 256 && c <= 61439, String(c));
  }
});

test('responder: LZS offered and configured is taken, our CPI as wide as theirs', () => {
  for (const spi of [Uint8Array.of(0x30, 0x00), Uint8Array.of(0, 0, 0x30, 0x00)]) {
    const offered: Proposal[] = [{ ...ipcompProposal('lzs', 1, 0x3000, PARAMS), spi }];
    const a = answerIpcomp(LZS_SET, offered, 0x12345678, 1);
    assert.ok(a?.accepted);
    assert.equal(a.accepted.choice.outboundCpi, 0x3000);
    assert.equal(a.accepted.choice.inboundCpi, cpiForSpi(0x12345678));
    assert.equal(a.accepted.reply.spi.length, spi.length);
    assert.equal(cpiOf(a.accepted.reply.spi), cpiForSpi(0x12345678));
  }
});

test('responder: declines with the reason, never fails the quick mode', () => {
  const lzs = [ipcompProposal('lzs', 1, 0x3000, PARAMS)];
  assert.equal(answerIpcomp(LZS_SET, [], 0x1000, 1), undefined);
  assert.match(
    answerIpcomp({ ...LZS_SET, compression: undefined }, lzs, 0x1000, 1)?.declined ?? '',
    /no compression/,
  );
  assert.match(
    answerIpcomp(LZS_SET, [ipcompProposal('deflate', 1, 0x3000, PARAMS)], 0x1000, 1)?.declined ?? '',
    /offered IPPCP_DEFLATE, transform set myset wants comp-lzs/,
  );
  assert.match(
    answerIpcomp(LZS_SET, lzs, 0x1000, 3)?.declined ?? '',
    /wants comp-lzs/,
    'another encapsulation',
  );
  for (const bad of [Uint8Array.of(0, 0), Uint8Array.of(0, 100), Uint8Array.of(1)]) {
    const d = answerIpcomp(LZS_SET, [{ ...lzs[0]!, spi: bad }], 0x1000, 1);
    assert.match(d?.declined ?? '', /CPI/);
  }
});

test('initiator: an IPCOMP we did not offer, a bad CPI or another transform is invalid', () => {
  const reply = [ipcompProposal('lzs', 1, 0x3000, PARAMS)];
  assert.match(ipcompFromReply(undefined, undefined, reply)?.invalid ?? '', /did not offer/);
  assert.match(ipcompFromReply('deflate', 0x500, reply)?.invalid ?? '', /differs/);
  assert.match(
    ipcompFromReply('lzs', 0x500, [{ ...reply[0]!, spi: Uint8Array.of(0, 100) }])?.invalid ?? '',
    /reply IPCOMP CPI/,
  );
  assert.deepEqual(ipcompFromReply('lzs', 0x500, reply)?.choice, {
    algorithm: 'lzs',
    inboundCpi: 0x500,
    outboundCpi: 0x3000,
  });
  assert.match(ipcompFromReply('lzs', 0x500, [])?.declined ?? '', /without IPCOMP/);
  assert.match(ipcompFromReply(undefined, undefined, [], 2)?.declined ?? '', /proposal 2/);
  assert.equal(ipcompFromReply(undefined, undefined, []), undefined);
});
