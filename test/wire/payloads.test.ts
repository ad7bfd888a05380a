// Payload encoders build exactly the bytes the RFC layouts give (hand-computed below), the
// engine-style build path (no lengths, no next-payload fields) reproduces strongSwan's bytes,
// and the name tables say what the RFCs say.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addNonEspMarker,
  attributeNumber,
  cfgAttrName,
  CfgAttr,
  CfgType,
  classifyUdp4500,
  decodeMessage,
  decodePayloads,
  dpdNotify,
  dpdSequence,
  encodeMessage,
  initialContactNotify,
  replayStatus,
  responderLifetimeAttributes,
  responderLifetimeNotify,
  encodePayloads,
  EncapsulationMode,
  exchangeTypeName,
  formatIpv6,
  idPayload,
  idTypeName,
  IkeAuthMethod,
  notifyTypeName,
  NotifyType,
  numericAttribute,
  parseIpv6,
  payloadTypeName,
  phase1ValueName,
  Phase1Attr,
  phase2AttrName,
  phase2ValueName,
  ProtocolId,
  recognizeVendorId,
  stripNonEspMarker,
  tlv,
  transformIdName,
  tv,
  VendorIds,
  type Identification,
  type Payload,
} from '../../src/wire/index.js';
import { capturedIsakmp } from './captureFrames.js';
import { message, payload, u32 } from './helpers.js';

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/\s/g, ''), 'hex'));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('ID payload bodies for every ID type (RFC 2407 §4.6.2), phase-1 and phase-2 forms', () => {
  const cases: [Identification, number, number, string][] = [
    [{ kind: 'ipv4', address: '192.0.2.1' }, 17, 500, '01 11 01f4 c0000201'],
    [{ kind: 'fqdn', name: 'r1.lab.example' }, 0, 0, `02 00 0000 ${hex(Buffer.from('r1.lab.example'))}`],
    [{ kind: 'user-fqdn', name: 'a@b' }, 0, 0, '03 00 0000 614062'],
    [
      { kind: 'ipv4-subnet', address: '10.1.0.0', mask: '255.255.255.0' },
      0,
      0,
      '04 00 0000 0a010000 ffffff00',
    ],
    [{ kind: 'ipv6', address: '2001:db8::1' }, 0, 0, '05 00 0000 20010db8000000000000000000000001'],
    [
      { kind: 'ipv6-subnet', address: '2001:db8::', mask: 'ffff:ffff:ffff:ffff::' },
      6,
      80,
      '06 06 0050 20010db8000000000000000000000000 ffffffffffffffff0000000000000000',
    ],
    [{ kind: 'ipv4-range', start: '10.0.0.1', end: '10.0.0.9' }, 17, 53, '07 11 0035 0a000001 0a000009'],
    [
      { kind: 'ipv6-range', start: '::1', end: '::2' },
      0,
      0,
      `08 00 0000 ${'00'.repeat(15)}01 ${'00'.repeat(15)}02`,
    ],
    [{ kind: 'der-asn1-dn', der: bytes('3000') }, 0, 0, '09 00 0000 3000'],
    [{ kind: 'der-asn1-gn', der: bytes('8203616263') }, 0, 0, '0a 00 0000 8203616263'],
    [{ kind: 'key-id', keyId: bytes('c0ffee') }, 0, 0, '0b 00 0000 c0ffee'],
  ];
  for (const [identification, protocolId, port, expected] of cases) {
    const p = idPayload(identification, protocolId, port);
    const encoded = encodePayloads([p]);
    assert.equal(encoded.firstPayload, 5);
    const body = bytes(expected);
    assert.deepEqual(
      encoded.bytes,
      Uint8Array.from([0, 0, 0, 4 + body.length, ...body]),
      identification.kind,
    );
    const back = decodePayloads(5, encoded.bytes).payloads[0];
    assert.deepEqual(back, p, `${identification.kind} decodes to the same object`);
  }
  assert.equal(idTypeName(4), 'ID_IPV4_ADDR_SUBNET');
});

