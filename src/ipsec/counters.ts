// Per-SA counters, named after `show crypto ipsec sa` (chapter Examples 13-4 and 13-6):
// "#pkts encaps: 4, #pkts encrypt: 4, #pkts digest 4 / #pkts decaps, decrypt, verify /
// #send errors, #recv errors", plus the replay and integrity failures IOS reports separately.

export interface SaCounters {
  /** Outbound: packets encapsulated, encrypted (cipher not NULL), given an ICV. */
  encaps: number;
  encrypt: number;
  digest: number;
  /** Inbound: packets decapsulated, decrypted, whose ICV verified. */
  decaps: number;
  decrypt: number;
  verify: number;
  sendErrors: number;
  recvErrors: number;
  replayFailures: number;
  integrityFailures: number;
  /** Inbound packets whose inner header did not match the SA's selectors (dropped). */
  selectorFailures: number;
  /** IPComp (RFC 3173) inside ESP: outbound compressed, sent as they were (below the
   * threshold or not smaller), failed; inbound decompressed, failed. */
  compressed: number;
  notCompressed: number;
  comprFailed: number;
  decompressed: number;
  decompressFailed: number;
  /** Protected payload bytes (inner packet for tunnel mode, IP payload for transport). */
  bytes: number;
}

export function newCounters(): SaCounters {
  return {
    encaps: 0,
    encrypt: 0,
    digest: 0,
    decaps: 0,
    decrypt: 0,
    verify: 0,
    sendErrors: 0,
    recvErrors: 0,
    replayFailures: 0,
    integrityFailures: 0,
    selectorFailures: 0,
    compressed: 0,
    notCompressed: 0,
    comprFailed: 0,
    decompressed: 0,
    decompressFailed: 0,
    bytes: 0,
  };
}
