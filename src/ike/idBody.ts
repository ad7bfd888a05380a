// The proxy-ID fields selectors.ts builds and reads (RFC 2407 §4.6.2); src/wire's IdPayload is
// what goes on the wire.

import { idPayloadFromData, type IdPayload } from '../wire/index.js';

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
