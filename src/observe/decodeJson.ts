// `typeswan decode --json`: one JSON object per ISAKMP message, one per line, payload types
// spelled as RFC 2408 spells them; byte strings as lower-case hex.

import {
  attributeNumber,
  certEncodingName,
  cfgTypeName,
  doiName,
  exchangeTypeName,
  FRAGMENT_LAST,
  idTypeName,
  notifyTypeName,
  payloadTypeName,
  phase1AttrName,
  phase1ValueName,
  phase2AttrName,
  phase2ValueName,
  ProtocolId,
  protocolIdName,
  recognizeVendorId,
  transformIdName,
  type Attribute,
  type Payload,
  type Proposal,
} from '../wire/index.js';
import type { DecodedItem, DecodedMessage } from './decodeSession.js';
import {
  cfgAttributeView,
  dpdNotifySequence,
  endpoint,
  hexOf,
  identificationText,
  responderLifetime,
} from './decodeValues.js';
import { phase1AttributeText, phase2AttributeText } from './decodeVocabulary.js';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export function renderJsonLine(item: DecodedItem): string {
  return `${JSON.stringify(itemJson(item))}\n`;
}

export function itemJson(item: DecodedItem): Json {
  if (item.kind === 'malformed') {
    return {
      frame: item.frame,
      ...(item.src === undefined ? {} : { src: item.src }),
      ...(item.dst === undefined ? {} : { dst: item.dst }),
      error: {
        message: item.message,
        ...(item.offset === undefined ? {} : { offset: item.offset }),
        frameOffset: item.frameOffset,
      },
    };
  }
  return messageJson(item);
}

function messageJson(m: DecodedMessage): Json {
  const { header, datagram } = m;
  const out: Record<string, Json> = {
    frame: datagram.frame,
    time: datagram.time,
    src: endpoint(datagram.src, datagram.srcPort),
    dst: endpoint(datagram.dst, datagram.dstPort),
    exchange: exchangeTypeName(header.exchangeType),
    exchangeType: header.exchangeType,
    flags: {
      encryption: header.flags.encryption,
      commit: header.flags.commit,
      authenticationOnly: header.flags.authenticationOnly,
    },
    icookie: hexOf(header.initiatorCookie),
    rcookie: hexOf(header.responderCookie),
    messageId: header.messageId,
    version: `${header.majorVersion}.${header.minorVersion}`,
    length: header.length,
    nonEspMarker: datagram.nonEspMarker,
  };
  if (datagram.ipFragments !== undefined) out.ipFragments = [...datagram.ipFragments];
  if (m.reassembledFrom !== undefined) out.reassembledFrom = [...m.reassembledFrom];
  if (m.encryption !== undefined) {
    out.encryption =
      m.encryption.status === 'decrypted'
        ? {
            status: 'decrypted',
            length: m.encryption.length,
            iv: hexOf(m.encryption.iv),
            padding: hexOf(m.encryption.padding),
          }
        : { status: 'opaque', length: m.encryption.length, reason: m.encryption.reason };
  }
  out.payloads = m.payloads.map(payloadJson);
  if (m.trailing !== undefined) out.trailing = hexOf(m.trailing);
  return out;
}

