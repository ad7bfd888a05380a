// Messages covering every payload type, ID type and attribute kind, for the Wireshark
// agreement test. Built the way the engine builds them (no lengths, no next-payload fields).

import {
  CfgAttr,
  CfgType,
  EncapsulationMode,
  ExchangeType,
  idPayload,
  IkeAuthMethod,
  NotifyType,
  numericAttribute,
  Phase1Attr,
  Phase2Attr,
  ProtocolId,
  tlv,
  tv,
  VendorIds,
  type IsakmpMessageInit,
  type Payload,
} from '../../src/wire/index.js';

const bytes = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const seq = (n: number, start = 1): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

export const ICOOKIE = bytes('0123456789abcdef');
export const RCOOKIE = bytes('fedcba9876543210');

export interface Sample {
  readonly name: string;
  readonly port: 500 | 4500;
  readonly message: IsakmpMessageInit;
}

function msg(
  exchangeType: number,
  messageId: number,
  payloads: Payload[],
  responder = RCOOKIE,
): IsakmpMessageInit {
  return {
    header: {
      initiatorCookie: ICOOKIE,
      responderCookie: responder,
      exchangeType,
      flags: { encryption: false, commit: false, authenticationOnly: false },
      messageId,
    },
    payloads,
  };
}

const phase1Sa: Payload = {
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
            tv(Phase1Attr.KEY_LENGTH, 256),
            tv(Phase1Attr.HASH_ALGORITHM, 4),
            tv(Phase1Attr.AUTHENTICATION_METHOD, IkeAuthMethod.XAUTH_INIT_PRE_SHARED),
            tv(Phase1Attr.GROUP_DESCRIPTION, 14),
            tv(Phase1Attr.LIFE_TYPE, 1),
            numericAttribute(Phase1Attr.LIFE_DURATION, 86400),
            tv(Phase1Attr.LIFE_TYPE, 2),
            tlv(Phase1Attr.LIFE_DURATION, bytes('0000000100000000')),
          ],
        },
        {
          transformNumber: 2,
          transformId: 1,
          attributes: [
            tv(Phase1Attr.ENCRYPTION_ALGORITHM, 5),
            tv(Phase1Attr.HASH_ALGORITHM, 2),
            tv(Phase1Attr.AUTHENTICATION_METHOD, IkeAuthMethod.RSA_SIGNATURES),
            tv(Phase1Attr.GROUP_DESCRIPTION, 2),
            tv(Phase1Attr.LIFE_TYPE, 1),
            tv(Phase1Attr.LIFE_DURATION, 28800),
          ],
        },
      ],
    },
  ],
};

const phase2Sa: Payload = {
  type: 1,
  doi: 1,
  situation: 1,
  proposals: [
    {
      proposalNumber: 1,
      protocolId: ProtocolId.IPSEC_ESP,
      spi: bytes('c62ce2e0'),
      transforms: [
        {
          transformNumber: 1,
          transformId: 12,
          attributes: [
            tv(Phase2Attr.SA_LIFE_TYPE, 1),
            tlv(Phase2Attr.SA_LIFE_DURATION, bytes('00000e10')),
            tv(Phase2Attr.ENCAPSULATION_MODE, EncapsulationMode.UDP_ENCAPSULATED_TUNNEL),
            tv(Phase2Attr.AUTHENTICATION_ALGORITHM, 5),
            tv(Phase2Attr.KEY_LENGTH, 128),
            tv(Phase2Attr.GROUP_DESCRIPTION, 14),
          ],
        },
        {
          transformNumber: 2,
          transformId: 20,
          attributes: [
            tv(Phase2Attr.ENCAPSULATION_MODE, EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT_DRAFT),
            tv(Phase2Attr.KEY_LENGTH, 256),
          ],
        },
      ],
    },
    {
      proposalNumber: 2,
      protocolId: ProtocolId.IPSEC_AH,
      spi: bytes('0badf00d'),
      transforms: [
        {
          transformNumber: 1,
          transformId: 5,
          attributes: [tv(Phase2Attr.AUTHENTICATION_ALGORITHM, 5), tv(Phase2Attr.ENCAPSULATION_MODE, 1)],
        },
      ],
    },
  ],
};

