// `typeswan decode`: each ISAKMP message as an indented tree worded like Cisco IOS
// `debug crypto isakmp` (the reference chapter's Examples 13-3 and 13-5): "processing SA
// payload. message ID = 0", "encryption 3DES-CBC", "life duration (VPI) of 0x0 0x1 0x51 0x80".

import {
  certEncodingName,
  doiName,
  cfgTypeName,
  FRAGMENT_LAST,
  idTypeName,
  notifyTypeName,
  payloadTypeName,
  payloadTypeOf,
  ProtocolId,
  protocolIdName,
  recognizeVendorId,
  Situation,
  transformIdName,
  type Payload,
  type SaPayload,
} from '../wire/index.js';
import type { DecodedItem, DecodedMessage } from './decodeSession.js';
import {
  cfgAttributeText,
  cfgAttributeView,
  dpdNotifySequence,
  endpoint,
  exchangeLabel,
  hexOf,
  identificationText,
  responderLifetime,
} from './decodeValues.js';
import { phase1AttributeText, phase2AttributeText } from './decodeVocabulary.js';

const INDENT = '  ';
/** Long blobs (KE, CERT, SIG) show their first bytes only; --json has them whole. */
const PREVIEW_BYTES = 16;

export function renderTree(item: DecodedItem): string {
  const lines: string[] = [];
  const out = (depth: number, text: string): void => {
    lines.push(`${INDENT.repeat(depth)}${text}`);
  };
  if (item.kind === 'malformed') {
    const route = item.src === undefined ? '' : `  ${item.src} -> ${item.dst ?? '?'}`;
    out(0, `frame ${item.frame}${route}`);
    const where =
      item.offset === undefined
        ? `frame byte ${item.frameOffset}`
        : `offset ${item.offset} (frame byte ${item.frameOffset})`;
    out(1, `${item.message} [${where}]`);
  } else {
    renderMessage(item, out);
  }
  lines.push('');
  return `${lines.join('\n')}\n`;
}

type Out = (depth: number, text: string) => void;

function renderMessage(m: DecodedMessage, out: Out): void {
  const { header, datagram } = m;
  const marker = datagram.nonEspMarker ? ' (non-ESP marker)' : '';
  out(
    0,
    `frame ${datagram.frame}  ${endpoint(datagram.src, datagram.srcPort)} -> ${endpoint(datagram.dst, datagram.dstPort)}${marker}`,
  );
  if (m.reassembledFrom !== undefined)
    out(1, `reassembled from the fragments in frames ${m.reassembledFrom.join(', ')}`);
  const flags = [
    header.flags.encryption ? 'E' : '',
    header.flags.commit ? 'C' : '',
    header.flags.authenticationOnly ? 'A' : '',
  ]
    .filter((f) => f !== '')
    .join('');
  out(
    1,
    `ISAKMP (${hexOf(header.initiatorCookie)}:${hexOf(header.responderCookie)}): ${exchangeLabel(header.exchangeType)}`,
  );
  out(
    2,
    `message ID = ${header.messageId}, flags ${flags === '' ? 'none' : flags}, version ${header.majorVersion}.${header.minorVersion}, length ${header.length}`,
  );
  if (m.encryption?.status === 'opaque') {
    out(1, `encrypted payloads (${m.encryption.length} bytes), not decrypted: ${m.encryption.reason}`);
    return;
  }
  if (m.encryption?.status === 'decrypted') {
    out(1, `decrypted ${m.encryption.length} bytes, IV ${hexOf(m.encryption.iv)}`);
  }
  m.payloads.forEach((payload, i) => {
    const next = m.payloads[i + 1];
    renderPayload(payload, header.messageId, next === undefined ? 0 : payloadTypeOf(next), out);
  });
  if (m.encryption?.status === 'decrypted' && m.encryption.padding.length > 0) {
    out(1, `padding ${m.encryption.padding.length} bytes`);
  }
  if (m.trailing !== undefined)
    out(1, `${m.trailing.length} bytes after the last payload: ${hexOf(m.trailing)}`);
}

function preview(bytes: Uint8Array): string {
  if (bytes.length <= PREVIEW_BYTES) return hexOf(bytes);
  return `${hexOf(bytes.subarray(0, PREVIEW_BYTES))}...`;
}

