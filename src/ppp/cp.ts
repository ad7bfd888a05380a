// The packet format LCP (RFC 1661 §5) and the network control protocols share (IPCP, RFC
// 1332 §2), with Configuration Options (RFC 1661 §6):
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     Code      |  Identifier   |            Length             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |    Data ...   (options: | Type | Length | Data ... |)
//
// Octets past Length are padding and ignored (§5); a Length beyond the frame is malformed.

import { DecodeError } from '../wire/errors.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';

export const CpCode = {
  ConfigureRequest: 1,
  ConfigureAck: 2,
  ConfigureNak: 3,
  ConfigureReject: 4,
  TerminateRequest: 5,
  TerminateAck: 6,
  CodeReject: 7,
  ProtocolReject: 8,
  EchoRequest: 9,
  EchoReply: 10,
  DiscardRequest: 11,
} as const;

export const LcpOption = {
  MRU: 1,
  ACCM: 2,
  AuthProtocol: 3,
  MagicNumber: 5,
  PFC: 7,
  ACFC: 8,
} as const;

export const IpcpOption = {
  IpAddress: 3,
  /** RFC 1877 */
  PrimaryDns: 129,
  SecondaryDns: 131,
} as const;

/** CHAP's Algorithm octet of the Authentication-Protocol option (RFC 1994 §3, RFC 2759 §2). */
export const ChapAlgorithm = { MD5: 5, MSCHAPv2: 0x81 } as const;

export interface CpOption {
  readonly type: number;
  readonly data: Uint8Array;
}

export interface CpPacket {
  readonly code: number;
  readonly identifier: number;
  /** Configure-*: the options; other codes carry `data` as is. */
  readonly data: Uint8Array;
}

export function decodeCp(bytes: Uint8Array): CpPacket {
  const r = new Reader(bytes);
  const code = r.u8('code');
  const identifier = r.u8('identifier');
  const length = r.u16('length');
  if (length < 4 || length > bytes.length)
    throw new DecodeError(`control protocol length ${length} does not fit ${bytes.length} bytes`, 2);
  return { code, identifier, data: r.bytesCopy(length - 4, 'data') };
}

export function encodeCp(p: CpPacket): Uint8Array {
  const w = new Writer();
  w.u8(p.code)
    .u8(p.identifier)
    .u16(4 + p.data.length)
    .bytes(p.data);
  return w.finish();
}

export function decodeOptions(data: Uint8Array): CpOption[] {
  const r = new Reader(data, 4);
  const out: CpOption[] = [];
  while (r.remaining > 0) {
    const type = r.u8('option type');
    const length = r.u8('option length');
    if (length < 2) r.fail(`option ${type} length ${length} below 2`);
    out.push({ type, data: r.bytesCopy(length - 2, `option ${type}`) });
  }
  return out;
}

export function encodeOptions(options: readonly CpOption[]): Uint8Array {
  const w = new Writer();
  for (const o of options)
    w.u8(o.type)
      .u8(2 + o.data.length)
      .bytes(o.data);
  return w.finish();
}

export function isConfigureCode(code: number): boolean {
  return code >= CpCode.ConfigureRequest && code <= CpCode.ConfigureReject;
}
