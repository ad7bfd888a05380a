import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CfgAttr,
  CfgType,
  decodeMessage,
  encodeMessage,
  ExchangeType,
  idPayload,
  NotifyType,
  Phase1Attr,
  ProtocolId,
  tlv,
  tv,
  type Payload,
} from '../../src/wire/index.js';
import { renderJsonLine } from '../../src/observe/decodeJson.js';
import type { IsakmpDatagram } from '../../src/observe/decodeFrames.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

test('--json: one line per message, the agreed keys, payload types as RFC 2408 spells them', () => {
  const payloads: Payload[] = [
    {
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
                tlv(Phase1Attr.LIFE_DURATION, bytes(0, 1, 0x51, 0x80)),
              ],
            },
          ],
        },
      ],
    },
    { type: 4, data: bytes(1, 2, 3) },
    idPayload({ kind: 'fqdn', name: 'r1.lab.example' }),
    { type: 6, encoding: 4, data: bytes(0x30, 0) },
    { type: 7, encoding: 4, authority: new Uint8Array(0) },
    { type: 8, data: bytes(0xaa) },
    { type: 9, data: bytes(0xbb) },
    { type: 10, data: bytes(0xcc, 0xdd) },
    {
      type: 11,
      doi: 1,
      protocolId: 1,
      notifyType: NotifyType.R_U_THERE,
      spi: new Uint8Array(16),
      data: bytes(0, 0, 1, 0),
    },
    { type: 12, doi: 1, protocolId: ProtocolId.IPSEC_ESP, spiSize: 4, spis: [bytes(0x93, 0x6b, 0x8c, 0x64)] },
    { type: 13, data: Uint8Array.from(Buffer.from('afcad71368a1f1c96b8696fc77570100', 'hex')) },
    {
      type: 14,
      cfgType: CfgType.ISAKMP_CFG_REPLY,
      identifier: 7,
      attributes: [
        tlv(CfgAttr.XAUTH_USER_NAME, Uint8Array.from(Buffer.from('alice'))),
        tlv(CfgAttr.INTERNAL_IP4_ADDRESS, bytes(10, 99, 0, 1)),
      ],
    },
    { type: 20, data: bytes(1) },
    { type: 21, address: '192.168.1.10' },
    { type: 130, data: bytes(2) },
  ];
  const message = decodeMessage(
    encodeMessage({
      header: {
        initiatorCookie: bytes(1, 2, 3, 4, 5, 6, 7, 8),
        responderCookie: bytes(9, 10, 11, 12, 13, 14, 15, 16),
        exchangeType: ExchangeType.IDENTITY_PROTECTION,
        flags: { encryption: false, commit: false, authenticationOnly: false },
        messageId: 0,
      },
      payloads,
    }),
  );
  const datagram: IsakmpDatagram = {
    kind: 'isakmp',
    frame: 4,
    time: 1.5,
    src: '192.0.2.1',
    dst: '192.0.2.2',
    srcPort: 500,
    dstPort: 500,
    nonEspMarker: false,
    bytes: new Uint8Array(0),
    frameOffset: 28,
  };
  const line = renderJsonLine({
    kind: 'message',
    datagram,
    header: message.header,
    payloads: message.payloads,
  });
  assert.ok(line.endsWith('}\n'));
  assert.equal(line.indexOf('\n'), line.length - 1, 'exactly one line');
  const json = JSON.parse(line);
  for (const key of [
    'frame',
    'src',
    'dst',
    'exchange',
    'flags',
    'icookie',
    'rcookie',
    'messageId',
    'payloads',
  ]) {
    assert.ok(key in json, `key ${key}`);
  }
  assert.equal(json.frame, 4);
  assert.equal(json.src, '192.0.2.1:500');
  assert.equal(json.exchange, 'IDENTITY_PROTECTION');
  assert.deepEqual(json.flags, { encryption: false, commit: false, authenticationOnly: false });
  assert.equal(json.icookie, '0102030405060708');
  assert.equal(json.rcookie, '090a0b0c0d0e0f10');
  assert.equal(json.messageId, 0);
  assert.deepEqual(
    json.payloads.map((p: { type: string }) => p.type),
    [
      'SA',
      'KE',
      'ID',
      'CERT',
      'CR',
      'HASH',
      'SIG',
      'NONCE',
      'N',
      'D',
      'VID',
      'ATTR',
      'NAT-D',
      'NAT-OA',
      'NAT-D',
    ],
  );
  const [sa, , id, , , , , nonce, n, d, vid, attr, , natOa] = json.payloads;
  assert.equal(sa.proposals[0].type, 'PROPOSAL');
  assert.equal(sa.proposals[0].protocol, 'PROTO_ISAKMP');
  assert.equal(sa.proposals[0].transforms[0].type, 'TRANSFORM');
  assert.equal(sa.proposals[0].transforms[0].name, 'KEY_IKE');
  assert.deepEqual(sa.proposals[0].transforms[0].attributes, [
    {
      type: 1,
      name: 'ENCRYPTION_ALGORITHM',
      format: 'TV',
      value: 7,
      valueName: 'AES_CBC',
      text: 'encryption AES-CBC',
    },
    // 0x00015180 = 86400 s, the chapter's "life duration (VPI) of 0x0 0x1 0x51 0x80"
    {
      type: 12,
      name: 'LIFE_DURATION',
      format: 'TLV',
      value: 86400,
      text: 'life duration (VPI) of 0x0 0x1 0x51 0x80',
    },
  ]);
  assert.equal(id.idTypeName, 'ID_FQDN');
  assert.equal(id.value, 'r1.lab.example');
  assert.equal(nonce.data, 'ccdd');
  assert.equal(n.notifyName, 'R-U-THERE');
  assert.equal(n.sequence, 256);
  assert.deepEqual(d.spis, ['936b8c64']);
  assert.equal(d.protocol, 'PROTO_IPSEC_ESP');
  assert.equal(vid.vendor, 'DPD');
  assert.equal(attr.cfgTypeName, 'ISAKMP_CFG_REPLY');
  assert.deepEqual(
    attr.attributes.map((a: { name: string; value: string }) => [a.name, a.value]),
    [
      ['XAUTH_USER_NAME', 'alice'],
      ['INTERNAL_IP4_ADDRESS', '10.99.0.1'],
    ],
  );
  assert.equal(natOa.address, '192.168.1.10');
});

test('--json: a malformed message is a line with frame and offsets', () => {
  const line = renderJsonLine({
    kind: 'malformed',
    frame: 7,
    src: '192.0.2.1:500',
    dst: '192.0.2.2:500',
    offset: 30,
    frameOffset: 72,
    message: 'malformed ISAKMP message: x',
  });
  assert.deepEqual(JSON.parse(line), {
    frame: 7,
    src: '192.0.2.1:500',
    dst: '192.0.2.2:500',
    error: { message: 'malformed ISAKMP message: x', offset: 30, frameOffset: 72 },
  });
});