test('engine-style build: payload objects without lengths re-create strongSwan MM3 exactly', () => {
  const captured = capturedIsakmp('mm-psk-aes128-sha1-modp2048').find((c) => c.frame === 3)!;
  const original = decodeMessage(captured.bytes);
  const get = (i: number): Uint8Array => {
    const p = original.payloads[i]!;
    assert.ok('data' in p);
    return p.data;
  };
  const rebuilt = encodeMessage({
    header: {
      initiatorCookie: original.header.initiatorCookie,
      responderCookie: original.header.responderCookie,
      exchangeType: 2,
      flags: { encryption: false, commit: false, authenticationOnly: false },
      messageId: 0,
    },
    payloads: [
      { type: 4, data: get(0) },
      { type: 10, data: get(1) },
      { type: 20, data: get(2) },
      { type: 20, data: get(3) },
    ],
  });
  assert.deepEqual(rebuilt, captured.bytes);
});

test('engine-style build: strongSwan MM1 SA from constants (TV attributes, life 15840)', () => {
  const captured = capturedIsakmp('mm-psk-aes128-sha1-modp2048').find((c) => c.frame === 1)!;
  const original = decodeMessage(captured.bytes);
  const sa: Payload = {
    type: 1,
    doi: 1,
    situation: 1,
    proposals: [
      {
        proposalNumber: 1,
        protocolId: ProtocolId.ISAKMP,
        spi: new Uint8Array(0),
        transforms: [
          {
            transformNumber: 1,
            transformId: 1,
            attributes: [
              tv(Phase1Attr.ENCRYPTION_ALGORITHM, 7),
              tv(Phase1Attr.KEY_LENGTH, 128),
              tv(Phase1Attr.HASH_ALGORITHM, 2),
              tv(Phase1Attr.GROUP_DESCRIPTION, 14),
              tv(Phase1Attr.AUTHENTICATION_METHOD, IkeAuthMethod.PRE_SHARED_KEY),
              tv(Phase1Attr.LIFE_TYPE, 1),
              numericAttribute(Phase1Attr.LIFE_DURATION, 15840),
            ],
          },
        ],
      },
    ],
  };
  const vids: Payload[] = ['XAUTH', 'DPD', 'FRAGMENTATION', 'NATT_RFC3947', 'NATT_DRAFT_02N'].map((k) => {
    const entry = VendorIds[k as keyof typeof VendorIds];
    const data = k === 'FRAGMENTATION' ? Uint8Array.from([...entry.bytes, 0x80, 0, 0, 0]) : entry.bytes;
    return { type: 13, data };
  });
  const rebuilt = encodeMessage({ header: { ...original.header }, payloads: [sa, ...vids] });
  assert.deepEqual(rebuilt, captured.bytes);
});

test('DPD R-U-THERE notification (RFC 3706 §5.1): SPI = CKY-I|CKY-R, data = sequence number', () => {
  const spi = bytes('9df1c8df02e18e5f26378d97127e2f55');
  const { bytes: out } = encodePayloads([
    {
      type: 11,
      doi: 1,
      protocolId: ProtocolId.ISAKMP,
      notifyType: NotifyType.R_U_THERE,
      spi,
      data: Uint8Array.from(u32(1561364771)),
    },
  ]);
  // generic header (len 4+8+16+4 = 32), DOI 1, protocol 1, SPI size 16, type 36136 = 0x8d28
  assert.equal(hex(out), `00000020 00000001 01 10 8d28 ${hex(spi)} 5d108923`.replace(/ /g, ''));
});

