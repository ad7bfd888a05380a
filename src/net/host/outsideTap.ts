// NAT's outside tap on a Linux host: a raw ICMP socket bound to the outside address gets a
// copy of every ICMP packet for it, so echo replies to translated pings come to the gateway
// (the kernel has no use for them). UDP and TCP are not tapped: the kernel would answer their
// replies itself (port unreachable, RST), so there nftables translates.

import type { OutsideTap } from '../types.js';
import { HostRawIpEndpoint } from './raw.js';

const IPPROTO_ICMP = 1;

export function hostOutsideTap(address: string): OutsideTap {
  const raw = new HostRawIpEndpoint(address, [IPPROTO_ICMP]);
  return {
    protocols: [IPPROTO_ICMP],
    onPacket: (handler) => raw.onPacket((packet) => void handler(packet)),
    close: () => raw.close(),
  };
}
