// Reads one strongSwan 5.9.8 IKEv2 vector (test/fixtures/strongswan-ikev2/<name>/, made by
// test/interop/ikev2Vector.ts): the IKE datagrams of capture.pcapng, the values charon logged
// at level 4 (SKEYSEED, SK_*, AUTH octets, child keys), and tshark's reading of the capture
// decrypted with those keys. Test helper only.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  captureDatagrams,
  type Datagram,
  parseCharonLog,
  type LogValue,
} from '../../crypto/strongswanVector.js';
import { getCipher, getIntegrity } from '../../../src/crypto/index.js';
import type { SkKeys } from '../../../src/ikev2/protection.js';
import { fixture } from '../../util/fixtures.js';

export const IKEV2_VECTORS = [
  'psk-aes128-sha256-modp2048',
  'psk-aes256gcm16-prfsha384-x25519',
  'psk-aes256-sha512-ecp256',
] as const;

export interface Ikev2Vector {
  readonly name: string;
  readonly dir: string;
  readonly capture: string;
  /** IKE datagrams (non-ESP marker removed), in capture order. */
  readonly datagrams: Datagram[];
  readonly initiatorLog: LogValue[];
  readonly responderLog: LogValue[];
  readonly psk: Uint8Array;
  readonly spiI: string;
  readonly spiR: string;
}

export function loadIkev2Vector(name: string): Ikev2Vector {
  const dir = fixture(join('strongswan-ikev2', name));
  const capture = join(dir, 'capture.pcapng');
  const conf = readFileSync(join(dir, 'r1.swanctl.conf'), 'utf8');
  const psk = /secret = "([^"]+)"/.exec(conf)?.[1];
  if (!psk) throw new Error(`${name}: no PSK in r1.swanctl.conf`);
  const spis = /([0-9a-f]{16})_i\* ([0-9a-f]{16})_r/.exec(readFileSync(join(dir, 'sas.txt'), 'utf8'));
  if (!spis) throw new Error(`${name}: no IKE SPIs in sas.txt`);
  return {
    name,
    dir,
    capture,
    datagrams: captureDatagrams(capture).filter((d) => d.kind === 'isakmp'),
    initiatorLog: parseCharonLog(readFileSync(join(dir, 'initiator.log'), 'utf8')),
    responderLog: parseCharonLog(readFileSync(join(dir, 'responder.log'), 'utf8')),
    psk: new TextEncoder().encode(psk),
    spiI: spis[1] ?? '',
    spiR: spis[2] ?? '',
  };
}

/** Every dump of `label` in a log, in order. */
export function logged(log: readonly LogValue[], label: string): Uint8Array[] {
  return log.filter((v) => v.label === label).map((v) => v.value);
}

/** The first dump of `label`; throws when the log has none. */
export function loggedOnce(log: readonly LogValue[], label: string): Uint8Array {
  const [value] = logged(log, label);
  if (!value) throw new Error(`no "${label}" in the log`);
  return value;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** tshark's names for the IKE SA algorithms, from the proposal charon selected. */
function tsharkAlgorithms(name: string): { encr: string; integ: string } {
  if (name.includes('aes256gcm16'))
    return { encr: 'AES-GCM-256 with 16 octet ICV [RFC5282]', integ: 'NONE [RFC4306]' };
  if (name.includes('aes128-sha256'))
    return { encr: 'AES-CBC-128 [RFC3602]', integ: 'HMAC_SHA2_256_128 [RFC4868]' };
  if (name.includes('aes256-sha512'))
    return { encr: 'AES-CBC-256 [RFC3602]', integ: 'HMAC_SHA2_512_256 [RFC4868]' };
  throw new Error(`no tshark algorithm names for ${name}`);
}

export function tsharkAvailable(): boolean {
  return ['/usr/bin/tshark', '/usr/local/bin/tshark'].some((p) => existsSync(p));
}

/** tshark -T json of the capture, IKE decrypted with the keys the initiator logged. */
export function tsharkJson(v: Ikev2Vector): TsharkPacket[] {
  const log = v.initiatorLog;
  const { encr, integ } = tsharkAlgorithms(v.name);
  const key = (label: string): string =>
    integ.startsWith('NONE') && label.startsWith('Sk_a') ? '' : hex(loggedOnce(log, label));
  // UAT: hex fields bare, enumerations quoted.
  const uat = [
    v.spiI,
    v.spiR,
    key('Sk_ei secret'),
    key('Sk_er secret'),
    `"${encr}"`,
    key('Sk_ai secret'),
    key('Sk_ar secret'),
    `"${integ}"`,
  ].join(',');
  const out = execFileSync(
    'tshark',
    [
      '-r',
      v.capture,
      '-o',
      `uat:ikev2_decryption_table:${uat}`,
      '-T',
      'json',
      '--no-duplicate-keys',
      '-Y',
      'isakmp',
    ],
    {
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  return JSON.parse(out.toString()) as TsharkPacket[];
}

export interface TsharkPacket {
  readonly _source: { readonly layers: Record<string, unknown> };
}

/** Every value of `field` anywhere under `node`, depth first, as tshark printed them. */
export function fieldValues(node: unknown, field: string): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) {
      n.forEach(walk);
      return;
    }
    if (n === null || typeof n !== 'object') return;
    for (const [k, value] of Object.entries(n)) {
      if (k === field) {
        if (typeof value === 'string') out.push(value);
        else if (Array.isArray(value)) for (const x of value) if (typeof x === 'string') out.push(x);
      }
      walk(value);
    }
  };
  walk(node);
  return out;
}

/** The SK keys of one direction, from what the initiator logged; algorithms from the vector's name. */
export function vectorSkKeys(v: Ikev2Vector, fromInitiator: boolean): SkKeys {
  const side = fromInitiator ? 'i' : 'r';
  const encryptionKey = loggedOnce(v.initiatorLog, `Sk_e${side} secret`);
  if (v.name.includes('gcm16')) {
    return {
      cipher: getCipher('aes-gcm-16', 256),
      integrity: undefined,
      encryptionKey,
      integrityKey: new Uint8Array(0),
    };
  }
  const sha512 = v.name.includes('sha512');
  return {
    cipher: getCipher('aes-cbc', sha512 ? 256 : 128),
    integrity: getIntegrity(sha512 ? 'hmac-sha512-256' : 'hmac-sha256-128'),
    encryptionKey,
    integrityKey: loggedOnce(v.initiatorLog, `Sk_a${side} secret`),
  };
}
