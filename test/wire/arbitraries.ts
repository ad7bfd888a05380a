// fast-check arbitraries for valid ISAKMP payload lists and messages. Every generated object
// has exactly the shape decode produces (optional fields absent unless set), so
// decode(encode(x)) must deep-equal x.

import fc from 'fast-check';
import {
  formatIpv4,
  formatIpv6,
  idPayload,
  type Attribute,
  type Identification,
  type IsakmpMessage,
  type Payload,
  type Proposal,
  type Transform,
} from '../../src/wire/index.js';

const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });
const fixed = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Optional non-zero value, spread into an object only when present. */
function optional<K extends string>(
  key: K,
  arb: fc.Arbitrary<number>,
): fc.Arbitrary<Partial<Record<K, number>>> {
  return fc
    .option(arb, { nil: undefined })
    .map((v) => (v ? ({ [key]: v } as Partial<Record<K, number>>) : {}));
}
const reserved = optional('reserved', fc.integer({ min: 1, max: 0xff }));

const attrType = fc.integer({ min: 0, max: 0x7fff });
export const attributeArb: fc.Arbitrary<Attribute> = fc.oneof(
  fc.tuple(attrType, u16).map(([type, value]) => ({ type, value, tv: true })),
  fc.tuple(attrType, bytes(24)).map(([type, value]) => ({ type, value, tv: false })),
);

const transformArb: fc.Arbitrary<Transform> = fc
  .tuple(
    u8,
    u8,
    fc.array(attributeArb, { maxLength: 8 }),
    reserved,
    optional('reserved2', fc.integer({ min: 1, max: 0xffff })),
  )
  .map(([transformNumber, transformId, attributes, r, r2]) => ({
    transformNumber,
    transformId,
    attributes,
    ...r,
    ...r2,
  }));

const proposalArb: fc.Arbitrary<Proposal> = fc
  .tuple(u8, u8, bytes(16), fc.array(transformArb, { maxLength: 4 }), reserved)
  .map(([proposalNumber, protocolId, spi, transforms, r]) => ({
    proposalNumber,
    protocolId,
    spi,
    transforms,
    ...r,
  }));

const saArb = fc
  .tuple(fc.constantFrom(0, 1), fc.array(proposalArb, { minLength: 1, maxLength: 4 }))
  .map(([situation, proposals]): Payload => ({ type: 1, doi: 1, situation, proposals }));

const ipv4 = fixed(4).map(formatIpv4);
const ipv6 = fixed(16).map(formatIpv6);
const text = fc.string({
  unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 40,
});

export const identificationArb: fc.Arbitrary<Identification> = fc.oneof(
  ipv4.map((address) => ({ kind: 'ipv4' as const, address })),
  ipv6.map((address) => ({ kind: 'ipv6' as const, address })),
  fc.tuple(ipv4, ipv4).map(([address, mask]) => ({ kind: 'ipv4-subnet' as const, address, mask })),
  fc.tuple(ipv6, ipv6).map(([address, mask]) => ({ kind: 'ipv6-subnet' as const, address, mask })),
  fc.tuple(ipv4, ipv4).map(([start, end]) => ({ kind: 'ipv4-range' as const, start, end })),
  fc.tuple(ipv6, ipv6).map(([start, end]) => ({ kind: 'ipv6-range' as const, start, end })),
  text.map((name) => ({ kind: 'fqdn' as const, name })),
  text.map((name) => ({ kind: 'user-fqdn' as const, name })),
  bytes(40).map((der) => ({ kind: 'der-asn1-dn' as const, der })),
  bytes(40).map((der) => ({ kind: 'der-asn1-gn' as const, der })),
  bytes(40).map((keyId) => ({ kind: 'key-id' as const, keyId })),
);

const idArb = fc.oneof(
  fc.tuple(identificationArb, u8, u16).map(([id, protocol, port]): Payload => idPayload(id, protocol, port)),
  fc
    .tuple(fc.integer({ min: 12, max: 255 }), u8, u16, bytes(20))
    .map(([idType, protocolId, port, data]): Payload => ({
      type: 5,
      idType,
      protocolId,
      port,
      data,
      identification: { kind: 'unknown', data },
    })),
);

