// Encrypted and Authenticated payload SK (46), RFC 7296 §3.14, and its fragment SKF (53),
// RFC 7383 §2.5. The codec keeps the body as bytes (IV | ciphertext | ICV); src/ikev2 opens
// and seals it. SK is always the last payload: its Next Payload names the first payload
// inside, and its body runs to the end of the message.
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Next Payload  |C|  RESERVED   |         Payload Length        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                     Initialization Vector                     |
// ~                    Encrypted IKE Payloads                     ~
// |               |             Padding (0-255 octets)            |
// +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
// |                                               |  Pad Length   |
// ~                    Integrity Checksum Data                    ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export interface EncryptedPayload {
  readonly type: 46;
  /** Type of the first payload inside (the SK payload's Next Payload field). */
  readonly firstInner: number;
  /** IV | ciphertext (with padding and pad length) | ICV. */
  readonly data: Uint8Array;
}
