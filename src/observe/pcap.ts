// pcap (libpcap) writer and pcap/pcapng reader. Capture files are user input: every read is
// bounds-checked and a bad file raises PcapError, never anything else.

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101; // raw IPv4/IPv6, no link header
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

export interface PcapFrame {
  /** 1-based frame number, as Wireshark counts. */
  readonly number: number;
  /** Seconds since the epoch, with microsecond (or better) precision. */
  readonly time: number;
  readonly linkType: number;
  readonly data: Uint8Array;
}

export class PcapError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
    this.name = 'PcapError';
  }
}

/** Encodes frames as a classic little-endian pcap file (microsecond timestamps). */
export function encodePcap(
  frames: readonly { readonly time: number; readonly data: Uint8Array }[],
  linkType = LINKTYPE_RAW,
): Uint8Array {
  const size = 24 + frames.reduce((n, f) => n + 16 + f.data.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 65535, true);
  view.setUint32(20, linkType, true);
  let at = 24;
  for (const frame of frames) {
    const seconds = Math.floor(frame.time);
    view.setUint32(at, seconds, true);
    view.setUint32(at + 4, Math.round((frame.time - seconds) * 1e6), true);
    view.setUint32(at + 8, frame.data.length, true);
    view.setUint32(at + 12, frame.data.length, true);
    out.set(frame.data, at + 16);
    at += 16 + frame.data.length;
  }
  return out;
}

/** Reads a pcap or pcapng file (either byte order). */
export function decodeCapture(input: Uint8Array): PcapFrame[] {
  // A plain Uint8Array view, so frame data behaves as Uint8Array even when given a Buffer
  // (whose slice() shares memory instead of copying).
  const file = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (file.length < 4) throw new PcapError('file too short for a capture header', 0);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = view.getUint32(0, false);
  if (magic === 0x0a0d0d0a) return decodePcapng(file, view);
  return decodeClassicPcap(file, view);
}

function decodeClassicPcap(file: Uint8Array, view: DataView): PcapFrame[] {
  if (file.length < 24) throw new PcapError('truncated pcap header', file.length);
  const magicLe = view.getUint32(0, true);
  let little: boolean;
  let nanos: boolean;
  if (magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d) {
    little = true;
    nanos = magicLe === 0xa1b23c4d;
  } else {
    const magicBe = view.getUint32(0, false);
    if (magicBe !== 0xa1b2c3d4 && magicBe !== 0xa1b23c4d) {
      throw new PcapError('not a pcap or pcapng file (bad magic number)', 0);
    }
    little = false;
    nanos = magicBe === 0xa1b23c4d;
  }
  const linkType = view.getUint32(20, little) & 0x0fffffff;
  const frames: PcapFrame[] = [];
  let at = 24;
  while (at < file.length) {
    if (at + 16 > file.length) throw new PcapError('truncated record header', at);
    const seconds = view.getUint32(at, little);
    const fraction = view.getUint32(at + 4, little);
    const capLen = view.getUint32(at + 8, little);
    if (at + 16 + capLen > file.length) throw new PcapError(`truncated frame ${frames.length + 1}`, at);
    frames.push({
      number: frames.length + 1,
      time: seconds + fraction / (nanos ? 1e9 : 1e6),
      linkType,
      data: file.subarray(at + 16, at + 16 + capLen),
    });
    at += 16 + capLen;
  }
  return frames;
}

interface PcapngInterface {
  readonly linkType: number;
  readonly ticksPerSecond: number;
}

