// Loads the ISAKMP messages of the strongSwan captures (UDP 500, and UDP 4500 after the
// non-ESP marker; ESP-in-UDP frames skipped) for the wire tests.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCapture, ipPayload } from '../../src/observe/pcap.js';
import { stripNonEspMarker } from '../../src/wire/index.js';
import { fixture } from '../util/fixtures.js';

export interface CapturedIsakmp {
  readonly scenario: string;
  readonly frame: number;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly bytes: Uint8Array;
}

export const STRONGSWAN_DIR = fixture('strongswan-ikev1');

export function scenarios(): string[] {
  return readdirSync(STRONGSWAN_DIR).sort();
}

export function readme(scenario: string): string {
  return readFileSync(join(STRONGSWAN_DIR, scenario, 'README.md'), 'utf8');
}

export function capturedIsakmp(scenario: string): CapturedIsakmp[] {
  const frames = decodeCapture(readFileSync(join(STRONGSWAN_DIR, scenario, 'capture.pcapng')));
  const out: CapturedIsakmp[] = [];
  for (const frame of frames) {
    const ip = ipPayload(frame);
    if (!ip || ip[0]! >> 4 !== 4 || ip[9] !== 17) continue;
    const udp = ip.subarray((ip[0]! & 0x0f) * 4);
    const srcPort = (udp[0]! << 8) | udp[1]!;
    const dstPort = (udp[2]! << 8) | udp[3]!;
    const payload = udp.subarray(8, (udp[4]! << 8) | udp[5]!);
    let bytes: Uint8Array | undefined;
    if (srcPort === 500 || dstPort === 500) bytes = payload;
    else if (srcPort === 4500 || dstPort === 4500) bytes = stripNonEspMarker(payload);
    if (bytes) out.push({ scenario, frame: frame.number, srcPort, dstPort, bytes: Uint8Array.from(bytes) });
  }
  return out;
}

export function allCapturedIsakmp(): CapturedIsakmp[] {
  return scenarios().flatMap(capturedIsakmp);
}