const opaqueArb = fc
  .tuple(fc.constantFrom(4, 8, 9, 10, 13, 20, 130), bytes(64))
  .map(([type, data]) => ({ type, data }) as Payload);

const deleteArb = fc
  .integer({ min: 1, max: 16 })
  .chain((spiSize) =>
    fc
      .tuple(u32, u8, fc.array(fixed(spiSize), { maxLength: 4 }))
      .map(([doi, protocolId, spis]): Payload => ({ type: 12, doi, protocolId, spiSize, spis })),
  );

const otherArb: fc.Arbitrary<Payload> = fc.oneof(
  fc.tuple(u8, bytes(64)).map(([encoding, data]): Payload => ({ type: 6, encoding, data })),
  fc.tuple(u8, bytes(32)).map(([encoding, authority]): Payload => ({ type: 7, encoding, authority })),
  fc.tuple(u32, u8, u16, bytes(16), bytes(16)).map(([doi, protocolId, notifyType, spi, data]): Payload => ({
    type: 11,
    doi,
    protocolId,
    notifyType,
    spi,
    data,
  })),
  deleteArb,
  fc
    .tuple(
      u8,
      u16,
      fc.array(attributeArb, { maxLength: 8 }),
      optional('reserved2', fc.integer({ min: 1, max: 0xff })),
    )
    .map(([cfgType, identifier, attributes, r2]): Payload => ({
      type: 14,
      cfgType,
      identifier,
      attributes,
      ...r2,
    })),
  fc
    .tuple(
      fc.constantFrom(21 as const, 131 as const),
      fc.oneof(ipv4, ipv6),
      optional('reserved2', fc.integer({ min: 1, max: 0xffffff })),
    )
    .map(([type, address, r2]): Payload => ({ type, address, ...r2 })),
  fc.tuple(u16, u8, u8, bytes(64)).map(([fragmentId, fragmentNumber, flags, data]): Payload => ({
    type: 132,
    fragmentId,
    fragmentNumber,
    flags,
    data,
  })),
  fc
    .tuple(
      fc.oneof(
        fc.integer({ min: 15, max: 19 }),
        fc.integer({ min: 22, max: 129 }),
        fc.integer({ min: 133, max: 255 }),
        fc.constantFrom(2, 3),
      ),
      bytes(32),
    )
    .map(([payloadType, data]): Payload => ({ type: 'unknown', payloadType, data })),
);

export const payloadArb: fc.Arbitrary<Payload> = fc
  .tuple(fc.oneof(saArb, idArb, opaqueArb, otherArb), reserved)
  .map(([p, r]) => ({ ...p, ...r }) as Payload);

export const payloadListArb = fc.array(payloadArb, { maxLength: 8 });

export const messageArb: fc.Arbitrary<IsakmpMessage> = fc
  .tuple(
    fixed(8),
    fixed(8),
    fc.constantFrom(1, 2, 3, 4, 5, 6, 32, 33),
    fc.boolean(),
    fc.boolean(),
    fc.boolean(),
    u32,
    fc.integer({ min: 0, max: 15 }),
    fc.integer({ min: 0, max: 15 }),
    payloadListArb,
    bytes(48),
    bytes(8),
  )
  .map(
    ([
      ic,
      rc,
      exchangeType,
      encryption,
      commit,
      authenticationOnly,
      messageId,
      major,
      minor,
      payloads,
      enc,
      trailing,
    ]) => {
      const flags = { encryption, commit, authenticationOnly };
      const base = {
        initiatorCookie: ic,
        responderCookie: rc,
        majorVersion: major,
        minorVersion: minor,
        exchangeType,
        flags,
        messageId,
      };
      if (encryption) {
        return { header: { ...base, nextPayload: 8, length: 28 + enc.length }, payloads: [], encrypted: enc };
      }
      // Trailing bytes only make sense after a chain; an empty chain is followed by nothing to parse.
      const body = payloads.length > 0 && trailing.length > 0 ? { trailing } : {};
      return { header: { ...base, nextPayload: 0, length: 0 }, payloads, ...body };
    },
  );
