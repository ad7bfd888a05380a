// IP Payload Compression (RFC 3173) inside ESP: on output the payload is compressed before
// ESP encrypts it, on input it is decompressed after ESP decrypted it.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |  Next Header  |     Flags     |  Compression Parameter Index  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// In tunnel mode the compressed payload is the whole inner packet (next header IPv4 or
// IPv6); in transport mode it is the IP payload. A packet that does not shrink, or that is
// below the algorithm's threshold, goes without an IPComp header (RFC 3173 §2.2): the
// receiver takes either.

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { LzsError, lzsCompress, lzsDecompress } from './lzs.js';

export const IPPROTO_IPCOMP = 108;
export const IPCOMP_HEADER_LENGTH = 4;

export type IpcompAlgorithm = 'deflate' | 'lzs';

/** RFC 2407 §4.4.5 IPCOMP transform IDs, which are also the well-known CPIs (RFC 3173 §3.3). */
export const IPCOMP_TRANSFORM_ID: Readonly<Record<IpcompAlgorithm, number>> = { deflate: 2, lzs: 3 };

/** RFC 3173 §3.3: CPIs a node chooses for a negotiated association. */
export const CPI_NEGOTIATED_MIN = 256;
export const CPI_NEGOTIATED_MAX = 61439;

/**
 * A CPI a peer may choose for the association it decompresses: a well-known one (1-63, "MAY
 * select a CPI in the pre-defined range" when negotiating a well-known algorithm), a negotiated
 * one, or a private-use one. 0 and the reserved 64-255 are refused.
 */
export function cpiAcceptable(cpi: number): boolean {
  return Number.isInteger(cpi) && ((cpi >= 1 && cpi <= 63) || (cpi >= 256 && cpi <= 0xffff));
}

/**
 * RFC 2394 §2.3 and RFC 2395 §2.3: below about 90 bytes compression rarely pays, so such
 * payloads are sent as they are.
 */
export const IPCOMP_THRESHOLD = 90;

/** The largest IPv4 packet: no decompressed payload may be longer. */
export const IPCOMP_MAX_DECOMPRESSED = 65535;

/**
 * RFC 2394 §2.1 leaves the window to the compressor; 2^11 bytes keeps every back-reference
 * within what a small-window decompressor (Linux uses 11 bits) can resolve. Inflating
 * accepts any window.
 */
const DEFLATE_WINDOW_BITS = 11;

export class IpcompError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IpcompError';
  }
}

export interface IpcompHeader {
  readonly nextHeader: number;
  readonly flags: number;
  readonly cpi: number;
}

export function parseIpcompHeader(b: Uint8Array): IpcompHeader {
  if (b.length < IPCOMP_HEADER_LENGTH) throw new IpcompError(`IPComp header of ${b.length} bytes`);
  return { nextHeader: b[0]!, flags: b[1]!, cpi: (b[2]! << 8) | b[3]! };
}

export function compressWith(algorithm: IpcompAlgorithm, data: Uint8Array): Uint8Array {
  // RFC 2394 §2.2: raw DEFLATE, no zlib header, each datagram a complete stream of its own.
  if (algorithm === 'deflate') return deflateRawSync(data, { windowBits: DEFLATE_WINDOW_BITS, level: 6 });
  return lzsCompress(data);
}

/** Throws IpcompError for data that does not decompress or decompresses to over `maxLength`. */
export function decompressWith(algorithm: IpcompAlgorithm, data: Uint8Array, maxLength: number): Uint8Array {
  try {
    if (algorithm === 'deflate')
      return new Uint8Array(inflateRawSync(data, { windowBits: 15, maxOutputLength: maxLength }));
    return lzsDecompress(data, maxLength);
  } catch (e) {
    if (e instanceof LzsError) throw new IpcompError(`LZS: ${e.message}`);
    if (e instanceof Error) throw new IpcompError(`DEFLATE: ${e.message}`);
    throw e;
  }
}

/** The IPComp datagram payload for `payload` (header + compressed data), or undefined when
 * the payload goes uncompressed: below the threshold or not smaller once compressed. */
export function ipcompCompress(
  algorithm: IpcompAlgorithm,
  cpi: number,
  payload: Uint8Array,
  nextHeader: number,
): Uint8Array | undefined {
  if (payload.length < IPCOMP_THRESHOLD) return undefined;
  const compressed = compressWith(algorithm, payload);
  // RFC 3173 §2.2: never expand; header included, as the bytes on the wire are what counts.
  if (IPCOMP_HEADER_LENGTH + compressed.length >= payload.length) return undefined;
  const out = new Uint8Array(IPCOMP_HEADER_LENGTH + compressed.length);
  out[0] = nextHeader;
  out[1] = 0; // RFC 3173 §3.3: flags reserved, sent as zero
  out[2] = cpi >> 8;
  out[3] = cpi & 0xff;
  out.set(compressed, IPCOMP_HEADER_LENGTH);
  return out;
}

export interface Decompressed {
  readonly nextHeader: number;
  readonly payload: Uint8Array;
}

/** An IPComp datagram payload back to the original; the CPI must be the one we chose. */
export function ipcompDecompress(
  algorithm: IpcompAlgorithm,
  expectedCpi: number,
  datagram: Uint8Array,
  maxLength: number = IPCOMP_MAX_DECOMPRESSED,
): Decompressed {
  const h = parseIpcompHeader(datagram);
  if (h.cpi !== expectedCpi) throw new IpcompError(`CPI ${h.cpi}, the SA's is ${expectedCpi}`);
  // RFC 3173 §2: each compressed datagram carries a single IP payload, never another IPComp.
  if (h.nextHeader === IPPROTO_IPCOMP) throw new IpcompError('nested IPComp header');
  const payload = decompressWith(algorithm, datagram.subarray(IPCOMP_HEADER_LENGTH), maxLength);
  return { nextHeader: h.nextHeader, payload };
}