test('notify data helpers: DPD, INITIAL-CONTACT, RESPONDER-LIFETIME, REPLAY-STATUS', () => {
  const ckyI = bytes('9df1c8df02e18e5f');
  const ckyR = bytes('26378d97127e2f55');
  const dpd = dpdNotify(NotifyType.R_U_THERE_ACK, ckyI, ckyR, 1561364772);
  assert.equal(
    hex(encodePayloads([dpd]).bytes),
    '00000020000000010110' + '8d29' + hex(ckyI) + hex(ckyR) + '5d108924',
  );
  assert.equal(dpdSequence(dpd), 1561364772);
  const ic = initialContactNotify(ckyI, ckyR);
  assert.equal(hex(encodePayloads([ic]).bytes), '0000001c000000010110' + '6002' + hex(ckyI) + hex(ckyR));
  const attrs = [tv(1, 1), numericAttribute(2, 28800), tv(1, 2), tlv(2, bytes('00465000'))];
  const rl = responderLifetimeNotify(ProtocolId.IPSEC_ESP, bytes('c62ce2e0'), attrs);
  // RFC 2407 §4.6.3.1 data: life type seconds (TV), duration 28800 = 0x7080 (TV), kilobytes, 0x465000
  assert.equal(hex(rl.data), '80010001' + '80027080' + '80010002' + '000200040046' + '5000');
  assert.deepEqual(responderLifetimeAttributes(rl), attrs);
  const replay = { ...rl, notifyType: NotifyType.REPLAY_STATUS, data: bytes('00000001') };
  assert.equal(replayStatus(replay), true);
  assert.equal(replayStatus({ ...replay, data: bytes('00000000') }), false);
  assert.equal(replayStatus({ ...replay, data: bytes('00') }), undefined);
});

test('delete payload with several ESP SPIs, and an ISAKMP delete', () => {
  const spis = [bytes('936b8c64'), bytes('ebf5e410'), bytes('01020304')];
  const { bytes: out } = encodePayloads([{ type: 12, doi: 1, protocolId: 3, spiSize: 4, spis }]);
  assert.equal(hex(out), '0000001800000001030400039' + '36b8c64ebf5e41001020304');
  const back = decodePayloads(12, out).payloads[0]!;
  assert.ok(back.type === 12);
  assert.deepEqual(back.spis, spis);
});

test('XAUTH request: attribute payload with empty TLV user name and password', () => {
  const { bytes: out } = encodePayloads([
    {
      type: 14,
      cfgType: CfgType.ISAKMP_CFG_REQUEST,
      identifier: 0x1234,
      attributes: [
        tlv(CfgAttr.XAUTH_USER_NAME, new Uint8Array(0)),
        tlv(CfgAttr.XAUTH_USER_PASSWORD, new Uint8Array(0)),
      ],
    },
  ]);
  // 16521 = 0x4089, 16522 = 0x408a; AF bit clear, length 0
  assert.equal(hex(out), '00000010' + '01001234' + '40890000' + '408a0000');
  const status = encodePayloads([
    { type: 14, cfgType: 3, identifier: 1, attributes: [tv(CfgAttr.XAUTH_STATUS, 1)] },
  ]);
  assert.equal(hex(status.bytes), '0000000c' + '03000001' + 'c08f0001', 'XAUTH_STATUS basic: 0x8000|16527');
});

test('TLV life duration of 8 bytes is legal and read as a number', () => {
  const a = tlv(2, bytes('0000000100000000'));
  assert.equal(attributeNumber(a), 2 ** 32);
  assert.deepEqual(numericAttribute(2, 3960), { type: 2, value: 3960, tv: true });
  assert.deepEqual(numericAttribute(2, 86400), { type: 2, value: bytes('00015180'), tv: false });
});

test('SA with SIT_SECRECY / SIT_INTEGRITY keeps the labeled-domain fields (RFC 2407 §4.6.1)', () => {
  const secrecy = [
    ...[0, 3, 0, 0, 1, 2, 3, 0], // secrecy length 3, level padded to 4
    ...[0, 9, 0, 0, 0xff, 0x80, 0, 0], // secrecy category: 9 bits -> 2 bytes, padded to 4
  ];
  const integrity = [
    ...[0, 4, 0, 0, 9, 9, 9, 9], // integrity length 4, level
    ...[0, 0, 0, 0], // integrity category length 0, no bitmap
  ];
  const prop = payload(0, [1, 1, 0, 1, ...payload(0, [1, 1, 0, 0])]);
  for (const [situation, labeled] of [
    [0x03, [...u32(0xabcd), ...secrecy]],
    [0x04, [...u32(0xabcd), ...integrity]],
    [0x07, [...u32(0xabcd), ...secrecy, ...integrity]],
  ] as const) {
    const msg = message(1, payload(0, [...u32(1), ...u32(situation), ...labeled, ...prop]));
    const m = decodeMessage(msg);
    const sa = m.payloads[0]!;
    assert.ok(sa.type === 1);
    assert.equal(sa.situation, situation);
    assert.deepEqual(sa.labeledDomain, Uint8Array.from(labeled));
    assert.equal(sa.proposals[0]!.transforms.length, 1);
    assert.deepEqual(encodeMessage(m), msg);
  }
});