export const SAMPLES: readonly Sample[] = [
  {
    name: 'main mode 1: SA with TV and TLV attributes, vendor IDs',
    port: 500,
    message: msg(
      ExchangeType.IDENTITY_PROTECTION,
      0,
      [
        phase1Sa,
        { type: 13, data: VendorIds.DPD.bytes },
        { type: 13, data: VendorIds.NATT_RFC3947.bytes },
        { type: 13, data: VendorIds.XAUTH.bytes },
        { type: 13, data: VendorIds.CISCO_UNITY.bytes },
      ],
      new Uint8Array(8),
    ),
  },
  {
    name: 'aggressive mode: KE, nonce, FQDN ID, NAT-D',
    port: 500,
    message: msg(ExchangeType.AGGRESSIVE, 0, [
      phase1Sa,
      { type: 4, data: seq(128) },
      { type: 10, data: seq(32, 0x40) },
      idPayload({ kind: 'fqdn', name: 'r1.lab.example' }, 17, 500),
      { type: 20, data: seq(20, 0x80) },
      { type: 20, data: seq(20, 0x90) },
      { type: 8, data: seq(20, 0xa0) },
    ]),
  },
  {
    name: 'quick mode in clear: ESP+AH proposals, subnet IDs, NAT-OA',
    port: 4500,
    message: msg(ExchangeType.QUICK, 0x9ec0f5c1, [
      { type: 8, data: seq(32, 0x10) },
      phase2Sa,
      { type: 10, data: seq(16, 0x20) },
      { type: 4, data: seq(96, 0x30) },
      idPayload({ kind: 'ipv4-subnet', address: '10.1.0.0', mask: '255.255.255.0' }),
      idPayload({ kind: 'ipv6-subnet', address: '2001:db8:2::', mask: 'ffff:ffff:ffff:ffff::' }, 6, 443),
      { type: 21, address: '192.168.1.10' },
      { type: 21, address: '2001:db8::10' },
    ]),
  },
  {
    name: 'identities: every other ID type',
    port: 500,
    message: msg(ExchangeType.IDENTITY_PROTECTION, 0, [
      idPayload({ kind: 'ipv4', address: '192.0.2.1' }, 17, 500),
      idPayload({ kind: 'ipv6', address: '2001:db8::1' }),
      idPayload({ kind: 'ipv4-range', start: '10.0.0.1', end: '10.0.0.99' }, 17, 53),
      idPayload({ kind: 'ipv6-range', start: '2001:db8::1', end: '2001:db8::ff' }),
      idPayload({ kind: 'user-fqdn', name: 'alice@lab.example' }),
      idPayload({ kind: 'der-asn1-dn', der: bytes('3011310f300d06035504030c0672312e6c6162') }),
      idPayload({ kind: 'der-asn1-gn', der: bytes('820e72312e6c61622e6578616d706c65') }),
      idPayload({ kind: 'key-id', keyId: ascii('key-42') }),
    ]),
  },
  {
    name: 'certificates: CERT, CR, SIG',
    port: 500,
    message: msg(ExchangeType.IDENTITY_PROTECTION, 0, [
      { type: 6, encoding: 4, data: bytes('30820001ff') },
      { type: 7, encoding: 4, authority: new Uint8Array(0) },
      { type: 7, encoding: 4, authority: bytes('3011310f300d06035504030c0672312e6c6162') },
      { type: 9, data: seq(64, 0x55) },
    ]),
  },
  {
    name: 'informational: DPD, INITIAL-CONTACT, RESPONDER-LIFETIME, deletes',
    port: 4500,
    message: msg(ExchangeType.INFORMATIONAL, 0x5d1b2c3d, [
      { type: 8, data: seq(20, 0x66) },
      {
        type: 11,
        doi: 1,
        protocolId: ProtocolId.ISAKMP,
        notifyType: NotifyType.R_U_THERE,
        spi: Uint8Array.from([...ICOOKIE, ...RCOOKIE]),
        data: bytes('5d108923'),
      },
      {
        type: 11,
        doi: 1,
        protocolId: ProtocolId.ISAKMP,
        notifyType: NotifyType.R_U_THERE_ACK,
        spi: Uint8Array.from([...ICOOKIE, ...RCOOKIE]),
        data: bytes('5d108923'),
      },
      {
        type: 11,
        doi: 1,
        protocolId: ProtocolId.ISAKMP,
        notifyType: NotifyType.INITIAL_CONTACT,
        spi: Uint8Array.from([...ICOOKIE, ...RCOOKIE]),
        data: new Uint8Array(0),
      },
      {
        type: 11,
        doi: 1,
        protocolId: ProtocolId.IPSEC_ESP,
        notifyType: NotifyType.NO_PROPOSAL_CHOSEN,
        spi: bytes('c62ce2e0'),
        data: new Uint8Array(0),
      },
      {
        type: 11,
        doi: 1,
        protocolId: ProtocolId.IPSEC_ESP,
        notifyType: NotifyType.RESPONDER_LIFETIME,
        spi: bytes('c62ce2e0'),
        data: bytes('80010001000200040000708080010002800200c8'),
      },
      {
        type: 11,
        doi: 1,
        protocolId: ProtocolId.IPSEC_ESP,
        notifyType: NotifyType.REPLAY_STATUS,
        spi: bytes('c62ce2e0'),
        data: bytes('00000001'),
      },
      {
        type: 12,
        doi: 1,
        protocolId: ProtocolId.IPSEC_ESP,
        spiSize: 4,
        spis: [bytes('936b8c64'), bytes('ebf5e410')],
      },
      {
        type: 12,
        doi: 1,
        protocolId: ProtocolId.ISAKMP,
        spiSize: 16,
        spis: [Uint8Array.from([...ICOOKIE, ...RCOOKIE])],
      },
    ]),
  },
  {
    name: 'transaction: XAUTH request and mode-config reply',
    port: 4500,
    message: msg(ExchangeType.TRANSACTION, 0x9a00c539, [
      { type: 8, data: seq(32, 0x77) },
      {
        type: 14,
        cfgType: CfgType.ISAKMP_CFG_REQUEST,
        identifier: 0x1d2e,
        attributes: [
          tv(CfgAttr.XAUTH_TYPE, 0),
          tlv(CfgAttr.XAUTH_USER_NAME, new Uint8Array(0)),
          tlv(CfgAttr.XAUTH_USER_PASSWORD, new Uint8Array(0)),
          tlv(CfgAttr.XAUTH_MESSAGE, ascii('hello')),
        ],
      },
      {
        type: 14,
        cfgType: CfgType.ISAKMP_CFG_REPLY,
        identifier: 0x0203,
        attributes: [
          tlv(CfgAttr.INTERNAL_IP4_ADDRESS, bytes('0a630001')),
          tlv(CfgAttr.INTERNAL_IP4_NETMASK, bytes('ffffff00')),
          tlv(CfgAttr.INTERNAL_IP4_DNS, bytes('0a020035')),
          tlv(CfgAttr.APPLICATION_VERSION, ascii('typeswan')),
          tlv(CfgAttr.XAUTH_USER_NAME, ascii('alice')),
        ],
      },
      { type: 14, cfgType: CfgType.ISAKMP_CFG_SET, identifier: 7, attributes: [tv(CfgAttr.XAUTH_STATUS, 1)] },
      { type: 14, cfgType: CfgType.ISAKMP_CFG_ACK, identifier: 7, attributes: [tv(CfgAttr.XAUTH_STATUS, 0)] },
    ]),
  },
  {
    name: 'draft NAT-T payload numbers 130/131',
    port: 500,
    message: msg(ExchangeType.IDENTITY_PROTECTION, 0, [
      { type: 4, data: seq(64) },
      { type: 10, data: seq(16) },
      { type: 130, data: seq(16, 0xc0) },
      { type: 130, data: seq(16, 0xd0) },
    ]),
  },
  {
    name: 'quick mode with draft NAT-OA (131)',
    port: 4500,
    message: msg(ExchangeType.QUICK, 7, [
      { type: 8, data: seq(20) },
      { type: 131, address: '10.0.0.5' },
    ]),
  },
  {
    name: 'IKE fragment (132)',
    port: 4500,
    message: msg(ExchangeType.IDENTITY_PROTECTION, 0, [
      { type: 132, fragmentId: 1, fragmentNumber: 2, flags: 1, data: seq(40) },
    ]),
  },
  {
    name: 'encrypted body kept opaque',
    port: 4500,
    message: {
      header: {
        initiatorCookie: ICOOKIE,
        responderCookie: RCOOKIE,
        nextPayload: 8,
        exchangeType: ExchangeType.QUICK,
        flags: { encryption: true, commit: true, authenticationOnly: false },
        messageId: 1,
      },
      payloads: [],
      encrypted: seq(48),
    },
  },
  ...[ExchangeType.BASE, ExchangeType.AUTHENTICATION_ONLY, ExchangeType.NEW_GROUP].map(
    (exchangeType): Sample => ({
      name: `exchange type ${exchangeType}`,
      port: 500,
      message: {
        header: {
          ...msg(exchangeType, 0x01020304, []).header,
          flags: { encryption: false, commit: false, authenticationOnly: exchangeType === 3 },
        },
        payloads: [{ type: 10, data: seq(8) }],
      },
    }),
  ),
];
