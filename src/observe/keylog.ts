// The `--keylog FILE` writer: for every SA, a line tshark 4.0 takes as is with `-o LINE`
// (the same record syntax its UAT files use):
//   uat:ikev1_decryption_table:<initiator cookie hex>,<encryption key hex>
//   uat:ikev2_decryption_table:<SPIi>,<SPIr>,<SK_ei>,<SK_er>,"<cipher>",<SK_ai>,<SK_ar>,"<integrity>"
//   uat:esp_sa:"IPv4","<src>","<dst>","0x<spi>","<cipher>","0x<key>","<integrity>","0x<key>"
// Off unless the user asks; the file is created mode 0600 and only ever appended to.
// Hex-bytes fields stay unquoted: quoted, tshark rejects the cookie ("must be 8 octets").

import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import type { Ikev2SaKeys } from '../ikev2/engine.js';
import type { EspCipher, IntegrityAlg, IpsecSa } from '../policy/sa.js';

/** Wireshark 4.0's names for ESP encryption algorithms (packet-ipsec.c, esp_encryption_type_vals). */
export function tsharkEspCipherName(cipher: EspCipher): string {
  switch (cipher) {
    case 'null':
      return 'NULL';
    case 'des-cbc':
      return 'DES-CBC [RFC2405]';
    case '3des-cbc':
      return 'TripleDES-CBC [RFC2451]';
    case 'aes-cbc':
      return 'AES-CBC [RFC3602]';
    case 'aes-ctr':
      return 'AES-CTR [RFC3686]';
    case 'aes-gcm-8':
      return 'AES-GCM with 8 octet ICV [RFC4106]';
    case 'aes-gcm-12':
      return 'AES-GCM with 12 octet ICV [RFC4106]';
    case 'aes-gcm-16':
      return 'AES-GCM with 16 octet ICV [RFC4106]';
  }
}

/** Wireshark 4.0's names for ESP integrity algorithms (esp_authentication_type_vals). */
export function tsharkEspIntegrityName(integrity: IntegrityAlg): string {
  switch (integrity) {
    case 'none':
      return 'NULL';
    case 'hmac-md5-96':
      return 'HMAC-MD5-96 [RFC2403]';
    case 'hmac-sha1-96':
      return 'HMAC-SHA-1-96 [RFC2404]';
    case 'hmac-sha256-128':
      return 'HMAC-SHA-256-128 [RFC4868]';
    case 'hmac-sha384-192':
      return 'HMAC-SHA-384-192 [RFC4868]';
    case 'hmac-sha512-256':
      return 'HMAC-SHA-512-256 [RFC4868]';
  }
}

const hex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** `uat:ikev1_decryption_table:<icookie>,<Ka>` for one IKE SA (Ka: the phase 1 encryption key). */
export function ikev1DecryptionLine(initiatorCookie: Uint8Array, encryptionKey: Uint8Array): string {
  return `uat:ikev1_decryption_table:${hex(initiatorCookie)},${hex(encryptionKey)}`;
}

/**
 * `uat:esp_sa:...` for one ESP SA (outer addresses as they leave/arrive at this host; for GCM
 * and CTR the key carries its 4-byte salt/nonce, as tshark wants). AH SAs have no line:
 * tshark dissects AH without keys.
 */
export function espSaLine(sa: IpsecSa): string | undefined {
  if (sa.protocol !== 'esp') return undefined;
  const cipher = sa.cipher ?? 'null';
  const key = sa.encryptionKey && sa.encryptionKey.length > 0 ? `0x${hex(sa.encryptionKey)}` : '';
  const integrityKey = sa.integrityKey && sa.integrityKey.length > 0 ? `0x${hex(sa.integrityKey)}` : '';
  const spi = `0x${(sa.spi >>> 0).toString(16).padStart(8, '0')}`;
  const fields = [
    'IPv4',
    sa.source,
    sa.destination,
    spi,
    tsharkEspCipherName(cipher),
    key,
    tsharkEspIntegrityName(sa.integrity),
    integrityKey,
  ];
  return `uat:esp_sa:${fields.map((f) => `"${f}"`).join(',')}`;
}

