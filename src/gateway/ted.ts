// The gateway's side of Tunnel Endpoint Discovery (src/ike/ted.ts): interesting traffic of a
// `discover` entry becomes a discover request for its destination; TED messages travel as
// forwarded traffic, from the host's address to the destination's (Example 13-26), so they
// leave and arrive through the TUN, not our IKE socket. On Linux, UDP 500 toward a network we
// protect is policy-routed into the TUN (README, "Tunnel Endpoint Discovery"), as IOS takes
// the probe off its crypto map interface.

import { ExchangeType } from '../ike/constants.js';
import type { DiscoverRequest } from '../ike/ted.js';
import type { IkeDatagram } from '../ike/types.js';
import { buildUdpPacket } from '../net/virtual/ip.js';
import { IPPROTO_UDP, ipv4ToText, PacketError, parseIpv4, parseUdp } from '../packet/index.js';
import type { CryptoMapEntry, RouterConfig } from '../policy/model.js';
import type { PolicyRule } from './spdFromConfig.js';

const IKE_PORT = 500;
/** Offset of the exchange type in the ISAKMP header (RFC 2408 §3.1). */
const EXCHANGE_TYPE_OFFSET = 18;

/** A TED message in a packet from the TUN, as the datagram IKE receives; else undefined. */
export function tedDatagram(packet: Uint8Array): IkeDatagram | undefined {
  try {
    const ip = parseIpv4(packet);
    if (ip.protocol !== IPPROTO_UDP) return undefined;
    const udp = parseUdp(ip.payload);
    if (udp.destinationPort !== IKE_PORT || udp.payload[EXCHANGE_TYPE_OFFSET] !== ExchangeType.TED)
      return undefined;
    return {
      srcAddress: ipv4ToText(ip.source),
      srcPort: udp.sourcePort,
      dstAddress: ipv4ToText(ip.destination),
      dstPort: udp.destinationPort,
      data: Uint8Array.from(udp.payload),
    };
  } catch (e) {
    if (e instanceof PacketError) return undefined;
    throw e;
  }
}

/** A transit datagram of IKE's as the IP packet written into the TUN. */
export function transitPacket(d: IkeDatagram): Uint8Array {
  return buildUdpPacket(d.srcAddress, d.dstAddress, d.srcPort, d.dstPort, d.data);
}

/** True for the SPD rule of a `crypto map M N ipsec-isakmp dynamic D discover` template. */
export function isDiscoverRule(policy: PolicyRule | undefined): policy is PolicyRule {
  return policy !== undefined && policy.entry.dynamic?.discover === true && policy.configEntry === undefined;
}

/** The discover request for a packet that hit a discover template's rule. */
export function discoverRequest(
  config: RouterConfig,
  policy: PolicyRule,
  packet: Uint8Array,
): DiscoverRequest | undefined {
  const dynamic = policy.entry.dynamic;
  const template = config.dynamicMaps.find((d) => d.name === dynamic?.name && d.seq === dynamic.seq);
  if (template === undefined || policy.localAddress === undefined) return undefined;
  let source: string;
  let destination: string;
  try {
    const ip = parseIpv4(packet);
    source = ipv4ToText(ip.source);
    destination = ipv4ToText(ip.destination);
  } catch (e) {
    if (e instanceof PacketError) return undefined;
    throw e;
  }
  const cryptoMapEntry: CryptoMapEntry = {
    ...template,
    map: policy.entry.map,
    kind: 'ipsec-isakmp',
    peers: [],
  };
  return {
    cryptoMapEntry,
    selector: policy.rule.selector,
    source,
    destination,
    localAddress: policy.localAddress,
  };
}
