// Shared builders for the data-plane tests: SAs, SPD rules, packets.

import type { TrafficSelector } from '../../src/policy/model.js';
import { mirrorSelector } from '../../src/policy/selector.js';
import type { EspCipher, IntegrityAlg, IpsecSa } from '../../src/policy/sa.js';
import type { Rng } from '../../src/ipsec/rng.js';
import { buildIpv4 } from '../../src/packet/ipv4.js';
import { buildIcmpEcho } from '../../src/packet/icmp.js';
import { ipv4FromText } from '../../src/packet/address.js';

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/[^0-9a-fA-F]/g, ''), 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export const ANY_TS: TrafficSelector = {
  protocol: 0,
  localStart: '0.0.0.0',
  localEnd: '255.255.255.255',
  localPortStart: 0,
  localPortEnd: 65535,
  remoteStart: '0.0.0.0',
  remoteEnd: '255.255.255.255',
  remotePortStart: 0,
  remotePortEnd: 65535,
};

export const ANY_TS6: TrafficSelector = {
  ...ANY_TS,
  localStart: '::',
  localEnd: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  remoteStart: '::',
  remoteEnd: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
};

export function subnetTs(local: string, remote: string): TrafficSelector {
  const range = (cidr: string): [string, string] => {
    const [a, bits] = cidr.split('/');
    const b = ipv4FromText(a!);
    const n = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
    const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
    const lo = (n & mask) >>> 0;
    const hi = (lo | ~mask) >>> 0;
    const t = (v: number): string => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
    return [t(lo), t(hi)];
  };
  const [ls, le] = range(local);
  const [rs, re] = range(remote);
  return { ...ANY_TS, localStart: ls, localEnd: le, remoteStart: rs, remoteEnd: re };
}

export const reverseTs = mirrorSelector;

export const KEY_BYTES: Record<EspCipher, number> = {
  'des-cbc': 8,
  '3des-cbc': 24,
  'aes-cbc': 16,
  'aes-ctr': 20,
  'aes-gcm-8': 20,
  'aes-gcm-12': 20,
  'aes-gcm-16': 20,
  null: 0,
};

export const INTEG_BYTES: Record<IntegrityAlg, number> = {
  'hmac-md5-96': 16,
  'hmac-sha1-96': 20,
  'hmac-sha256-128': 32,
  'hmac-sha384-192': 48,
  'hmac-sha512-256': 64,
  none: 0,
};

export function keyOf(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed * 13 + 1) & 0xff);
}

/** A matching outbound (for A) / inbound (for B) pair of ESP SAs, A = 192.0.2.1. */
export function espPair(
  cipher: EspCipher,
  integrity: IntegrityAlg,
  options: Partial<IpsecSa> = {},
): { out: IpsecSa; in: IpsecSa } {
  const aead = cipher.startsWith('aes-gcm');
  const base: IpsecSa = {
    protocol: 'esp',
    direction: 'outbound',
    spi: 0x1000,
    mode: 'tunnel',
    source: '192.0.2.1',
    destination: '192.0.2.2',
    cipher,
    cipherKeyBits: 128,
    encryptionKey: keyOf(KEY_BYTES[cipher], 1),
    integrity: aead ? 'none' : integrity,
    integrityKey: aead ? new Uint8Array(0) : keyOf(INTEG_BYTES[integrity], 2),
    selector: options.selector ?? ANY_TS,
    lifetime: { seconds: 3600, kilobytes: 4608000 },
    ...options,
  };
  return {
    out: base,
    in: { ...base, direction: 'inbound', selector: reverseTs(base.selector) },
  };
}

/** An RNG that returns fixed bytes (for vectors with a given IV). */
export function fixedRng(bytes: Uint8Array): Rng {
  return {
    randomBytes: (n) => bytes.slice(0, n),
    fill: (buf) => buf.set(bytes.subarray(0, buf.length)),
  };
}

export function ping(src: string, dst: string, seq = 1, size = 56, df = false): Uint8Array {
  const data = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
  return buildIpv4(
    {
      protocol: 1,
      source: ipv4FromText(src),
      destination: ipv4FromText(dst),
      identification: seq,
      ttl: 64,
      dontFragment: df,
    },
    buildIcmpEcho(true, 0x1234, seq, data),
  );
}
