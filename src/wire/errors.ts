// The only error the decoders throw. `offset` is the byte offset in the decoded buffer (plus
// the caller's base offset) where the problem was found; `notify` is the RFC 2408 §3.14.1
// notify message type an engine should answer with (PAYLOAD-MALFORMED unless more specific).

export const NOTIFY_PAYLOAD_MALFORMED = 16;

export class DecodeError extends Error {
  constructor(
    /** What is wrong, without the offset. */
    readonly reason: string,
    readonly offset: number,
    readonly notify: number = NOTIFY_PAYLOAD_MALFORMED,
  ) {
    super(`${reason} at offset ${offset}`);
    this.name = 'DecodeError';
  }
}

/** Thrown by encoders for objects that cannot be put on the wire (a caller bug, not peer input). */
export class EncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncodeError';
  }
}
