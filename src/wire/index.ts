// Public API of the ISAKMP/IKEv1 codec (RFC 2408, 2407, 2409, 3947, mode-config/XAUTH drafts).

export { DecodeError, EncodeError, NOTIFY_PAYLOAD_MALFORMED } from './errors.js';
export { Reader } from './reader.js';
export { Writer } from './writer.js';
export { concat } from './bytes.js';

export { decodeMessage, encodeMessage, type IsakmpMessage, type IsakmpMessageInit } from './message.js';
export {
  decodeHeader,
  encodeHeader,
  Flag,
  HEADER_LENGTH,
  type IsakmpFlags,
  type IsakmpHeader,
  type IsakmpHeaderInit,
} from './header.js';
export {
  decodePayloads,
  encodePayloads,
  encodePayloadBody,
  MAX_PAYLOADS,
  payloadBody,
  payloadLengths,
  type DecodedPayloads,
} from './chain.js';
export {
  decodePayloadBody,
  findPayload,
  payloadsOfType,
  payloadTypeOf,
  type Payload,
  type PayloadOf,
} from './payload.js';

export {
  attributeNumber,
  decodeAttributes,
  encodeAttributes,
  findAttribute,
  numericAttribute,
  tlv,
  tv,
  MAX_ATTRIBUTES,
  type Attribute,
} from './attributes.js';
export type { PayloadBase } from './payloads/base.js';
export type { SaPayload } from './payloads/sa.js';
export { MAX_PROPOSALS, type Proposal } from './payloads/proposal.js';
export type { Transform } from './payloads/transform.js';
export type {
  HashPayload,
  KePayload,
  NatDPayload,
  NoncePayload,
  SigPayload,
  VendorIdPayload,
} from './payloads/opaque.js';
export {
  idPayload,
  idPayloadFromData,
  type IdPayload,
  type Identification,
} from './payloads/identification.js';
export type { CertPayload, CertRequestPayload } from './payloads/cert.js';
export type { NotificationPayload } from './payloads/notification.js';
export type { DeletePayload } from './payloads/delete.js';
export type { AttributePayload } from './payloads/attr.js';
export type { NatOaPayload } from './payloads/natOa.js';
export { FRAGMENT_LAST, type FragmentPayload } from './payloads/fragment.js';
export type { UnknownPayload } from './payloads/unknown.js';

export { ExchangeType, exchangeTypeName } from './constants/exchange.js';
export { PayloadType, payloadTypeName, type KnownPayloadType } from './constants/payloadType.js';
export { NotifyType, notifyTypeName } from './constants/notify.js';
export {
  AhTransformId,
  CertEncoding,
  certEncodingName,
  Doi,
  doiName,
  EspTransformId,
  IdType,
  idTypeName,
  IkeTransformId,
  IpcompTransformId,
  ProtocolId,
  protocolIdName,
  Situation,
  transformIdName,
} from './constants/ipsecDoi.js';
export {
  GroupDescription,
  GroupType,
  IkeAuthMethod,
  IkeEncryption,
  IkeHash,
  LifeType,
  Phase1Attr,
  phase1AttrName,
  phase1ValueName,
} from './constants/phase1.js';
export {
  AuthAlgorithm,
  EcnTunnel,
  EncapsulationMode,
  ExtendedSequenceNumber,
  Phase2Attr,
  phase2AttrName,
  phase2ValueName,
} from './constants/phase2.js';
export {
  CfgAttr,
  cfgAttrName,
  CfgType,
  cfgTypeName,
  XauthStatus,
  XauthType,
} from './constants/modeConfig.js';
export { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './address.js';
export {
  recognizeVendorId,
  VendorIds,
  type RecognizedVendorId,
  type VendorIdEntry,
  type VendorIdKey,
} from './vendorIds.js';
export {
  addNonEspMarker,
  classifyUdp4500,
  NON_ESP_MARKER_LENGTH,
  stripNonEspMarker,
  type Udp4500Kind,
} from './natt.js';
export {
  dpdNotify,
  dpdSequence,
  initialContactNotify,
  replayStatus,
  responderLifetimeAttributes,
  responderLifetimeNotify,
} from './notifyData.js';
export { encodeUnitySplit, unitySplitNetworks, type UnityNetwork } from './unitySplit.js';
