// Identification payload, RFC 2408 §3.8 with the IPsec DOI fields, RFC 2407 §4.6.2.
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !        Payload Length         !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !   ID Type     !  Protocol ID  !             Port              !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                     Identification Data                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Phase 1 (RFC 2407 §4.6.2): protocol/port 0/0 or UDP 17/500. Phase 2 (quick mode client IDs,
// RFC 2409 §5.5): address, subnet or range, protocol and port of the traffic selector.

import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../address.js';
import { IdType } from '../constants/ipsecDoi.js';
import { NotifyType } from '../constants/notify.js';
import { DecodeError, EncodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';

/** The Identification Data decoded according to its ID type. */
export type Identification =
  | { readonly kind: 'ipv4'; readonly address: string }
  | { readonly kind: 'ipv6'; readonly address: string }
  | { readonly kind: 'ipv4-subnet'; readonly address: string; readonly mask: string }
  | { readonly kind: 'ipv6-subnet'; readonly address: string; readonly mask: string }
  | { readonly kind: 'ipv4-range'; readonly start: string; readonly end: string }
  | { readonly kind: 'ipv6-range'; readonly start: string; readonly end: string }
  | { readonly kind: 'fqdn'; readonly name: string }
  | { readonly kind: 'user-fqdn'; readonly name: string }
  | { readonly kind: 'der-asn1-dn'; readonly der: Uint8Array }
  | { readonly kind: 'der-asn1-gn'; readonly der: Uint8Array }
  | { readonly kind: 'key-id'; readonly keyId: Uint8Array }
  | { readonly kind: 'unknown'; readonly data: Uint8Array };

export interface IdPayload extends PayloadBase {
  readonly type: 5;
  readonly idType: number;
  readonly protocolId: number;
  readonly port: number;
  /** Identification Data as on the wire; this is what encode writes. */
  readonly data: Uint8Array;
  readonly identification: Identification;
}

export function decodeId(r: Reader): IdPayload {
  // RFC 2408 §5.8: an ID payload that cannot be read is INVALID-ID-INFORMATION.
  if (r.remaining < 4)
    throw new DecodeError(`ID payload of ${r.remaining} bytes`, r.offset, NotifyType.INVALID_ID_INFORMATION);
  const idType = r.u8('ID type');
  const protocolId = r.u8('ID protocol');
  const port = r.u16('ID port');
  const dataAt = r.offset;
  const data = r.rest();
  const identification = decodeIdentification(idType, data, dataAt);
  return { type: 5, idType, protocolId, port, data, identification };
}

export function encodeId(w: Writer, p: IdPayload): void {
  w.u8(p.idType).u8(p.protocolId).u16(p.port).bytes(p.data);
}

/**
 * Builds an ID payload from its wire fields (quick-mode proxy IDs); throws DecodeError
 * (INVALID-ID-INFORMATION) when the data does not fit the ID type.
 */
export function idPayloadFromData(
  idType: number,
  protocolId: number,
  port: number,
  data: Uint8Array,
): IdPayload {
  return { type: 5, idType, protocolId, port, data, identification: decodeIdentification(idType, data, 4) };
}

/** Builds an ID payload from a typed identification (phase 1: protocol/port 0/0 or 17/500). */
export function idPayload(identification: Identification, protocolId = 0, port = 0): IdPayload {
  const { idType, data } = encodeIdentification(identification);
  return { type: 5, idType, protocolId, port, data, identification };
}

function decodeIdentification(idType: number, d: Uint8Array, dataAt: number): Identification {
  const size = (n: number): void => {
    if (d.length !== n) {
      throw new DecodeError(
        `ID type ${idType} needs ${n} bytes of identification data, has ${d.length}`,
        dataAt,
        NotifyType.INVALID_ID_INFORMATION,
      );
    }
  };
  const text = (): string => Buffer.from(d).toString('latin1');
  switch (idType) {
    case IdType.IPV4_ADDR:
      size(4);
      return { kind: 'ipv4', address: formatIpv4(d) };
    case IdType.IPV6_ADDR:
      size(16);
      return { kind: 'ipv6', address: formatIpv6(d) };
    case IdType.IPV4_ADDR_SUBNET:
      size(8);
      return { kind: 'ipv4-subnet', address: formatIpv4(d), mask: formatIpv4(d.subarray(4)) };
    case IdType.IPV6_ADDR_SUBNET:
      size(32);
      return { kind: 'ipv6-subnet', address: formatIpv6(d), mask: formatIpv6(d.subarray(16)) };
    case IdType.IPV4_ADDR_RANGE:
      size(8);
      return { kind: 'ipv4-range', start: formatIpv4(d), end: formatIpv4(d.subarray(4)) };
    case IdType.IPV6_ADDR_RANGE:
      size(32);
      return { kind: 'ipv6-range', start: formatIpv6(d), end: formatIpv6(d.subarray(16)) };
    case IdType.FQDN:
      return { kind: 'fqdn', name: text() };
    case IdType.USER_FQDN:
      return { kind: 'user-fqdn', name: text() };
    case IdType.DER_ASN1_DN:
      return { kind: 'der-asn1-dn', der: d.slice() };
    case IdType.DER_ASN1_GN:
      return { kind: 'der-asn1-gn', der: d.slice() };
    case IdType.KEY_ID:
      return { kind: 'key-id', keyId: d.slice() };
    default:
      return { kind: 'unknown', data: d.slice() };
  }
}

function encodeIdentification(id: Identification): { idType: number; data: Uint8Array } {
  const cat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
    const out = new Uint8Array(a.length + b.length);
    out.set(a);
    out.set(b, a.length);
    return out;
  };
  const latin1 = (s: string): Uint8Array => {
    if ([...s].some((c) => c.charCodeAt(0) > 0xff)) throw new EncodeError(`identity ${s} is not 8-bit text`);
    return new Uint8Array(Buffer.from(s, 'latin1'));
  };
  switch (id.kind) {
    case 'ipv4':
      return { idType: IdType.IPV4_ADDR, data: parseIpv4(id.address) };
    case 'ipv6':
      return { idType: IdType.IPV6_ADDR, data: parseIpv6(id.address) };
    case 'ipv4-subnet':
      return { idType: IdType.IPV4_ADDR_SUBNET, data: cat(parseIpv4(id.address), parseIpv4(id.mask)) };
    case 'ipv6-subnet':
      return { idType: IdType.IPV6_ADDR_SUBNET, data: cat(parseIpv6(id.address), parseIpv6(id.mask)) };
    case 'ipv4-range':
      return { idType: IdType.IPV4_ADDR_RANGE, data: cat(parseIpv4(id.start), parseIpv4(id.end)) };
    case 'ipv6-range':
      return { idType: IdType.IPV6_ADDR_RANGE, data: cat(parseIpv6(id.start), parseIpv6(id.end)) };
    case 'fqdn':
      return { idType: IdType.FQDN, data: latin1(id.name) };
    case 'user-fqdn':
      return { idType: IdType.USER_FQDN, data: latin1(id.name) };
    case 'der-asn1-dn':
      return { idType: IdType.DER_ASN1_DN, data: id.der };
    case 'der-asn1-gn':
      return { idType: IdType.DER_ASN1_GN, data: id.der };
    case 'key-id':
      return { idType: IdType.KEY_ID, data: id.keyId };
    case 'unknown':
      throw new EncodeError(
        'an unknown identification needs an explicit ID type: build the IdPayload directly',
      );
  }
}
