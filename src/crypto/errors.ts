// Typed errors of the crypto layer. Callers (the IKE engine, the data plane) turn them into
// the ISAKMP notify the RFC names or a counted drop; they never carry key material.

/** A peer's Diffie-Hellman public value is malformed or outside the group (RFC 2409, RFC 6989). */
export class InvalidPublicValueError extends Error {
  constructor(
    readonly group: number,
    readonly reason: string,
  ) {
    super(`DH group ${group}: invalid peer public value: ${reason}`);
    this.name = 'InvalidPublicValueError';
  }
}

/** A caller passed a key, IV or data length the algorithm cannot take. */
export class CryptoParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CryptoParameterError';
  }
}
