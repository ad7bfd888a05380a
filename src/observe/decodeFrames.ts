// Finds the ISAKMP messages in captured frames: IPv4/IPv6, UDP 500, and UDP 4500 where a
// message starts with the 4-byte non-ESP marker (RFC 3948 §2.2). ESP-in-UDP and NAT-keepalives
// on 4500 are recognised and skipped; IP fragments are reassembled across frames. Frames are
// untrusted: every read is bounds-checked.

import { classifyUdp4500, formatIpv4, formatIpv6, NON_ESP_MARKER_LENGTH } from '../wire/index.js';
import { IpReassembler, type Reassembled } from './decodeIpFragments.js';
import { ipPayload, type PcapFrame } from './pcap.js';

export const IKE_PORT = 500;
export const NAT_T_PORT = 4500;

export interface IsakmpDatagram {
  readonly kind: 'isakmp';
  readonly frame: number;
  readonly time: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** True when the message came after the RFC 3948 non-ESP marker on port 4500. */
  readonly nonEspMarker: boolean;
  /** The ISAKMP message: header and body. */
  readonly bytes: Uint8Array;
  /** Where `bytes` starts inside the frame (for error reports); for a datagram reassembled from
   * IP fragments, inside the reassembled IP packet. */
  readonly frameOffset: number;
  /** Frames whose IP fragments made up this datagram, when it was fragmented. */
  readonly ipFragments?: readonly number[];
}

export type SkipReason = 'not IP' | 'not UDP' | 'not IKE' | 'ESP-in-UDP' | 'NAT-keepalive' | 'IP fragment';

export interface SkippedFrame {
  readonly kind: 'skipped';
  readonly frame: number;
  readonly reason: SkipReason;
}

/** A frame whose IP or UDP header does not hold together. */
export interface BrokenFrame {
  readonly kind: 'broken';
  readonly frame: number;
  /** Byte offset inside the frame where the problem was found. */
  readonly frameOffset: number;
  readonly message: string;
}

export type ClassifiedFrame = IsakmpDatagram | SkippedFrame | BrokenFrame;

interface UdpSegment {
  readonly src: string;
  readonly dst: string;
  readonly udp: Uint8Array;
  readonly udpOffset: number;
  readonly ipFragments?: readonly number[];
}

/** Classifies the frames of one capture in order, reassembling IP fragments across frames. */
export class FrameClassifier {
  private readonly reassembler = new IpReassembler();

  classify(frame: PcapFrame): ClassifiedFrame {
    const ip = ipPayload(frame);
    if (ip === undefined || ip.length === 0) return skipped(frame, 'not IP');
    const linkOffset = frame.data.length - ip.length;
    return classifyIp(frame, ip, linkOffset, this.reassembler);
  }
}

/** One frame on its own (IP fragments are not reassembled). */
export function classifyFrame(frame: PcapFrame): ClassifiedFrame {
  return new FrameClassifier().classify(frame);
}

