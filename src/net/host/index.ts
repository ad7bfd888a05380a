// Linux host adapters: UDP 500/4500, raw ESP/AH sockets, the TUN device, interfaces, time.

export { HostUdpEndpoint } from './udp.js';
export { HostRawIpEndpoint, IPPROTO_AH, IPPROTO_ESP, RAW_SOCKET_MARK } from './raw.js';
export { HostTunnel, TUNNEL_TABLE, type HostTunnelOptions } from './tunnel.js';
export { HostTunnelInterface, type TunnelInterfaceOptions } from './tunnelInterface.js';
export { cidrContains, rangeToCidrs } from './cidr.js';
export {
  findInterfaceByAddress,
  forwardingWarning,
  hostIpv4Interfaces,
  parseIpAddrJson,
  ipForwardingEnabled,
  InterfaceNotFoundError,
  IP_FORWARD_PATH,
  type HostInterface,
} from './interfaces.js';
export { HostScheduler, monotonicClock } from './scheduler.js';
export { IpCommandError, runIp } from './ipCommand.js';
export { nativeAddon, NativeAddonMissingError, type NativeAddon } from './native.js';