function decodePcapng(file: Uint8Array, view: DataView): PcapFrame[] {
  const frames: PcapFrame[] = [];
  let interfaces: PcapngInterface[] = [];
  let little = true;
  let at = 0;
  while (at < file.length) {
    if (at + 12 > file.length) throw new PcapError('truncated pcapng block', at);
    const type = view.getUint32(at, little);
    if (type === 0x0a0d0d0a) {
      const bom = view.getUint32(at + 8, true);
      if (bom === 0x1a2b3c4d) little = true;
      else if (bom === 0x4d3c2b1a) little = false;
      else throw new PcapError('bad pcapng byte-order magic', at + 8);
      interfaces = [];
    }
    const length = view.getUint32(at + 4, little);
    if (length < 12 || length % 4 !== 0 || at + length > file.length) {
      throw new PcapError(`bad pcapng block length ${length}`, at + 4);
    }
    const body = at + 8;
    const bodyEnd = at + length - 4;
    if (type === 0x00000001) {
      if (body + 8 > bodyEnd) throw new PcapError('truncated interface description block', at);
      interfaces.push({
        linkType: view.getUint16(body, little),
        ticksPerSecond: interfaceResolution(file, view, body + 8, bodyEnd, little),
      });
    } else if (type === 0x00000006) {
      if (body + 20 > bodyEnd) throw new PcapError('truncated enhanced packet block', at);
      const iface = interfaces[view.getUint32(body, little)];
      if (iface === undefined) throw new PcapError('packet names an undeclared interface', body);
      const ticks = view.getUint32(body + 4, little) * 2 ** 32 + view.getUint32(body + 8, little);
      const capLen = view.getUint32(body + 12, little);
      if (body + 20 + capLen > bodyEnd)
        throw new PcapError(`truncated frame ${frames.length + 1}`, body + 12);
      frames.push({
        number: frames.length + 1,
        time: ticks / iface.ticksPerSecond,
        linkType: iface.linkType,
        data: file.subarray(body + 20, body + 20 + capLen),
      });
    } else if (type === 0x00000003) {
      if (body + 4 > bodyEnd) throw new PcapError('truncated simple packet block', at);
      const iface = interfaces[0];
      if (iface === undefined) throw new PcapError('packet before any interface block', body);
      const capLen = Math.min(view.getUint32(body, little), bodyEnd - body - 4);
      frames.push({
        number: frames.length + 1,
        time: 0,
        linkType: iface.linkType,
        data: file.subarray(body + 4, body + 4 + capLen),
      });
    }
    at += length;
  }
  return frames;
}

/** The if_tsresol option (code 9): ticks per second, default microseconds. */
function interfaceResolution(
  file: Uint8Array,
  view: DataView,
  from: number,
  to: number,
  little: boolean,
): number {
  let at = from;
  while (at + 4 <= to) {
    const code = view.getUint16(at, little);
    const len = view.getUint16(at + 2, little);
    if (code === 0) break;
    if (code === 9 && len >= 1 && at + 5 <= to) {
      const v = file[at + 4] ?? 6;
      return v & 0x80 ? 2 ** (v & 0x7f) : 10 ** v;
    }
    at += 4 + Math.ceil(len / 4) * 4;
  }
  return 1e6;
}

/** Strips the link-layer header; returns the IP packet, or undefined for non-IP frames. */
export function ipPayload(frame: PcapFrame): Uint8Array | undefined {
  const d = frame.data;
  switch (frame.linkType) {
    case LINKTYPE_RAW:
      return d;
    case LINKTYPE_ETHERNET: {
      let at = 12;
      let type = d.length >= 14 ? (d[12]! << 8) | d[13]! : 0;
      while (type === 0x8100 && d.length >= at + 6) {
        at += 4;
        type = (d[at]! << 8) | d[at + 1]!;
      }
      return type === 0x0800 || type === 0x86dd ? d.subarray(at + 2) : undefined;
    }
    case LINKTYPE_LINUX_SLL: {
      const type = d.length >= 16 ? (d[14]! << 8) | d[15]! : 0;
      return type === 0x0800 || type === 0x86dd ? d.subarray(16) : undefined;
    }
    case LINKTYPE_LINUX_SLL2: {
      const type = d.length >= 20 ? (d[0]! << 8) | d[1]! : 0;
      return type === 0x0800 || type === 0x86dd ? d.subarray(20) : undefined;
    }
    default:
      return undefined;
  }
}