function classifyIp(
  frame: PcapFrame,
  ip: Uint8Array,
  linkOffset: number,
  reassembler: IpReassembler,
): ClassifiedFrame {
  const segment = udpSegment(frame, ip, linkOffset, reassembler);
  if (segment.kind !== 'udp') return segment;
  const { udp, udpOffset } = segment.value;
  if (udp.length < 8) return broken(frame, udpOffset, 'truncated UDP header');
  const srcPort = (udp[0]! << 8) | udp[1]!;
  const dstPort = (udp[2]! << 8) | udp[3]!;
  const udpLength = (udp[4]! << 8) | udp[5]!;
  if (udpLength < 8) return broken(frame, udpOffset + 4, `bad UDP length ${udpLength}`);
  if (udpLength > udp.length) {
    return broken(frame, udpOffset + 4, `UDP length ${udpLength} exceeds the ${udp.length} captured bytes`);
  }
  const payload = udp.subarray(8, udpLength);
  const payloadOffset = udpOffset + 8;
  const fragments = segment.value.ipFragments;
  const base = {
    frame: frame.number,
    time: frame.time,
    src: segment.value.src,
    dst: segment.value.dst,
    ...(fragments === undefined ? {} : { ipFragments: fragments }),
  };
  if (srcPort === NAT_T_PORT || dstPort === NAT_T_PORT) {
    // RFC 3948 §2.2/§2.3: a single 0xff is a keepalive; 4 zero bytes mark IKE; else ESP (SPI != 0).
    const kind = classifyUdp4500(payload);
    if (kind === 'keepalive') return skipped(frame, 'NAT-keepalive');
    if (kind === 'ike') {
      return {
        kind: 'isakmp',
        ...base,
        srcPort,
        dstPort,
        nonEspMarker: true,
        bytes: payload.subarray(NON_ESP_MARKER_LENGTH),
        frameOffset: payloadOffset + NON_ESP_MARKER_LENGTH,
      };
    }
    return skipped(frame, 'ESP-in-UDP');
  }
  if (srcPort === IKE_PORT || dstPort === IKE_PORT) {
    return {
      kind: 'isakmp',
      ...base,
      srcPort,
      dstPort,
      nonEspMarker: false,
      bytes: payload,
      frameOffset: payloadOffset,
    };
  }
  return skipped(frame, 'not IKE');
}

type SegmentResult = { kind: 'udp'; value: UdpSegment } | SkippedFrame | BrokenFrame;

function udpSegment(
  frame: PcapFrame,
  ip: Uint8Array,
  at: number,
  reassembler: IpReassembler | undefined,
): SegmentResult {
  const version = ip[0]! >> 4;
  if (version === 4) return ipv4Udp(frame, ip, at, reassembler);
  if (version === 6) return ipv6Udp(frame, ip, at, reassembler);
  return skipped(frame, 'not IP');
}

/** Continues with a datagram rebuilt from fragments (offsets now inside the rebuilt packet). */
function reassembledSegment(frame: PcapFrame, whole: Reassembled | undefined): SegmentResult {
  if (whole === undefined) return skipped(frame, 'IP fragment');
  const segment = udpSegment(frame, whole.packet, 0, undefined);
  if (segment.kind !== 'udp') return segment;
  return { kind: 'udp', value: { ...segment.value, ipFragments: whole.frames } };
}

function ipv4Udp(
  frame: PcapFrame,
  ip: Uint8Array,
  at: number,
  reassembler: IpReassembler | undefined,
): SegmentResult {
  if (ip.length < 20) return broken(frame, at, 'truncated IPv4 header');
  const headerLength = (ip[0]! & 0x0f) * 4;
  const totalLength = (ip[2]! << 8) | ip[3]!;
  if (headerLength < 20 || headerLength > ip.length) {
    return broken(frame, at, `bad IPv4 header length ${headerLength}`);
  }
  if (totalLength < headerLength || totalLength > ip.length) {
    return broken(
      frame,
      at + 2,
      `IPv4 total length ${totalLength} does not fit the ${ip.length} captured bytes`,
    );
  }
  const flagsAndOffset = (ip[6]! << 8) | ip[7]!;
  const moreFragments = (flagsAndOffset & 0x2000) !== 0;
  const fragmentOffset = flagsAndOffset & 0x1fff;
  if (ip[9] !== 17) return skipped(frame, 'not UDP');
  if (moreFragments || fragmentOffset !== 0) {
    if (reassembler === undefined) return skipped(frame, 'IP fragment');
    const header = Uint8Array.from(ip.subarray(0, headerLength));
    return reassembledSegment(
      frame,
      reassembler.add({
        key: `4 ${Array.from(ip.subarray(12, 20)).join('.')} ${(ip[4]! << 8) | ip[5]!} ${ip[9]}`,
        offset: fragmentOffset * 8,
        more: moreFragments,
        data: ip.subarray(headerLength, totalLength),
        frame: frame.number,
        rebuild: (payload) => {
          const packet = new Uint8Array(headerLength + payload.length);
          packet.set(header);
          packet[2] = packet.length >> 8;
          packet[3] = packet.length & 0xff;
          packet[6] = 0;
          packet[7] = 0;
          packet.set(payload, headerLength);
          return packet;
        },
      }),
    );
  }
  return {
    kind: 'udp',
    value: {
      src: formatIpv4(ip.subarray(12, 16)),
      dst: formatIpv4(ip.subarray(16, 20)),
      udp: ip.subarray(headerLength, totalLength),
      udpOffset: at + headerLength,
    },
  };
}

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AH = 51;
const IPV6_DEST_OPTS = 60;
const MAX_EXTENSION_HEADERS = 16;

