// IKEv1 fragment payload (type 132), the Cisco-defined format strongSwan and racoon also use,
// announced by the FRAGMENTATION vendor ID (4048b7d56ebce88525e7de7f00d6c2d3 + capabilities).
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ! Next Payload  !   RESERVED    !         Payload Length        !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// !          Fragment ID          !  Fragment #   !     Flags     !
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// ~                         Fragment Data                         ~
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Flags bit 0 (value 1) marks the last fragment.

import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { PayloadBase } from './base.js';

export const FRAGMENT_LAST = 0x01;

export interface FragmentPayload extends PayloadBase {
  readonly type: 132;
  readonly fragmentId: number;
  readonly fragmentNumber: number;
  readonly flags: number;
  readonly data: Uint8Array;
}

export function decodeFragment(r: Reader): FragmentPayload {
  const fragmentId = r.u16('fragment id');
  const fragmentNumber = r.u8('fragment number');
  const flags = r.u8('fragment flags');
  return { type: 132, fragmentId, fragmentNumber, flags, data: r.rest() };
}

export function encodeFragment(w: Writer, p: FragmentPayload): void {
  w.u16(p.fragmentId).u8(p.fragmentNumber).u8(p.flags).bytes(p.data);
}
