// The proxy-ID fields selectors.ts builds and reads (RFC 2407 §4.6.2), and the IPv4 text/byte
// helpers it uses; src/wire's IdPayload is what goes on the wire. The helpers never throw:
// text that is not a dotted quad reads as 0.0.0.0, as the engine's selectors expect.

import { formatIpv4, idPayloadFromData, type IdPayload } from '../wire/index.js';

export interface IdBody {
  readonly idType: number;
  readonly protocol: number;
  readonly port: number;
  readonly data: Uint8Array;
}

/** The ID payload for these fields; throws DecodeError when the data does not fit the ID type. */
export function idPayloadOf(b: IdBody): IdPayload {
  return idPayloadFromData(b.idType, b.protocol, b.port, b.data);
}

export function idBodyOf(p: IdPayload): IdBody {
  return { idType: p.idType, protocol: p.protocolId, port: p.port, data: p.data };
}

export function ipv4Bytes(a: string): Uint8Array {
  const parts = a.split('.').map((x) => Number(x));
  return Uint8Array.from(parts.length === 4 ? parts.map((x) => x & 255) : [0, 0, 0, 0]);
}

export function ipv4String(b: Uint8Array): string {
  return b.length >= 4 ? formatIpv4(b) : '0.0.0.0';
}

export function ipv4Number(a: string): number {
  const b = ipv4Bytes(a);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

export function ipv4FromNumber(n: number): string {
  const v = n >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
