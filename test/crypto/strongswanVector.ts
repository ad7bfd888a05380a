// Reads one strongSwan IKEv1 known-answer vector (test/fixtures/strongswan-ikev1/<name>/):
// charon's level-4 hex dumps from initiator.log/responder.log, the scenario parameters from
// README.md and the swanctl conf, and the ISAKMP and ESP datagrams of capture.pcapng.
// Test helper only: a small bounds-checked walker, independent of src/wire.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCapture, ipPayload } from '../../src/observe/pcap.js';
import { fixture } from '../util/fixtures.js';
import { hex } from './hex.js';

export interface LogValue {
  readonly label: string;
  readonly value: Uint8Array;
}

const DUMP_HEAD = /\] <[^>]*> (.+?) => (\d+) bytes @ 0x[0-9a-f]+\s*$/;
const DUMP_LINE = /\] <[^>]*>\s+(\d+): ((?:[0-9A-F]{2} )*[0-9A-F]{2})/;

/** Every "label => N bytes @ addr" dump of a charon log, in log order. */
export function parseCharonLog(text: string): LogValue[] {
  const out: LogValue[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const head = DUMP_HEAD.exec(lines[i] ?? '');
    if (!head) continue;
    const label = head[1] ?? '';
    const length = Number(head[2]);
    const bytes: number[] = [];
    while (bytes.length < length && i + 1 < lines.length) {
      const line = DUMP_LINE.exec(lines[i + 1] ?? '');
      if (!line || Number(line[1]) !== bytes.length) break;
      i++;
      const tokens = (line[2] ?? '').split(' ').slice(0, Math.min(16, length - bytes.length));
      for (const t of tokens) bytes.push(parseInt(t, 16));
    }
    if (bytes.length !== length)
      throw new Error(`log dump "${label}" has ${bytes.length} of ${length} bytes`);
    out.push({ label, value: new Uint8Array(bytes) });
  }
  return out;
}

export interface Datagram {
  readonly frame: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  /** UDP payload with the RFC 3948 non-ESP marker removed. */
  readonly payload: Uint8Array;
  readonly kind: 'isakmp' | 'esp';
}

function ipv4(bytes: Uint8Array, at: number): string {
  return [0, 1, 2, 3].map((i) => String(bytes[at + i] ?? 0)).join('.');
}

export function captureDatagrams(file: string): Datagram[] {
  const out: Datagram[] = [];
  for (const frame of decodeCapture(new Uint8Array(readFileSync(file)))) {
    const ip = ipPayload(frame);
    if (!ip || ip.length < 28 || (ip[0] ?? 0) >> 4 !== 4 || ip[9] !== 17) continue;
    const ihl = ((ip[0] ?? 0) & 0x0f) * 4;
    const view = new DataView(ip.buffer, ip.byteOffset, ip.byteLength);
    const srcPort = view.getUint16(ihl);
    const dstPort = view.getUint16(ihl + 2);
    let payload = ip.subarray(ihl + 8, view.getUint16(2));
    let kind: Datagram['kind'] = 'isakmp';
    if (srcPort === 4500 || dstPort === 4500) {
      if (payload.length < 4) continue; // NAT-T keepalive
      if (view.getUint32(ihl + 8) === 0) payload = payload.subarray(4);
      else kind = 'esp';
    }
    out.push({ frame: frame.number, src: ipv4(ip, 12), dst: ipv4(ip, 16), srcPort, dstPort, payload, kind });
  }
  return out;
}

export interface IsakmpHeaderView {
  readonly ckyI: Uint8Array;
  readonly ckyR: Uint8Array;
  readonly nextPayload: number;
  readonly exchangeType: number;
  readonly encrypted: boolean;
  readonly messageId: number;
  readonly length: number;
}

