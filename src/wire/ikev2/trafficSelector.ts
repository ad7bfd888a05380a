// Traffic Selector payloads TSi (44) and TSr (45), RFC 7296 §3.13.
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Number of TSs |                 RESERVED                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                       <Traffic Selectors>                     ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Each selector (§3.13.1):
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |   TS Type     |IP Protocol ID*|       Selector Length         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           Start Port*         |           End Port*           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                         Starting Address*                     ~
// ~                         Ending Address*                       ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Types 7 (IPv4 range, 16 octets) and 8 (IPv6 range, 40 octets) are read; any other type is
// kept as bytes, to be refused by the engine (TS_UNACCEPTABLE), not by the codec.

import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../address.js';
import { DecodeError, EncodeError } from '../errors.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { TsType } from './constants.js';

export type TrafficSelector =
  | {
      readonly tsType: 7 | 8;
      readonly protocol: number;
      readonly startPort: number;
      readonly endPort: number;
      /** Text form, e.g. `10.1.0.0` / `10.1.0.255`. */
      readonly startAddress: string;
      readonly endAddress: string;
    }
  | { readonly tsType: number; readonly raw: Uint8Array };

export interface TrafficSelectorPayload {
  readonly type: 44 | 45;
  readonly selectors: readonly TrafficSelector[];
}

export function decodeTrafficSelectors(type: 44 | 45, r: Reader): TrafficSelectorPayload {
  const count = r.u8('number of TSs');
  r.bytesCopy(3, 'TS reserved');
  if (count === 0) r.fail('a TS payload without selectors');
  const selectors: TrafficSelector[] = [];
  for (let i = 0; i < count; i++) {
    const start = r.offset;
    const tsType = r.u8('TS type');
    const protocol = r.u8('TS IP protocol');
    const length = r.u16('selector length');
    if (length < 4) throw new DecodeError(`selector length ${length} below 4`, start + 2);
    const body = r.sub(length - 4, 'traffic selector');
    if (tsType !== TsType.IPV4_ADDR_RANGE && tsType !== TsType.IPV6_ADDR_RANGE) {
      selectors.push({ tsType, raw: body.rest() });
      continue;
    }
    const size = tsType === TsType.IPV4_ADDR_RANGE ? 4 : 16;
    if (length !== 8 + 2 * size) {
      throw new DecodeError(`selector of type ${tsType} is ${length} octets, not ${8 + 2 * size}`, start + 2);
    }
    const format = size === 4 ? formatIpv4 : formatIpv6;
    const startPort = body.u16('start port');
    const endPort = body.u16('end port');
    const startAddress = format(body.bytesCopy(size, 'starting address'));
    const endAddress = format(body.bytesCopy(size, 'ending address'));
    selectors.push({ tsType, protocol, startPort, endPort, startAddress, endAddress });
  }
  r.end(`${count} traffic selectors`);
  return { type, selectors };
}

export function encodeTrafficSelectors(w: Writer, p: TrafficSelectorPayload): void {
  if (p.selectors.length === 0 || p.selectors.length > 255) {
    throw new EncodeError(`${p.selectors.length} traffic selectors do not fit a TS payload`);
  }
  w.u8(p.selectors.length).u8(0).u16(0);
  for (const s of p.selectors) {
    if ('raw' in s) {
      w.u8(s.tsType)
        .u8(0)
        .u16(4 + s.raw.length)
        .bytes(s.raw);
      continue;
    }
    const parse = s.tsType === TsType.IPV4_ADDR_RANGE ? parseIpv4 : parseIpv6;
    const startAddress = parse(s.startAddress);
    const endAddress = parse(s.endAddress);
    w.u8(s.tsType)
      .u8(s.protocol)
      .u16(8 + startAddress.length * 2)
      .u16(s.startPort)
      .u16(s.endPort)
      .bytes(startAddress)
      .bytes(endAddress);
  }
}
