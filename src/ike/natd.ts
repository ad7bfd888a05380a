// NAT discovery (RFC 3947 §3.2): NAT-D = HASH(CKY-I | CKY-R | IP | Port) with the negotiated
// hash. The first NAT-D names the destination of the packet, the others our own addresses.
// A forced "NAT" (strongSwan's encap=yes) sends a random hash for our side.

import { parseIpv4, parseIpv6 } from '../wire/index.js';
import { hashOf, type HashAlg } from './keys.js';

/** An endpoint address as the 4 or 16 bytes NAT-D and the cookie hash cover. */
export function addressBytes(address: string): Uint8Array {
  return address.includes(':') ? parseIpv6(address) : parseIpv4(address);
}

export function natdHash(
  hash: HashAlg,
  ckyI: Uint8Array,
  ckyR: Uint8Array,
  address: string,
  port: number,
): Uint8Array {
  return hashOf(hash, ckyI, ckyR, addressBytes(address), Uint8Array.of(port >>> 8, port & 0xff));
}

export interface NatdInput {
  readonly hash: HashAlg;
  readonly ckyI: Uint8Array;
  readonly ckyR: Uint8Array;
  readonly localAddress: string;
  readonly localPort: number;
  readonly peerAddress: string;
  readonly peerPort: number;
}

/** [remote, local] hashes for the NAT-D payloads we send. */
export function buildNatd(i: NatdInput, forcedRandom?: Uint8Array): Uint8Array[] {
  const remote = natdHash(i.hash, i.ckyI, i.ckyR, i.peerAddress, i.peerPort);
  const local = forcedRandom
    ? hashOf(i.hash, forcedRandom)
    : natdHash(i.hash, i.ckyI, i.ckyR, i.localAddress, i.localPort);
  return [remote, local];
}

export interface NatdResult {
  readonly localBehindNat: boolean;
  readonly peerBehindNat: boolean;
}

/** `received[0]` is how the peer sees us; the rest are the peer's own addresses. */
export function checkNatd(i: NatdInput, received: readonly Uint8Array[]): NatdResult | undefined {
  const [first, ...rest] = received;
  if (first === undefined || rest.length === 0) return undefined;
  const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));
  const ourView = natdHash(i.hash, i.ckyI, i.ckyR, i.localAddress, i.localPort);
  const peerView = natdHash(i.hash, i.ckyI, i.ckyR, i.peerAddress, i.peerPort);
  return { localBehindNat: !eq(first, ourView), peerBehindNat: !rest.some((h) => eq(h, peerView)) };
}
