// The Cisco Unity split tunnel lists (UNITY_SPLIT_INCLUDE 28676, UNITY_LOCAL_LAN 28678; the
// numbers of strongSwan's attributes.h): networks as address and netmask. Cisco and
// strongSwan's unity plugin put 14-byte entries in one attribute (6 more bytes of protocol and
// ports, zero); strongSwan's vici pools send one 8-byte entry per attribute.

import { ipv4FromText, ipv4ToText } from '../packet/address.js';

export interface UnityNetwork {
  readonly address: string;
  readonly mask: string;
}

/** The networks of a split list value; undefined for a length that fits neither layout. */
export function unitySplitNetworks(bytes: Uint8Array): UnityNetwork[] | undefined {
  if (bytes.length === 0) return undefined;
  const size = bytes.length % 14 === 0 ? 14 : bytes.length % 8 === 0 ? 8 : 0;
  if (size === 0) return undefined;
  const nets: UnityNetwork[] = [];
  for (let i = 0; i < bytes.length; i += size)
    nets.push({ address: ipv4ToText(bytes, i), mask: ipv4ToText(bytes, i + 4) });
  return nets;
}

/**
 * One split list value in the Cisco layout: per network its address, netmask and 6 zero
 * bytes (protocol, source and destination port: any), 14 bytes each.
 */
export function encodeUnitySplit(networks: readonly UnityNetwork[]): Uint8Array {
  const out = new Uint8Array(networks.length * 14);
  networks.forEach((n, i) => {
    out.set(ipv4FromText(n.address), i * 14);
    out.set(ipv4FromText(n.mask), i * 14 + 4);
  });
  return out;
}