test('NAT-OA (RFC 3947 §5.2) and draft NAT-D/NAT-OA numbers 130/131 round trip', () => {
  const list: Payload[] = [
    { type: 130, data: bytes('00112233') },
    { type: 131, address: '192.0.2.7' },
    { type: 21, address: '2001:db8::7' },
  ];
  const enc = encodePayloads(list);
  assert.equal(enc.firstPayload, 130);
  // the draft NAT-OA (131) header names the RFC NAT-OA (21) that follows it
  assert.equal(hex(enc.bytes.subarray(8, 20)), '1500000c' + '01000000' + 'c0000207');
  assert.deepEqual(decodePayloads(enc.firstPayload, enc.bytes).payloads, list);
});

test('unknown payload types are kept as bytes and re-encoded unchanged', () => {
  const msg = message(200, [...payload(13, [1, 2, 3]), ...payload(0, [0xaa])]);
  const m = decodeMessage(msg);
  assert.deepEqual(m.payloads[0], { type: 'unknown', payloadType: 200, data: Uint8Array.from([1, 2, 3]) });
  assert.deepEqual(encodeMessage(m), msg);
});

test('non-canonical fields are kept: reserved bytes, flag bits, trailing and excess bytes', () => {
  const body = [...payload(0, [1, 2])];
  body[1] = 0x55; // generic header RESERVED
  const msg = Uint8Array.from([...message(13, [...body, 0xde, 0xad], 0x09), 0xbe, 0xef]);
  msg[27]! -= 2; // header Length excludes the last two bytes
  const m = decodeMessage(Uint8Array.from(msg));
  assert.equal(m.header.flags.encryption, true);
  assert.equal(m.header.flags.reserved, 0x08);
  assert.deepEqual(m.encrypted, Uint8Array.from(body));
  assert.deepEqual(m.excess, Uint8Array.from([0xde, 0xad, 0xbe, 0xef]));
  assert.deepEqual(encodeMessage(m), msg);
  const clear = message(13, [...body, 0xde, 0xad]);
  const c = decodeMessage(clear);
  assert.equal(c.payloads[0]!.reserved, 0x55);
  assert.deepEqual(c.trailing, Uint8Array.from([0xde, 0xad]));
  assert.deepEqual(encodeMessage(c), clear);
});

