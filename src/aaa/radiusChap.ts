// PPP's CHAP answers in a RADIUS Access-Request, and what the Accept says back:
// - CHAP-MD5: CHAP-Password (RFC 2865 §5.3: the CHAP Identifier, then the 16-byte response)
//   and CHAP-Challenge (§5.40), so the server repeats the MD5 with the user's password;
// - MS-CHAPv2: Microsoft vendor-specific attributes (RFC 2548 §2.3): MS-CHAP-Challenge (the
//   authenticator challenge) and MS-CHAP2-Response; the Accept carries MS-CHAP2-Success, the
//   Identifier then "S=<40 hex>", the authenticator response the client checks (RFC 2759 §5).

import type { ChapCredentials, ChapOutcome } from './method.js';
import {
  type RadiusAttribute,
  type RadiusPacket,
  RadiusAttr,
  RadiusCode,
  attributesOf,
} from './radiusPacket.js';

/** RFC 2548 §2: Microsoft's SMI Network Management Private Enterprise Code. */
export const VENDOR_MICROSOFT = 311;

export const MsAttr = {
  ChapError: 2,
  ChapChallenge: 11,
  Chap2Response: 25,
  Chap2Success: 26,
} as const;

export interface VendorAttribute {
  readonly vendor: number;
  readonly type: number;
  readonly value: Uint8Array;
}

/** RFC 2865 §5.26: Vendor-Id (4), then one sub-attribute Vendor-Type (1), Vendor-Length (1), value. */
export function vendorAttribute(v: VendorAttribute): RadiusAttribute {
  const value = new Uint8Array(6 + v.value.length);
  new DataView(value.buffer).setUint32(0, v.vendor);
  value[4] = v.type;
  value[5] = v.value.length + 2;
  value.set(v.value, 6);
  return { type: RadiusAttr.VendorSpecific, value };
}

/** The vendor sub-attributes of a packet; malformed Vendor-Specific values are skipped. */
export function vendorAttributesOf(packet: RadiusPacket, vendor: number, type: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const value of attributesOf(packet, RadiusAttr.VendorSpecific)) {
    if (value.length < 6) continue;
    if (new DataView(value.buffer, value.byteOffset, 4).getUint32(0) !== vendor) continue;
    let at = 4;
    while (at + 2 <= value.length) {
      const len = value[at + 1]!;
      if (len < 2 || at + len > value.length) break;
      if (value[at] === type) out.push(value.slice(at + 2, at + len));
      at += len;
    }
  }
  return out;
}

/** The attributes that carry what the PPP client proved (in place of User-Password). */
export function chapAttributes(c: ChapCredentials): RadiusAttribute[] {
  if (c.kind === 'chap-md5')
    return [
      { type: RadiusAttr.ChapPassword, value: Uint8Array.of(c.identifier, ...c.response) },
      { type: RadiusAttr.ChapChallenge, value: c.challenge },
    ];
  // RFC 2548 §2.3.2: Ident, Flags, Peer-Challenge (16), Reserved (8), Response (24)
  const response = new Uint8Array(50);
  response[0] = c.identifier;
  response.set(c.peerChallenge, 2);
  response.set(c.ntResponse, 26);
  return [
    vendorAttribute({ vendor: VENDOR_MICROSOFT, type: MsAttr.ChapChallenge, value: c.authChallenge }),
    vendorAttribute({ vendor: VENDOR_MICROSOFT, type: MsAttr.Chap2Response, value: response }),
  ];
}

const AUTHENTICATOR_RESPONSE = /^S=[0-9A-F]{40}$/i;

/**
 * An Accept for MS-CHAPv2 counts only with the server's MS-CHAP2-Success: without the
 * authenticator response the client would refuse the link anyway (RFC 2759 §5).
 */
export function chapOutcomeOf(c: ChapCredentials, packet: RadiusPacket, plain: ChapOutcome): ChapOutcome {
  if (packet.code !== RadiusCode.AccessAccept) return plain;
  if (c.kind === 'chap-md5') return { kind: 'accept' };
  const success = vendorAttributesOf(packet, VENDOR_MICROSOFT, MsAttr.Chap2Success)[0];
  const text = success === undefined ? '' : Buffer.from(success.subarray(1)).toString('latin1');
  if (success === undefined || success[0] !== c.identifier || !AUTHENTICATOR_RESPONSE.test(text))
    return { kind: 'error', reason: 'Access-Accept without a valid MS-CHAP2-Success' };
  return { kind: 'accept', authenticatorResponse: text.toUpperCase() };
}
