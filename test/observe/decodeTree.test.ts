import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthAlgorithm,
  EncapsulationMode,
  EspTransformId,
  ExchangeType,
  IkeAuthMethod,
  IkeEncryption,
  IkeHash,
  LifeType,
  NotifyType,
  Phase1Attr,
  Phase2Attr,
  ProtocolId,
  decodeMessage,
  encodeMessage,
  idPayload,
  tlv,
  tv,
  type IsakmpMessageInit,
} from '../../src/wire/index.js';
import type { IsakmpDatagram } from '../../src/observe/decodeFrames.js';
import type { DecodedMessage } from '../../src/observe/decodeSession.js';
import { renderTree } from '../../src/observe/decodeTree.js';

const datagram: IsakmpDatagram = {
  kind: 'isakmp',
  frame: 1,
  time: 0,
  src: '172.16.172.10',
  dst: '172.16.172.20',
  srcPort: 500,
  dstPort: 500,
  nonEspMarker: false,
  bytes: new Uint8Array(0),
  frameOffset: 42,
};

/** Encodes and decodes `init` with the codec, then renders it. */
function render(init: IsakmpMessageInit): string[] {
  const decoded = decodeMessage(encodeMessage(init));
  const message: DecodedMessage = {
    kind: 'message',
    datagram,
    header: decoded.header,
    payloads: decoded.payloads,
  };
  return renderTree(message)
    .split('\n')
    .map((line) => line.trim());
}

const header = (exchangeType: number, messageId: number): IsakmpMessageInit['header'] => ({
  initiatorCookie: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
  responderCookie: new Uint8Array(8),
  exchangeType,
  flags: { encryption: false, commit: false, authenticationOnly: false },
  messageId,
});

test("phase-1 transform in the words of the chapter's Example 13-3", () => {
  // Example 13-3: policy 1 = 3DES, SHA, group 1, pre-share, lifetime 86400 s sent as 4-byte VPI.
  const lines = render({
    header: header(ExchangeType.IDENTITY_PROTECTION, 0),
    payloads: [
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
                  tv(Phase1Attr.ENCRYPTION_ALGORITHM, IkeEncryption['3DES_CBC']),
                  tv(Phase1Attr.HASH_ALGORITHM, IkeHash.SHA),
                  tv(Phase1Attr.GROUP_DESCRIPTION, 1),
                  tv(Phase1Attr.AUTHENTICATION_METHOD, IkeAuthMethod.PRE_SHARED_KEY),
                  tv(Phase1Attr.LIFE_TYPE, LifeType.SECONDS),
                  tlv(Phase1Attr.LIFE_DURATION, Uint8Array.from([0x00, 0x01, 0x51, 0x80])),
                ],
              },
            ],
          },
        ],
      },
      idPayload({ kind: 'ipv4', address: '172.16.172.10' }, 17, 500),
      { type: 8, data: new Uint8Array(20) },
    ],
  });
  const sa = lines.indexOf('processing SA payload. message ID = 0');
  assert.ok(sa > 0, lines.join('\n'));
  assert.equal(lines[sa + 3], 'ISAKMP transform 1, KEY_IKE');
  assert.deepEqual(lines.slice(sa + 4, sa + 10), [
    'encryption 3DES-CBC',
    'hash SHA',
    'default group 1',
    'auth pre-share',
    'life type in seconds',
    'life duration (VPI) of 0x0 0x1 0x51 0x80',
  ]);
  assert.ok(lines.includes('frame 1  172.16.172.10:500 -> 172.16.172.20:500'));
  // Example 13-3's ID payload block: next-payload 8 (HASH), type 1, protocol 17, length 8.
  const id = lines.indexOf('processing ID payload. message ID = 0');
  assert.deepEqual(lines.slice(id + 1, id + 9), [
    'ID payload',
    'next-payload : 8',
    'type         : 1 (ID_IPV4_ADDR)',
    'protocol     : 17',
    'port         : 500',
    'length       : 8',
    'identity     : 172.16.172.10',
    'processing HASH payload. message ID = 0',
  ]);
});

test("IPsec transform in the words of the chapter's Example 13-5", () => {
  // Example 13-5: transform set esp-3des esp-md5-hmac, 3600 s and 4608000 KB (0x00465000).
  const lines = render({
    header: header(ExchangeType.QUICK, 965273472),
    payloads: [
      {
        type: 1,
        doi: 1,
        situation: 1,
        proposals: [
          {
            proposalNumber: 1,
            protocolId: ProtocolId.IPSEC_ESP,
            spi: Uint8Array.from([0x8e, 0xab, 0x0b, 0x22]),
            transforms: [
              {
                transformNumber: 1,
                transformId: EspTransformId.ESP_3DES,
                attributes: [
                  tv(Phase2Attr.ENCAPSULATION_MODE, EncapsulationMode.TUNNEL),
                  tv(Phase2Attr.SA_LIFE_TYPE, LifeType.SECONDS),
                  tv(Phase2Attr.SA_LIFE_DURATION, 3600),
                  tv(Phase2Attr.SA_LIFE_TYPE, LifeType.KILOBYTES),
                  tlv(Phase2Attr.SA_LIFE_DURATION, Uint8Array.from([0x00, 0x46, 0x50, 0x00])),
                  tv(Phase2Attr.AUTHENTICATION_ALGORITHM, AuthAlgorithm.HMAC_MD5),
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  const sa = lines.indexOf('processing SA payload. message ID = 965273472');
  assert.ok(sa > 0, lines.join('\n'));
  assert.deepEqual(lines.slice(sa + 2, sa + 11), [
    'IPsec proposal 1, PROTO_IPSEC_ESP, spi 0x8EAB0B22',
    'transform 1, ESP_3DES',
    'attributes in transform:',
    // IOS 12.4 and later add the mode name; the chapter's 12.2 prints "encaps is 1".
    'encaps is 1 (Tunnel)',
    'SA life type in seconds',
    'SA life duration (basic) of 3600',
    'SA life type in kilobytes',
    'SA life duration (VPI) of 0x0 0x46 0x50 0x0',
    'authenticator is HMAC-MD5',
  ]);
  assert.ok(lines.includes('ISAKMP (0102030405060708:0000000000000000): Quick Mode (QUICK)'));
});

test('RESPONDER-LIFETIME (RFC 2407 §4.6.3.1) shows its lifetime attributes', () => {
  // Attributes as on the wire: TV SA Life Type = seconds (80 01 00 01), TV SA Life Duration = 3600 (80 02 0e 10).
  const lines = render({
    header: header(ExchangeType.QUICK, 1),
    payloads: [
      {
        type: 11,
        doi: 1,
        protocolId: ProtocolId.IPSEC_ESP,
        notifyType: NotifyType.RESPONDER_LIFETIME,
        spi: Uint8Array.from([0xeb, 0x84, 0xdc, 0x85]),
        data: Uint8Array.from([0x80, 0x01, 0x00, 0x01, 0x80, 0x02, 0x0e, 0x10]),
      },
    ],
  });
  const at = lines.indexOf('processing NOTIFY RESPONDER-LIFETIME protocol 3, message ID = 1');
  assert.ok(at > 0, lines.join('\n'));
  assert.deepEqual(lines.slice(at + 1, at + 4), [
    'spi eb84dc85',
    'SA life type in seconds',
    'SA life duration (basic) of 3600',
  ]);
});
