// Runs tshark 4.0 on a capture we wrote (an independent ESP implementation: Wireshark's).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePcap, LINKTYPE_RAW } from '../../src/observe/pcap.js';

export function tsharkMissing(): string | undefined {
  try {
    execFileSync('tshark', ['-v'], { stdio: 'ignore', timeout: 20_000 });
    return undefined;
  } catch {
    return 'tshark is not installed';
  }
}

/** Writes the packets as a LINKTYPE_RAW pcap and returns tshark's field output, one line per frame. */
export function tsharkFields(
  packets: readonly Uint8Array[],
  options: readonly string[],
  fields: readonly string[],
): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-tshark-'));
  try {
    const file = join(dir, 'esp.pcap');
    writeFileSync(
      file,
      encodePcap(
        packets.map((data, i) => ({ time: 1_700_000_000 + i, data })),
        LINKTYPE_RAW,
      ),
    );
    const args = [
      '-r',
      file,
      '-n',
      ...options.flatMap((o) => ['-o', o]),
      '-T',
      'fields',
      '-E',
      'separator=|',
      ...fields.flatMap((f) => ['-e', f]),
    ];
    const out = execFileSync('tshark', args, {
      encoding: 'utf8',
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out
      .trim()
      .split('\n')
      .map((line) => line.split('|'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hexKey(b: Uint8Array | undefined): string {
  return b === undefined || b.length === 0 ? '' : `0x${Buffer.from(b).toString('hex')}`;
}