export function payloadJson(p: Payload): Json {
  switch (p.type) {
    case 1:
      return {
        type: 'SA',
        doi: p.doi,
        doiName: doiName(p.doi),
        situation: p.situation,
        ...(p.labeledDomain === undefined ? {} : { labeledDomain: hexOf(p.labeledDomain) }),
        proposals: p.proposals.map(proposalJson),
      };
    case 4:
    case 8:
    case 9:
    case 10:
    case 20:
    case 130:
      return { type: payloadTypeName(p.type), length: p.data.length, data: hexOf(p.data) };
    case 13: {
      const vendor = recognizeVendorId(p.data);
      return { type: 'VID', data: hexOf(p.data), ...(vendor === undefined ? {} : { vendor: vendor.name }) };
    }
    case 5:
      return {
        type: 'ID',
        idType: p.idType,
        idTypeName: idTypeName(p.idType),
        protocolId: p.protocolId,
        port: p.port,
        value: identificationText(p.identification),
        data: hexOf(p.data),
      };
    case 6:
      return {
        type: 'CERT',
        encoding: p.encoding,
        encodingName: certEncodingName(p.encoding),
        length: p.data.length,
        data: hexOf(p.data),
      };
    case 7:
      return {
        type: 'CR',
        encoding: p.encoding,
        encodingName: certEncodingName(p.encoding),
        authority: hexOf(p.authority),
      };
    case 11: {
      const sequence = dpdNotifySequence(p);
      const lifetime = responderLifetime(p);
      return {
        type: 'N',
        doi: p.doi,
        protocolId: p.protocolId,
        protocol: protocolIdName(p.protocolId),
        notifyType: p.notifyType,
        notifyName: notifyTypeName(p.notifyType),
        spi: hexOf(p.spi),
        data: hexOf(p.data),
        ...(sequence === undefined ? {} : { sequence }),
        ...(lifetime === undefined
          ? {}
          : { attributes: lifetime.map((a) => attributeJson(a, p.protocolId === ProtocolId.ISAKMP)) }),
      };
    }
    case 12:
      return {
        type: 'D',
        doi: p.doi,
        protocolId: p.protocolId,
        protocol: protocolIdName(p.protocolId),
        spiSize: p.spiSize,
        spis: p.spis.map(hexOf),
      };
    case 14:
      return {
        type: 'ATTR',
        cfgType: p.cfgType,
        cfgTypeName: cfgTypeName(p.cfgType),
        identifier: p.identifier,
        attributes: p.attributes.map((a) => {
          const view = cfgAttributeView(a);
          return {
            type: view.type,
            name: view.name,
            format: view.tv ? 'TV' : 'TLV',
            value: typeof view.value === 'object' ? [...view.value] : view.value,
            ...(view.valueName === undefined ? {} : { valueName: view.valueName }),
          };
        }),
      };
    case 21:
    case 131:
      return { type: 'NAT-OA', address: p.address };
    case 132:
      return {
        type: 'FRAG',
        fragmentId: p.fragmentId,
        fragmentNumber: p.fragmentNumber,
        last: (p.flags & FRAGMENT_LAST) !== 0,
        flags: p.flags,
        length: p.data.length,
      };
    case 'unknown':
      return { type: payloadTypeName(p.payloadType), payloadType: p.payloadType, data: hexOf(p.data) };
  }
}

function proposalJson(p: Proposal): Json {
  const phase1 = p.protocolId === ProtocolId.ISAKMP;
  return {
    type: 'PROPOSAL',
    proposalNumber: p.proposalNumber,
    protocolId: p.protocolId,
    protocol: protocolIdName(p.protocolId),
    spi: hexOf(p.spi),
    transforms: p.transforms.map((t) => ({
      type: 'TRANSFORM',
      transformNumber: t.transformNumber,
      transformId: t.transformId,
      name: transformIdName(p.protocolId, t.transformId),
      attributes: t.attributes.map((a) => attributeJson(a, phase1)),
    })),
  };
}

function attributeJson(a: Attribute, phase1: boolean): Json {
  const n = attributeNumber(a);
  const valueName =
    n === undefined ? undefined : phase1 ? phase1ValueName(a.type, n) : phase2ValueName(a.type, n);
  return {
    type: a.type,
    name: phase1 ? phase1AttrName(a.type) : phase2AttrName(a.type),
    format: a.tv ? 'TV' : 'TLV',
    value: typeof a.value === 'number' ? a.value : (n ?? hexOf(a.value)),
    ...(valueName === undefined ? {} : { valueName }),
    text: phase1 ? phase1AttributeText(a.type, a.value) : phase2AttributeText(a.type, a.value),
  };
}
