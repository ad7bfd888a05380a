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
import type { IpcompAlgorithm } from '../policy/ipcomp.js';
import type { IpsecSa } from '../policy/sa.js';
import type { SaCounters } from './counters.js';
import { LzsError, lzsCompress, lzsDecompress } from './lzs.js';

export const IPPROTO_IPCOMP = 108;
export const IPCOMP_HEADER_LENGTH = 4;

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

/** Output on an ESP SA: the payload ESP carries and its next header, compressed when the SA
 * has IPComp and compression pays; counted either way. */
export function ipcompOutput(
  ipcomp: IpsecSa['ipcomp'],
  counters: SaCounters,
  payload: Uint8Array,
  nextHeader: number,
): { payload: Uint8Array; nextHeader: number } {
  if (ipcomp === undefined) return { payload, nextHeader };
  let datagram: Uint8Array | undefined;
  try {
    datagram = ipcompCompress(ipcomp.algorithm, ipcomp.cpi, payload, nextHeader);
  } catch {
    counters.comprFailed++;
    return { payload, nextHeader };
  }
  if (datagram === undefined) {
    counters.notCompressed++;
    return { payload, nextHeader };
  }
  counters.compressed++;
  return { payload: datagram, nextHeader: IPPROTO_IPCOMP };
}

/** Input on an ESP SA whose payload's next header is IPComp: the original, or why not. */
export function ipcompInput(
  ipcomp: IpsecSa['ipcomp'],
  counters: SaCounters,
  datagram: Uint8Array,
): Decompressed | string {
  if (ipcomp === undefined) {
    counters.decompressFailed++;
    return 'IPComp payload on an SA without IPComp';
  }
  try {
    const d = ipcompDecompress(ipcomp.algorithm, ipcomp.cpi, datagram);
    counters.decompressed++;
    return d;
  } catch (e) {
    if (!(e instanceof IpcompError)) throw e;
    counters.decompressFailed++;
    return e.message;
  }
}
