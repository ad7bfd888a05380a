// Which Linux interface holds a configured IPv4 address, and whether this host forwards IPv4.

import { readFileSync } from 'node:fs';
import { runIp } from './ipCommand.js';

export interface HostInterface {
  /** The Linux name (`eth0`, `r1-wan`). */
  readonly name: string;
  readonly address: string;
  readonly prefixLength: number;
}

export class InterfaceNotFoundError extends Error {
  constructor(
    /** The interface as the configuration names it (`Serial0/0`). */
    readonly configInterface: string,
    readonly address: string,
    readonly available: readonly HostInterface[],
  ) {
    const have = available.map((i) => `${i.name} ${i.address}/${i.prefixLength}`).join(', ') || 'none';
    super(
      `interface ${configInterface} has IPv4 address ${address}, but no Linux interface holds ` +
        `${address} (IPv4 addresses here: ${have})`,
    );
    this.name = 'InterfaceNotFoundError';
  }
}

/**
 * Every IPv4 address of this network namespace, loopback excluded, from `ip -j -4 addr`.
 * (os.networkInterfaces() would hide interfaces that are not yet RUNNING: a veth that has
 * just come up stays without IFF_RUNNING until the kernel's link watch runs, up to a second.)
 */
export function hostIpv4Interfaces(): HostInterface[] {
  return parseIpAddrJson(runIp(['-j', '-4', 'addr', 'show']));
}

/** Parses `ip -j -4 addr show` output. */
export function parseIpAddrJson(text: string): HostInterface[] {
  const result: HostInterface[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return result;
  }
  if (!Array.isArray(parsed)) return result;
  for (const link of parsed as unknown[]) {
    if (typeof link !== 'object' || link === null) continue;
    const record = link as Record<string, unknown>;
    const name = record['ifname'];
    const infos = record['addr_info'];
    if (typeof name !== 'string' || name === 'lo' || !Array.isArray(infos)) continue;
    for (const info of infos as unknown[]) {
      if (typeof info !== 'object' || info === null) continue;
      const entry = info as Record<string, unknown>;
      if (entry['family'] !== 'inet' || typeof entry['local'] !== 'string') continue;
      const prefixLength = typeof entry['prefixlen'] === 'number' ? entry['prefixlen'] : 32;
      result.push({ name, address: entry['local'], prefixLength });
    }
  }
  return result;
}

/** The Linux interface holding `address`; throws `InterfaceNotFoundError` naming both when none does. */
export function findInterfaceByAddress(configInterface: string, address: string): HostInterface {
  const all = hostIpv4Interfaces();
  const found = all.find((i) => i.address === address);
  if (!found) throw new InterfaceNotFoundError(configInterface, address, all);
  return found;
}

export const IP_FORWARD_PATH = '/proc/sys/net/ipv4/ip_forward';

/** True when the kernel forwards IPv4 (needed to carry traffic between the LAN and the TUN). */
export function ipForwardingEnabled(path: string = IP_FORWARD_PATH): boolean {
  try {
    return readFileSync(path, 'utf8').trim() !== '0';
  } catch {
    return false;
  }
}

/** The warning to print when forwarding is off, or undefined when it is on. */
export function forwardingWarning(path: string = IP_FORWARD_PATH): string | undefined {
  if (ipForwardingEnabled(path)) return undefined;
  return (
    `IPv4 forwarding is off (${path} is 0): only traffic from this host itself will use the ` +
    'tunnels; enable it with `sysctl -w net.ipv4.ip_forward=1`'
  );
}
