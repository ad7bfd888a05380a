// Fields every payload object may carry besides its own.
//
// Generic payload header, RFC 2408 §3.2 (written by the chain codec, never by the caller):
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

export interface PayloadBase {
  /** The generic header's RESERVED octet, present only when a peer sent it non-zero. */
  readonly reserved?: number;
}