function renderPayload(p: Payload, messageId: number, nextPayload: number, out: Out): void {
  const mid = `message ID = ${messageId}`;
  switch (p.type) {
    case 1:
      out(1, `processing SA payload. ${mid}`);
      renderSa(p, out);
      return;
    case 4:
      out(1, `processing KE payload. ${mid}`);
      out(2, `KE (${p.data.length} bytes): ${preview(p.data)}`);
      return;
    case 5:
      out(1, `processing ID payload. ${mid}`);
      // The chapter's "ISAKMP (1): ID payload" block; IOS's length excludes the generic header.
      out(2, 'ID payload');
      out(3, `next-payload : ${nextPayload}`);
      out(3, `type         : ${p.idType} (${idTypeName(p.idType)})`);
      out(3, `protocol     : ${p.protocolId}`);
      out(3, `port         : ${p.port}`);
      out(3, `length       : ${4 + p.data.length}`);
      out(3, `identity     : ${identificationText(p.identification)}`);
      return;
    case 6:
      out(1, `processing CERT payload. ${mid}`);
      out(2, `${certEncodingName(p.encoding)}, ${p.data.length} bytes: ${preview(p.data)}`);
      return;
    case 7:
      out(1, `processing CERT_REQ payload. ${mid}`);
      out(
        2,
        `${certEncodingName(p.encoding)}, authority ${p.authority.length === 0 ? 'any' : preview(p.authority)}`,
      );
      return;
    case 8:
      out(1, `processing HASH payload. ${mid}`);
      out(2, `hash (${p.data.length} bytes): ${hexOf(p.data)}`);
      return;
    case 9:
      out(1, `processing SIG payload. ${mid}`);
      out(2, `signature (${p.data.length} bytes): ${preview(p.data)}`);
      return;
    case 10:
      out(1, `processing NONCE payload. ${mid}`);
      out(2, `nonce (${p.data.length} bytes): ${hexOf(p.data)}`);
      return;
    case 11: {
      out(1, `processing NOTIFY ${notifyTypeName(p.notifyType)} protocol ${p.protocolId}, ${mid}`);
      if (p.spi.length > 0) out(2, `spi ${hexOf(p.spi)}`);
      const sequence = dpdNotifySequence(p);
      const lifetime = responderLifetime(p);
      if (sequence !== undefined) out(2, `sequence number ${sequence}`);
      else if (lifetime !== undefined) {
        const text = p.protocolId === ProtocolId.ISAKMP ? phase1AttributeText : phase2AttributeText;
        for (const a of lifetime) out(2, text(a.type, a.value));
      } else if (p.data.length > 0) out(2, `data (${p.data.length} bytes): ${preview(p.data)}`);
      return;
    }
    case 12:
      out(1, `processing DELETE payload. ${mid}`);
      out(
        2,
        `${protocolIdName(p.protocolId)}, ${p.spis.length} SPI${p.spis.length === 1 ? '' : 's'}: ${p.spis.map(hexOf).join(' ')}`,
      );
      return;
    case 13: {
      out(1, 'processing vendor id payload');
      const vendor = recognizeVendorId(p.data);
      if (vendor?.key === 'CISCO_IOS') out(2, 'speaking to another IOS box!');
      else if (vendor !== undefined) out(2, `vendor ID is ${vendor.name}`);
      else out(2, `vendor ID is unknown: ${hexOf(p.data)}`);
      return;
    }
    case 14:
      out(1, `processing transaction payload. ${mid}`);
      out(
        2,
        `Config payload ${cfgTypeName(p.cfgType).replace(/^ISAKMP_CFG_/, '')}, identifier ${p.identifier}`,
      );
      for (const a of p.attributes) out(3, `attribute ${cfgAttributeText(cfgAttributeView(a))}`);
      return;
    case 20:
    case 130:
      out(1, `processing NAT-D payload${p.type === 130 ? ' (draft number 130)' : ''}`);
      out(2, `hash (${p.data.length} bytes): ${hexOf(p.data)}`);
      return;
    case 21:
    case 131:
      out(1, `processing NAT-OA payload${p.type === 131 ? ' (draft number 131)' : ''}`);
      out(2, `original address ${p.address}`);
      return;
    case 132: {
      const last = (p.flags & FRAGMENT_LAST) !== 0 ? ', last' : '';
      out(1, `processing FRAGMENT payload`);
      out(2, `fragment ${p.fragmentNumber} of message ${p.fragmentId}${last}, ${p.data.length} bytes`);
      return;
    }
    case 'unknown':
      out(
        1,
        `processing payload type ${p.payloadType} (${payloadTypeName(p.payloadType)}), ${p.data.length} bytes`,
      );
      return;
  }
}

function renderSa(sa: SaPayload, out: Out): void {
  out(2, `DOI ${doiName(sa.doi)}, situation ${situationText(sa.situation)}`);
  for (const proposal of sa.proposals) {
    if (proposal.protocolId === ProtocolId.ISAKMP) {
      out(
        2,
        `ISAKMP proposal ${proposal.proposalNumber}, ${proposal.transforms.length} transform${proposal.transforms.length === 1 ? '' : 's'}`,
      );
      for (const t of proposal.transforms) {
        out(
          3,
          `ISAKMP transform ${t.transformNumber}, ${transformIdName(proposal.protocolId, t.transformId)}`,
        );
        for (const a of t.attributes) out(4, phase1AttributeText(a.type, a.value));
      }
      continue;
    }
    const spi = proposal.spi.length > 0 ? `, spi 0x${hexOf(proposal.spi).toUpperCase()}` : '';
    out(2, `IPsec proposal ${proposal.proposalNumber}, ${protocolIdName(proposal.protocolId)}${spi}`);
    for (const t of proposal.transforms) {
      out(3, `transform ${t.transformNumber}, ${transformIdName(proposal.protocolId, t.transformId)}`);
      out(4, 'attributes in transform:');
      for (const a of t.attributes) out(5, phase2AttributeText(a.type, a.value));
    }
  }
}

/** RFC 2407 §4.6.1 situation bits. */
function situationText(situation: number): string {
  const names = Object.entries(Situation)
    .filter(([, bit]) => (situation & bit) !== 0)
    .map(([name]) => name);
  return names.length === 0 ? `0x${situation.toString(16)}` : names.join(' | ');
}
