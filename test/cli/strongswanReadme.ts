// Reads the expected values of a strongSwan vector from its README.md (test/fixtures/strongswan-
// ikev1/*/README.md, written from charon's logs and tshark): cookies, Ka, the message flow table,
// the nonce table and the logged IVs. These are another implementation's values, not ours.

import { readFileSync } from 'node:fs';
import { fixture } from '../util/fixtures.js';

export interface FlowRow {
  readonly frame: number;
  readonly direction: 'r1→r2' | 'r2→r1';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly exchange: string;
  readonly messageId: number | undefined;
  readonly encrypted: boolean;
  readonly payloads: readonly string[];
  readonly notes: readonly string[];
}

export interface Vector {
  readonly name: string;
  readonly capture: string;
  readonly icookie: string;
  readonly ka: string;
  /** ISAKMP rows of "Message flow (decrypted capture)" (ESP-in-UDP rows left out). */
  readonly flow: readonly FlowRow[];
  readonly nonces: ReadonlyMap<number, string>;
  /** IVs charon logged, per message ID, in log order (M-ID 0 starts with the initial IV). */
  readonly ivs: ReadonlyMap<number, readonly string[]>;
  /** HASH_I, HASH_R, Hash(1..3) and informational Hash values charon computed, with labels. */
  readonly hashes: readonly { readonly label: string; readonly value: string }[];
}

export const VECTORS = [
  'mm-psk-aes128-sha1-modp2048',
  'mm-psk-3des-md5-modp1024-pfs',
  'am-psk-aes256-sha256-modp2048',
  'mm-psk-xauth-modecfg',
  'mm-rsa-aes128-sha256-modp2048',
  'dpd-delete',
] as const;

function must(match: RegExpMatchArray | null, what: string): RegExpMatchArray {
  if (match === null) throw new Error(`README: ${what} not found`);
  return match;
}

export function readVector(name: string): Vector {
  const text = readFileSync(fixture(`strongswan-ikev1/${name}/README.md`), 'utf8');
  const icookie = must(text.match(/IKE cookies \(CKY-I, CKY-R\) \| `([0-9a-f]{16})`/), 'IKE cookies')[1]!;
  const ka = must(text.match(/encryption key Ka \(\d+ bytes\) = ([0-9a-f]+)/), 'Ka')[1]!;
  const section = (title: string): string => {
    const start = text.indexOf(title);
    if (start < 0) throw new Error(`README: section ${title} not found`);
    const end = text.indexOf('\n## ', start + title.length);
    return text.slice(start, end < 0 ? undefined : end);
  };
  const flow: FlowRow[] = [];
  for (const line of section('## Message flow').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // The flow table has 9 columns; the nonce table below it in the same section has 4.
    if (cells.length !== 11 || !/^\d+$/.test(cells[1] ?? '')) continue;
    const [, frame, , dir, ports, exchange, mid, encrypted, payloads, notes] = cells;
    if (exchange === 'ESP-in-UDP') continue;
    const [srcPort, dstPort] = (ports ?? '').split('→').map(Number);
    flow.push({
      frame: Number(frame),
      direction: dir === 'r1→r2' ? 'r1→r2' : 'r2→r1',
      srcPort: srcPort!,
      dstPort: dstPort!,
      exchange: exchange!,
      messageId: /^\d+$/.test(mid ?? '') ? Number(mid) : undefined,
      encrypted: encrypted === 'yes',
      payloads: (payloads ?? '').split(/\s+/).filter((p) => p !== ''),
      notes: (notes ?? '')
        .split(';')
        .map((n) => n.trim())
        .filter((n) => n !== ''),
    });
  }
  const nonces = new Map<number, string>();
  for (const m of section('Nonces (from the capture').matchAll(
    /^\| (\d+) \|[^|]*\|[^|]*\| `([0-9a-f]+)`/gm,
  )) {
    nonces.set(Number(m[1]), m[2]!);
  }
  const ivs = new Map<number, string[]>();
  const add = (mid: number, iv: string): void => {
    const list = ivs.get(mid) ?? [];
    list.push(iv);
    ivs.set(mid, list);
  };
  add(0, must(text.match(/initial IV \(\d+ bytes\) = ([0-9a-f]+)/), 'initial IV')[1]!);
  for (const m of text.matchAll(/next IV for MID (\d+) \(\d+ bytes\) = ([0-9a-f]+)/g))
    add(Number(m[1]), m[2]!);
  const hashes = [...text.matchAll(/^(HASH_I|HASH_R|Hash\(\d\)|Hash) \(\d+ bytes\) = ([0-9a-f]+)$/gm)].map(
    (m) => ({
      label: m[1]!,
      value: m[2]!,
    }),
  );
  return {
    name,
    hashes,
    capture: fixture(`strongswan-ikev1/${name}/capture.pcapng`),
    icookie,
    ka,
    flow,
    nonces,
    ivs,
  };
}