function ipv6Udp(
  frame: PcapFrame,
  ip: Uint8Array,
  at: number,
  reassembler: IpReassembler | undefined,
): SegmentResult {
  if (ip.length < 40) return broken(frame, at, 'truncated IPv6 header');
  const payloadLength = (ip[4]! << 8) | ip[5]!;
  const end = 40 + payloadLength;
  if (end > ip.length) {
    return broken(frame, at + 4, `IPv6 payload length ${payloadLength} exceeds the captured bytes`);
  }
  let next = ip[6]!;
  let offset = 40;
  let nextHeaderField = 6; // where the Next Header value that names the current header lives
  for (let count = 0; count < MAX_EXTENSION_HEADERS; count++) {
    if (next === 17) {
      return {
        kind: 'udp',
        value: {
          src: formatIpv6(ip.subarray(8, 24)),
          dst: formatIpv6(ip.subarray(24, 40)),
          udp: ip.subarray(offset, end),
          udpOffset: at + offset,
        },
      };
    }
    if (next !== IPV6_HOP_BY_HOP && next !== IPV6_ROUTING && next !== IPV6_DEST_OPTS) {
      if (next !== IPV6_FRAGMENT && next !== IPV6_AH) return skipped(frame, 'not UDP');
    }
    if (offset + 8 > end) return broken(frame, at + offset, 'truncated IPv6 extension header');
    if (next === IPV6_FRAGMENT) {
      const fragment = (ip[offset + 2]! << 8) | ip[offset + 3]!;
      if ((fragment & 0xfff9) !== 0) {
        if (reassembler === undefined) return skipped(frame, 'IP fragment');
        // RFC 8200 §4.5: the unfragmentable part, then the fragments' payloads.
        // A copy (frame bytes may be a Buffer view, whose slice() would not copy).
        const unfragmentable = Uint8Array.from(ip.subarray(0, offset));
        unfragmentable[nextHeaderField] = ip[offset]!;
        const id = Array.from(ip.subarray(offset + 4, offset + 8)).join('.');
        return reassembledSegment(
          frame,
          reassembler.add({
            key: `6 ${Array.from(ip.subarray(8, 40)).join('.')} ${id}`,
            offset: fragment & 0xfff8,
            more: (fragment & 1) !== 0,
            data: ip.subarray(offset + 8, end),
            frame: frame.number,
            rebuild: (payload) => {
              const packet = new Uint8Array(unfragmentable.length + payload.length);
              packet.set(unfragmentable);
              const length = packet.length - 40;
              packet[4] = length >> 8;
              packet[5] = length & 0xff;
              packet.set(payload, unfragmentable.length);
              return packet;
            },
          }),
        );
      }
    }
    const length =
      next === IPV6_FRAGMENT ? 8 : next === IPV6_AH ? (ip[offset + 1]! + 2) * 4 : (ip[offset + 1]! + 1) * 8;
    next = ip[offset]!;
    nextHeaderField = offset;
    offset += length;
    if (offset > end) return broken(frame, at + offset - length, 'IPv6 extension header overruns the packet');
  }
  return broken(frame, at + offset, 'too many IPv6 extension headers');
}

function skipped(frame: PcapFrame, reason: SkipReason): SkippedFrame {
  return { kind: 'skipped', frame: frame.number, reason };
}

function broken(frame: PcapFrame, frameOffset: number, message: string): BrokenFrame {
  return { kind: 'broken', frame: frame.number, frameOffset, message };
}