export function isakmpHeader(msg: Uint8Array): IsakmpHeaderView {
  if (msg.length < 28) throw new Error('ISAKMP message shorter than its header');
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  return {
    ckyI: msg.slice(0, 8),
    ckyR: msg.slice(8, 16),
    nextPayload: msg[16] ?? 0,
    exchangeType: msg[18] ?? 0,
    encrypted: ((msg[19] ?? 0) & 1) === 1,
    messageId: view.getUint32(20),
    length: view.getUint32(24),
  };
}

export interface RawPayload {
  readonly type: number;
  /** Payload with its 4-byte generic header. */
  readonly raw: Uint8Array;
  /** Payload body (the RFC 2409 "_b"). */
  readonly body: Uint8Array;
}

/** Walks a generic payload chain; `trailing` is what follows the last payload (padding). */
export function walkPayloads(
  first: number,
  bytes: Uint8Array,
): { payloads: RawPayload[]; trailing: Uint8Array } {
  const payloads: RawPayload[] = [];
  let type = first;
  let at = 0;
  while (type !== 0) {
    if (at + 4 > bytes.length) throw new Error(`payload ${type} header truncated at ${at}`);
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    if (length < 4 || at + length > bytes.length)
      throw new Error(`payload ${type} length ${length} at ${at}`);
    payloads.push({ type, raw: bytes.subarray(at, at + length), body: bytes.subarray(at + 4, at + length) });
    type = bytes[at] ?? 0;
    at += length;
    if (payloads.length > 64) throw new Error('too many payloads');
  }
  return { payloads, trailing: bytes.subarray(at) };
}

export const PAYLOAD = {
  SA: 1,
  KE: 4,
  ID: 5,
  CERT: 6,
  HASH: 8,
  SIG: 9,
  NONCE: 10,
  N: 11,
  D: 12,
  ATTR: 14,
  FRAG: 132,
} as const;

export interface IsakmpDatagram extends Datagram {
  /** The whole ISAKMP message (reassembled from IKE fragments, payload 132, if it came in fragments). */
  readonly message: Uint8Array;
  readonly header: IsakmpHeaderView;
  readonly fromInitiator: boolean;
}

/** ISAKMP messages of a capture in order, IKEv1 fragments reassembled (strongSwan/Cisco
 * fragmentation: FRAG payload = generic header, fragment ID (2), number (1), flags (1, bit 0 =
 * last), data; the data of all fragments is the original message). */
export function isakmpMessages(datagrams: readonly Datagram[], initiator: string): IsakmpDatagram[] {
  const out: IsakmpDatagram[] = [];
  const pending = new Map<string, Map<number, Uint8Array>>();
  for (const d of datagrams) {
    if (d.kind !== 'isakmp') continue;
    const header = isakmpHeader(d.payload);
    const fromInitiator = d.src === initiator;
    if (header.nextPayload === PAYLOAD.FRAG && !header.encrypted) {
      const body = d.payload.subarray(28, header.length);
      const [frag] = walkPayloads(PAYLOAD.FRAG, body).payloads;
      if (!frag || frag.body.length < 4) throw new Error(`frame ${d.frame}: bad FRAG payload`);
      const id = `${d.src}:${((frag.body[0] ?? 0) << 8) | (frag.body[1] ?? 0)}`;
      const parts = pending.get(id) ?? new Map<number, Uint8Array>();
      pending.set(id, parts);
      parts.set(frag.body[2] ?? 0, frag.body.subarray(4));
      if (((frag.body[3] ?? 0) & 1) === 1) {
        const count = frag.body[2] ?? 0;
        const chunks: Uint8Array[] = [];
        for (let n = 1; n <= count; n++) {
          const part = parts.get(n);
          if (!part) throw new Error(`frame ${d.frame}: fragment ${n} missing`);
          chunks.push(part);
        }
        pending.delete(id);
        const message = new Uint8Array(Buffer.concat(chunks));
        out.push({ ...d, message, header: isakmpHeader(message), fromInitiator });
      }
      continue;
    }
    out.push({ ...d, message: d.payload.subarray(0, header.length), header, fromInitiator });
  }
  return out;
}

