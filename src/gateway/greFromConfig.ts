// The GRE tunnel interfaces of a configuration, as the data plane runs them: `tunnel source`
// resolved to an address, and the tunnel MTU (`ip mtu`, else what fits a 1500-byte path after
// the outer IPv4 header, GRE and, when a crypto map protects it, the largest ESP overhead).

import { ipv4TextToNumber, netmaskPrefix, parseIpv4Text } from '../packet/address.js';
import { GRE_IPV4_OVERHEAD, type GreTunnelSpec } from '../ipsec/gre.js';
import { findInterface, isGreIp, isTunnelInterface } from '../policy/cryptoMap.js';
import type { Interface, RouterConfig } from '../policy/model.js';

/** Path MTU the tunnels assume for their outer packets. */
export const PHYSICAL_MTU = 1500;
/**
 * ESP's worst case around a transport-mode payload: UDP encapsulation 8, SPI and sequence 8,
 * a 16-byte IV, 15 bytes of padding, pad length and next header 2, a 16-byte ICV.
 */
export const ESP_MAX_OVERHEAD = 8 + 8 + 16 + 15 + 2 + 16;

/** The MTU of a GRE tunnel interface (what the TUN device gets, and `show interfaces`). */
export function greTunnelMtu(i: Interface): number {
  if (i.ipMtu !== undefined) return i.ipMtu;
  const options = [i.tunnel?.key !== undefined, i.tunnel?.sequenceDatagrams, i.tunnel?.checksum];
  const gre = GRE_IPV4_OVERHEAD + 4 * options.filter((o) => o === true).length;
  return PHYSICAL_MTU - gre - (i.cryptoMap !== undefined ? ESP_MAX_OVERHEAD : 0);
}

/** Why `i` cannot run as a GRE tunnel (undefined when it can). */
export function greTunnelProblem(config: RouterConfig, i: Interface): string | undefined {
  if (!isGreIp(i)) return `tunnel mode ${i.tunnel?.mode ?? ''} is not supported (only gre ip)`;
  if (i.tunnel?.destination === undefined) return 'no tunnel destination';
  if (i.tunnel.source === undefined) return 'no tunnel source';
  if (tunnelSource(config, i) === undefined) return `tunnel source ${i.tunnel.source} has no address`;
  return undefined;
}

function tunnelSource(config: RouterConfig, i: Interface): string | undefined {
  const source = i.tunnel?.source;
  if (source === undefined) return undefined;
  return parseIpv4Text(source) !== undefined ? source : findInterface(config, source)?.address;
}

/** Every tunnel interface that can run, in configuration order. */
export function greTunnelSpecs(config: RouterConfig): GreTunnelSpec[] {
  const out: GreTunnelSpec[] = [];
  for (const i of config.interfaces) {
    if (!isTunnelInterface(i) || greTunnelProblem(config, i) !== undefined) continue;
    const source = tunnelSource(config, i);
    const destination = i.tunnel?.destination;
    if (source === undefined || destination === undefined) continue;
    out.push({
      name: i.name,
      source,
      destination,
      ...(i.address !== undefined ? { address: i.address } : {}),
      ...(i.tunnel?.key !== undefined ? { key: i.tunnel.key } : {}),
      ...(i.tunnel?.sequenceDatagrams === true ? { sequenceDatagrams: true } : {}),
      ...(i.tunnel?.checksum === true ? { checksum: true } : {}),
      ...(i.keepalive !== undefined ? { keepalive: i.keepalive } : {}),
      mtu: greTunnelMtu(i),
      ...(i.tcpAdjustMss !== undefined ? { tcpAdjustMss: i.tcpAdjustMss } : {}),
      ...(i.shutdown ? { shutdown: true } : {}),
    });
  }
  return out;
}

/** What a host needs to make one tunnel interface a device: its address and its `ip route`s. */
export interface TunnelDeviceSettings {
  readonly name: string;
  readonly mtu: number;
  /** `ip address A M` as `A/LEN` (undefined: no address). */
  readonly address?: string;
  /** `ip route N M TunnelX [D]`: `N/LEN` and the distance as the route's metric. */
  readonly routes: readonly { readonly destination: string; readonly metric: number }[];
}

/** The devices a host opens for `config`'s runnable tunnel interfaces (greTunnelSpecs' order). */
export function tunnelDeviceSettings(config: RouterConfig): TunnelDeviceSettings[] {
  return greTunnelSpecs(config).map((spec) => {
    const i = findInterface(config, spec.name);
    const length = i?.netmask === undefined ? undefined : prefixLength(i.netmask);
    const routes = (config.staticRoutes ?? [])
      .filter((r) => r.interface !== undefined && r.interface.toLowerCase() === spec.name.toLowerCase())
      .flatMap((r) => {
        const prefix = prefixLength(r.mask);
        return prefix === undefined ? [] : [{ destination: `${r.network}/${prefix}`, metric: r.distance }];
      });
    return {
      name: spec.name,
      mtu: spec.mtu,
      ...(spec.address !== undefined && length !== undefined ? { address: `${spec.address}/${length}` } : {}),
      routes,
    };
  });
}

function prefixLength(netmask: string): number | undefined {
  const mask = ipv4TextToNumber(netmask);
  return mask === undefined ? undefined : netmaskPrefix(mask);
}