/** Wireshark 4.0's IKEv2 encryption names (packet-isakmp.c, ikev2_encr_algs). */
function tsharkIkev2CipherName(cipher: EspCipher, keyBits: number): string {
  switch (cipher) {
    case 'aes-cbc':
      return `AES-CBC-${keyBits} [RFC3602]`;
    case 'aes-ctr':
      return `AES-CTR-${keyBits} [RFC5930]`;
    case 'aes-gcm-8':
    case 'aes-gcm-12':
    case 'aes-gcm-16':
      return `AES-GCM-${keyBits} with ${cipher.slice(8)} octet ICV [RFC5282]`;
    case '3des-cbc':
      return '3DES [RFC2451]';
    case 'des-cbc':
    case 'null':
      return 'NULL [RFC2410]';
  }
}

/** Wireshark 4.0's IKEv2 integrity names (ikev2_auth_algs). */
function tsharkIkev2IntegrityName(integrity: IntegrityAlg): string {
  switch (integrity) {
    case 'none':
      return 'NONE [RFC4306]';
    case 'hmac-md5-96':
      return 'HMAC_MD5_96 [RFC2403]';
    case 'hmac-sha1-96':
      return 'HMAC_SHA1_96 [RFC2404]';
    case 'hmac-sha256-128':
      return 'HMAC_SHA2_256_128 [RFC4868]';
    case 'hmac-sha384-192':
      return 'HMAC_SHA2_384_192 [RFC4868]';
    case 'hmac-sha512-256':
      return 'HMAC_SHA2_512_256 [RFC4868]';
  }
}

/** `uat:ikev2_decryption_table:SPIi,SPIr,SK_ei,SK_er,"cipher",SK_ai,SK_ar,"integrity"` (hex bare, names quoted). */
export function ikev2DecryptionLine(k: Ikev2SaKeys): string {
  const fields = [
    hex(k.spiI),
    hex(k.spiR),
    hex(k.ei),
    hex(k.er),
    `"${tsharkIkev2CipherName(k.cipher, k.keyBits)}"`,
    hex(k.ai),
    hex(k.ar),
    `"${tsharkIkev2IntegrityName(k.integrity)}"`,
  ];
  return `uat:ikev2_decryption_table:${fields.join(',')}`;
}

/** What the gateway reports when an IKE SA has its keys (after main mode 3/4 or aggressive 1/2). */
export interface IkeSaKeys {
  readonly initiatorCookie: Uint8Array;
  /** The phase 1 encryption key as used by the cipher (RFC 2409 App. B expanded when needed). */
  readonly encryptionKey: Uint8Array;
}

export interface KeylogWriter {
  readonly path: string;
  /** Called when an IKE SA has derived its keys. */
  ikeSa(keys: IkeSaKeys): void;
  /** Called when an IKEv2 SA has derived its keys (after IKE_SA_INIT). */
  ikev2Sa(keys: Ikev2SaKeys): void;
  /** Called for each installed IPsec SA (both directions; AH is skipped). */
  ipsecSa(sa: IpsecSa): void;
  close(): void;
}

/** Opens (creating with mode 0600, else appending to) a key log. Throws on an unwritable path. */
export function openKeylog(path: string): KeylogWriter {
  const fd = openSync(path, 'a', 0o600);
  // An existing file keeps its contents, but never stays readable by others.
  fchmodSync(fd, 0o600);
  let open = true;
  const seen = new Set<string>();
  const append = (line: string): void => {
    // One SA can be reported twice (retransmits, both directions): write each line once.
    if (!open || seen.has(line)) return;
    seen.add(line);
    writeSync(fd, `${line}\n`);
  };
  return {
    path,
    ikeSa: (keys) => append(ikev1DecryptionLine(keys.initiatorCookie, keys.encryptionKey)),
    ikev2Sa: (keys) => append(ikev2DecryptionLine(keys)),
    ipsecSa: (sa) => {
      const line = espSaLine(sa);
      if (line !== undefined) append(line);
    },
    close: () => {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
