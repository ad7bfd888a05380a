// Payloads of a type this codec does not interpret (GDOI 15-19, IKEv2 numbers, private use):
// the body after the generic header is kept as bytes and re-encoded unchanged.

import type { PayloadBase } from './base.js';

export interface UnknownPayload extends PayloadBase {
  readonly type: 'unknown';
  /** The Next Payload number that announced this payload. */
  readonly payloadType: number;
  readonly data: Uint8Array;
}