test('names as the RFCs spell them', () => {
  assert.equal(exchangeTypeName(2), 'IDENTITY_PROTECTION');
  assert.equal(exchangeTypeName(6), 'TRANSACTION');
  assert.equal(exchangeTypeName(32), 'QUICK');
  assert.equal(exchangeTypeName(33), 'NEW_GROUP');
  assert.equal(payloadTypeName(14), 'ATTR');
  assert.equal(payloadTypeName(130), 'NAT-D');
  assert.equal(payloadTypeName(21), 'NAT-OA');
  assert.equal(notifyTypeName(14), 'NO-PROPOSAL-CHOSEN');
  assert.equal(notifyTypeName(30), 'UNEQUAL-PAYLOAD-LENGTHS');
  assert.equal(notifyTypeName(24576), 'RESPONDER-LIFETIME');
  assert.equal(notifyTypeName(24577), 'REPLAY-STATUS');
  assert.equal(notifyTypeName(24578), 'INITIAL-CONTACT');
  assert.equal(notifyTypeName(36137), 'R-U-THERE-ACK');
  assert.equal(notifyTypeName(9999), 'UNKNOWN(9999)');
  assert.equal(transformIdName(3, 12), 'ESP_AES_CBC');
  assert.equal(transformIdName(3, 20), 'ESP_AES_GCM_16');
  assert.equal(transformIdName(2, 5), 'AH_SHA2_256');
  assert.equal(phase1ValueName(3, 65001), 'XAUTH_INIT_PRE_SHARED');
  assert.equal(phase1ValueName(3, 65010), 'XAUTH_RESP_RSA_REVISED_ENCRYPTION');
  assert.equal(phase1ValueName(12, 15840), undefined);
  assert.equal(phase2AttrName(4), 'ENCAPSULATION_MODE');
  assert.equal(phase2ValueName(4, EncapsulationMode.UDP_ENCAPSULATED_TUNNEL), 'UDP_ENCAPSULATED_TUNNEL');
  assert.equal(phase2ValueName(4, 61444), 'UDP_ENCAPSULATED_TRANSPORT_DRAFT');
  assert.equal(phase2ValueName(5, 7), 'HMAC_SHA2_512');
  assert.equal(cfgAttrName(16527), 'XAUTH_STATUS');
  assert.equal(cfgAttrName(28676), 'UNITY_SPLIT_INCLUDE');
});

test('vendor IDs: exact, prefix with capabilities, IOS, Libreswan, unknown', () => {
  assert.equal(recognizeVendorId(bytes('afcad71368a1f1c96b8696fc77570100'))?.key, 'DPD');
  assert.equal(recognizeVendorId(bytes('afcad71368a1f1c96b8696fc775701'))?.key, undefined);
  assert.equal(recognizeVendorId(bytes('12f5f28c457168a9702d9fe274cc0100'))?.name, 'Cisco Unity');
  const frag = recognizeVendorId(bytes('4048b7d56ebce88525e7de7f00d6c2d3c0000000'));
  assert.equal(frag?.key, 'FRAGMENTATION');
  assert.deepEqual(frag?.suffix, bytes('c0000000'));
  const ios = recognizeVendorId(bytes('3e984048101e66c3a8b2a6e04a2d66f5'));
  assert.equal(ios?.key, 'CISCO_IOS');
  // the chapter's debug trace (Example 13-3): "speaking to another IOS box!"
  assert.equal(ios?.iosDebug, 'speaking to another IOS box!');
  assert.equal(recognizeVendorId(VendorIds.CISCO_UNITY.bytes)?.iosDebug, 'vendor ID is Unity');
  assert.equal(recognizeVendorId(Buffer.from('OE-Libreswan-4.12'))?.key, 'LIBRESWAN');
  assert.equal(recognizeVendorId(bytes('882fe56d6fd20dbc2251613b2ebe5beb'))?.name, 'strongSwan');
  assert.equal(recognizeVendorId(bytes('00112233445566778899aabbccddeeff')), undefined);
});

test('UDP 4500 framing (RFC 3948 §2.2-2.3)', () => {
  const ike = addNonEspMarker(bytes('aabb'));
  assert.equal(hex(ike), '00000000aabb');
  assert.deepEqual(stripNonEspMarker(ike), bytes('aabb'));
  assert.equal(classifyUdp4500(bytes('ff')), 'keepalive');
  assert.equal(classifyUdp4500(bytes('c62ce2e000000001')), 'esp');
  assert.equal(stripNonEspMarker(bytes('c62ce2e000000001')), undefined);
});

test('IPv6 text is RFC 5952 canonical and parses back', () => {
  const cases: [string, string][] = [
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000000000000000', '::'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
    ['00000000000000000000ffffc0000201', '::ffff:c000:201'],
  ];
  for (const [h, text] of cases) {
    assert.equal(formatIpv6(bytes(h)), text);
    assert.deepEqual(parseIpv6(text), bytes(h));
  }
  assert.deepEqual(parseIpv6('::ffff:192.0.2.1'), bytes('00000000000000000000ffffc0000201'));
  assert.throws(() => parseIpv6('1::2::3'));
});