export interface Vector {
  readonly name: string;
  readonly readme: string;
  readonly initiatorLog: LogValue[];
  readonly responderLog: LogValue[];
  readonly datagrams: Datagram[];
  readonly messages: IsakmpDatagram[];
  readonly psk: Uint8Array | undefined;
  readonly ckyI: Uint8Array;
  readonly ckyR: Uint8Array;
  /** SPI chosen by r1 (r2 -> r1 traffic) and by r2 (r1 -> r2 traffic). */
  readonly spiR1Inbound: number;
  readonly spiR1Outbound: number;
  readonly ikeProposal: string;
  readonly espProposal: string;
  /** README nonce table, in frame order. */
  readonly nonces: Uint8Array[];
  readonly initiatorAddress: string;
}

function readmeRow(readme: string, name: string): string {
  const row = readme.split('\n').find((l) => l.startsWith(`| ${name} |`));
  if (row === undefined) throw new Error(`README has no "${name}" row`);
  return row.slice(name.length + 4);
}

export function loadVector(name: string): Vector {
  const dir = fixture(join('strongswan-ikev1', name));
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  const readme = read('README.md');
  const cookies = /`([0-9a-f]{16})` \/ `([0-9a-f]{16})`/.exec(
    readmeRow(readme, 'IKE cookies (CKY-I, CKY-R)'),
  );
  const spis = /chosen by r1\): `0x([0-9a-f]{8})`.*chosen by r2\): `0x([0-9a-f]{8})`/.exec(
    readmeRow(readme, 'ESP SPIs'),
  );
  const ike = /`IKE:([^`]+)`/.exec(readmeRow(readme, 'IKE proposal selected (charon)'));
  const esp = /`ESP:([^`]+)`/.exec(readmeRow(readme, 'Quick Mode proposal selected (charon)'));
  if (!cookies || !spis || !ike || !esp) throw new Error(`${name}: README scenario table not understood`);
  const secret = /secret = "([^"]*)"/.exec(read('r1.swanctl.conf'));
  const nonceSection = readme.slice(readme.indexOf('Nonces ('), readme.indexOf('## Key material'));
  const nonces = [...nonceSection.matchAll(/\| `([0-9a-f]+)` \(\d+ bytes\) \|/g)].map((m) => hex(m[1] ?? ''));
  const initiatorAddress = /r1 \(initiator\) (\d+\.\d+\.\d+\.\d+)/.exec(readme)?.[1] ?? '192.0.2.1';
  const datagrams = captureDatagrams(join(dir, 'capture.pcapng'));
  return {
    name,
    readme,
    initiatorLog: parseCharonLog(read('initiator.log')),
    responderLog: parseCharonLog(read('responder.log')),
    datagrams,
    messages: isakmpMessages(datagrams, initiatorAddress),
    psk: secret ? new Uint8Array(Buffer.from(secret[1] ?? '', 'utf8')) : undefined,
    ckyI: hex(cookies[1] ?? ''),
    ckyR: hex(cookies[2] ?? ''),
    spiR1Inbound: parseInt(spis[1] ?? '', 16),
    spiR1Outbound: parseInt(spis[2] ?? '', 16),
    ikeProposal: ike[1] ?? '',
    espProposal: esp[1] ?? '',
    nonces,
    initiatorAddress,
  };
}

/** All values logged under `label`, in order. */
export function logged(log: readonly LogValue[], label: string): Uint8Array[] {
  return log.filter((v) => v.label === label).map((v) => v.value);
}

/** The single value logged under `label` (throws if absent or repeated). */
export function loggedOnce(log: readonly LogValue[], label: string): Uint8Array {
  const values = logged(log, label);
  if (values.length !== 1) throw new Error(`"${label}" logged ${values.length} times`);
  return values[0] ?? new Uint8Array(0);
}
