// What every IKE Diffie-Hellman group offers the engine (RFC 2409 §6, RFC 3526, RFC 5903,
// RFC 8031): public values in IKE's KE payload encoding and a shared secret of fixed length.

export type DhKind = 'modp' | 'ecp' | 'curve25519';

export interface DhKeyPair {
  readonly group: number;
  /** The private value (MODP exponent, ECP scalar, X25519 scalar), big-endian for MODP/ECP. */
  readonly privateKey: Uint8Array;
  /** What goes in the KE payload: g^x zero-padded to the prime length, ECP x|y, X25519 u. */
  readonly publicValue: Uint8Array;
}

export interface DhGroup {
  readonly id: number;
  readonly kind: DhKind;
  /** Length of the KE payload's key exchange data, in bytes. */
  readonly publicLength: number;
  /** Length of the shared secret g^xy, in bytes. */
  readonly secretLength: number;
  /** Length of a fresh private value, in bytes (MODP: sized to the group's strength). */
  readonly privateLength: number;
  /** A fresh pair from node's CSPRNG, or the pair of an injected private key (tests). */
  generateKeyPair(privateKey?: Uint8Array): DhKeyPair;
  /** g^xy, zero-padded to secretLength; throws InvalidPublicValueError for a bad peer value. */
  computeSharedSecret(pair: DhKeyPair, peerPublic: Uint8Array): Uint8Array;
  /** Drops what the group keeps of the pair (its native key object) once the pair is wiped. */
  forget(pair: DhKeyPair): void;
}

export function leftPad(value: Uint8Array, length: number): Uint8Array {
  if (value.length >= length) return value;
  const out = new Uint8Array(length);
  out.set(value, length - value.length);
  return out;
}
