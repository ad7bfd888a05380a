// NAT detection, RFC 7296 §2.23: NAT_DETECTION_SOURCE_IP / _DESTINATION_IP carry
// SHA-1(SPIi | SPIr | IP address | port). A hash that does not match the addresses we see means
// a NAT (or a peer faking one, as strongSwan's userspace ESP does): IKE moves to UDP 4500 from
// IKE_AUTH on, and ESP is UDP-encapsulated (RFC 3948).

import { hashOf } from '../crypto/index.js';
import { addressFromText, bytesEqual } from '../packet/address.js';
import { findNotify, type Ikev2Payload, Notify, notify, type NotifyPayload } from '../wire/ikev2/index.js';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export function natdHash(spiI: Uint8Array, spiR: Uint8Array, at: Endpoint): Uint8Array {
  const port = Uint8Array.of(at.port >>> 8, at.port & 0xff);
  return hashOf('sha1', spiI, spiR, addressFromText(at.address), port);
}

/** Our two NAT detection notifies for a message from `source` to `destination`. */
export function natdNotifies(
  spiI: Uint8Array,
  spiR: Uint8Array,
  source: Endpoint,
  destination: Endpoint,
): NotifyPayload[] {
  return [
    notify(Notify.NAT_DETECTION_SOURCE_IP, natdHash(spiI, spiR, source)),
    notify(Notify.NAT_DETECTION_DESTINATION_IP, natdHash(spiI, spiR, destination)),
  ];
}

export interface NatResult {
  /** The peer supports NAT detection (sent the notifies). */
  readonly supported: boolean;
  /** We are behind a NAT: the peer saw another source for us. */
  readonly local: boolean;
  /** The peer is behind a NAT (or says so). */
  readonly remote: boolean;
}

/** Reads the peer's NAT detection notifies of a message it sent from `source` to `destination` (ours). */
export function detectNat(
  payloads: readonly Ikev2Payload[],
  spiI: Uint8Array,
  spiR: Uint8Array,
  source: Endpoint,
  destination: Endpoint,
): NatResult {
  const dst = findNotify(payloads, Notify.NAT_DETECTION_DESTINATION_IP);
  const sources = payloads.filter(
    (p): p is NotifyPayload => p.type === 41 && p.notifyType === Notify.NAT_DETECTION_SOURCE_IP,
  );
  if (!dst || sources.length === 0) return { supported: false, local: false, remote: false };
  const expectedSource = natdHash(spiI, spiR, source);
  return {
    supported: true,
    local: !bytesEqual(dst.data, natdHash(spiI, spiR, destination)),
    remote: !sources.some((s) => bytesEqual(s.data, expectedSource)),
  };
}
