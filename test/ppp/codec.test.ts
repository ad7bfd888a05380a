// PPP codecs: frames, LCP/IPCP packets and options, CHAP; bytes laid out by hand from RFC
// 1661 §2, §5, §6, RFC 1332 §3.3, RFC 1994 §4 and RFC 2759 §3-4.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePppFrame, encodePppFrame, PppProtocol } from '../../src/ppp/frame.js';
import { CpCode, decodeCp, decodeOptions, encodeCp, encodeOptions, LcpOption } from '../../src/ppp/cp.js';
import { ChapCode, decodeChap, decodeMsChapV2Response, encodeChap } from '../../src/ppp/chap.js';
import { DecodeError } from '../../src/wire/errors.js';
import { hex, toHex } from '../crypto/hex.js';

test('PPP frames with and without address/control, and with a compressed protocol', () => {
  assert.deepEqual(decodePppFrame(hex('ff03 c021 01')), { protocol: PppProtocol.LCP, info: hex('01') });
  assert.deepEqual(decodePppFrame(hex('c021 01')), { protocol: PppProtocol.LCP, info: hex('01') });
  assert.deepEqual(decodePppFrame(hex('21 45')), { protocol: PppProtocol.IPv4, info: hex('45') });
  assert.equal(toHex(encodePppFrame({ protocol: PppProtocol.IPCP, info: hex('0102') })), 'ff0380210102');
  for (const b of [hex(''), hex('ff03'), hex('ff03 c0'), hex('0200 00'), hex('ff03 0020')])
    assert.throws(() => decodePppFrame(b), DecodeError, toHex(b));
});

// LCP Configure-Request id 1, length 19: MRU 1400, Auth-Protocol CHAP MS-CHAPv2, Magic 0x11223344
const LCP_CONFREQ = hex('01 01 0013 0104 0578 0305 c223 81 0506 11223344');

test('an LCP Configure-Request and its options', () => {
  const p = decodeCp(LCP_CONFREQ);
  assert.equal(p.code, CpCode.ConfigureRequest);
  assert.equal(p.identifier, 1);
  const options = decodeOptions(p.data);
  assert.deepEqual(
    options.map((o) => [o.type, toHex(o.data)]),
    [
      [LcpOption.MRU, '0578'],
      [LcpOption.AuthProtocol, 'c22381'],
      [LcpOption.MagicNumber, '11223344'],
    ],
  );
  assert.equal(toHex(encodeCp({ code: 1, identifier: 1, data: encodeOptions(options) })), toHex(LCP_CONFREQ));
  // padding after Length is ignored (RFC 1661 §5)
  assert.equal(decodeCp(hex('09 02 0008 01020304 0000')).data.length, 4);
  for (const b of [hex('01 01 0003'), hex('01 01 0010 00'), hex('01')])
    assert.throws(() => decodeCp(b), DecodeError, toHex(b));
  for (const b of [hex('01'), hex('0101'), hex('0105 00')])
    assert.throws(() => decodeOptions(b), DecodeError, toHex(b));
});

test('CHAP challenge, MS-CHAPv2 response, success', () => {
  // Challenge id 7, value-size 16, value 00..0f, name "LNS"
  const challenge = hex('01 07 0018 10 000102030405060708090a0b0c0d0e0f 4c4e53');
  const c = decodeChap(challenge);
  assert.equal(c.code, ChapCode.Challenge);
  assert.ok('value' in c);
  if (!('value' in c)) return;
  assert.equal(c.name, 'LNS');
  assert.equal(toHex(c.value), '000102030405060708090a0b0c0d0e0f');
  assert.equal(toHex(encodeChap(c)), toHex(challenge));
  const peer = hex('21402324255E262A28295F2B3A337C7E');
  const nt = hex('82309ECD8D708B5EA08FAA3981CD83544233114A3D85D6DF');
  const value = new Uint8Array(49);
  value.set(peer, 0);
  value.set(nt, 24);
  const r = decodeMsChapV2Response(value);
  assert.equal(toHex(r.peerChallenge), toHex(peer));
  assert.equal(toHex(r.ntResponse), toHex(nt));
  assert.throws(() => decodeMsChapV2Response(value.subarray(1)), DecodeError);
  const success = decodeChap(hex('03 07 0008 533d3132'));
  assert.deepEqual(success, { code: ChapCode.Success, identifier: 7, message: 'S=12' });
  for (const b of [hex('01 07 0005 00'), hex('01 07 0006 05 00'), hex('09 07 0004'), hex('01 07 0020')])
    assert.throws(() => decodeChap(b), DecodeError, toHex(b));
});
