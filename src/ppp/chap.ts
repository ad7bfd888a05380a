// CHAP packets (RFC 1994 §4), the same for MD5 and MS-CHAPv2 (RFC 2759 §3-6):
//
//   Challenge/Response:  | Code | Identifier | Length | Value-Size | Value ... | Name ... |
//   Success/Failure:     | Code | Identifier | Length | Message ... |
//
// An MS-CHAPv2 Response Value is 49 bytes: Peer-Challenge (16), reserved zeros (8),
// NT-Response (24), Flags (1) (RFC 2759 §4).

import { DecodeError } from '../wire/errors.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';

export const ChapCode = { Challenge: 1, Response: 2, Success: 3, Failure: 4 } as const;

export type ChapPacket =
  | {
      readonly code: typeof ChapCode.Challenge | typeof ChapCode.Response;
      readonly identifier: number;
      readonly value: Uint8Array;
      readonly name: string;
    }
  | {
      readonly code: typeof ChapCode.Success | typeof ChapCode.Failure;
      readonly identifier: number;
      readonly message: string;
    };

export function decodeChap(bytes: Uint8Array): ChapPacket {
  const r = new Reader(bytes);
  const code = r.u8('CHAP code');
  const identifier = r.u8('CHAP identifier');
  const length = r.u16('CHAP length');
  if (length < 4 || length > bytes.length)
    throw new DecodeError(`CHAP length ${length} does not fit ${bytes.length} bytes`, 2);
  const body = new Reader(bytes.subarray(4, length), 4);
  switch (code) {
    case ChapCode.Challenge:
    case ChapCode.Response: {
      const size = body.u8('Value-Size');
      if (size === 0) body.fail('CHAP Value-Size 0');
      const value = body.bytesCopy(size, 'CHAP value');
      return { code, identifier, value, name: Buffer.from(body.rest()).toString('utf8') };
    }
    case ChapCode.Success:
    case ChapCode.Failure:
      return { code, identifier, message: Buffer.from(body.rest()).toString('utf8') };
    default:
      throw new DecodeError(`CHAP code ${code} unknown`, 0);
  }
}

export function encodeChap(p: ChapPacket): Uint8Array {
  const w = new Writer();
  w.u8(p.code).u8(p.identifier).u16(0);
  if ('value' in p) w.u8(p.value.length).bytes(p.value).bytes(Buffer.from(p.name, 'utf8'));
  else w.bytes(Buffer.from(p.message, 'utf8'));
  w.patchU16(2, w.length);
  return w.finish();
}

export interface MsChapV2Response {
  readonly peerChallenge: Uint8Array;
  readonly ntResponse: Uint8Array;
  readonly flags: number;
}

export const MSCHAPV2_RESPONSE_LENGTH = 49;

export function decodeMsChapV2Response(value: Uint8Array): MsChapV2Response {
  if (value.length !== MSCHAPV2_RESPONSE_LENGTH)
    throw new DecodeError(`MS-CHAPv2 response value is ${value.length} bytes, expected 49`, 5);
  return {
    peerChallenge: value.slice(0, 16),
    ntResponse: value.slice(24, 48),
    flags: value[48]!,
  };
}

export function encodeMsChapV2Response(r: MsChapV2Response): Uint8Array {
  const out = new Uint8Array(MSCHAPV2_RESPONSE_LENGTH);
  out.set(r.peerChallenge, 0);
  out.set(r.ntResponse, 24);
  out[48] = r.flags;
  return out;
}
