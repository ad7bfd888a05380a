// The Cisco Unity local LAN (UNITY_LOCAL_LAN) for `typeswan client`: the networks whose
// traffic stays outside the tunnel. 0.0.0.0/255.255.255.255 is the Cisco VPN Client's way of
// saying "the LAN the client is on" (an ASA's `access-list L standard permit host 0.0.0.0`):
// it stands for the host's directly connected networks, the TUN's own excepted.

import { runIp } from '../net/host/index.js';

/** UNITY_LOCAL_LAN 0.0.0.0 mask 255.255.255.255: the client's own LAN. */
export const OWN_LAN = '0.0.0.0/32';

/** The directly connected IPv4 networks (`ip route show scope link`) of `lines`, `device` excepted. */
export function connectedNetworks(lines: string, device: string): string[] {
  const out: string[] = [];
  for (const line of lines.split('\n')) {
    const [destination = '', ...rest] = line.trim().split(/\s+/);
    const dev = rest[rest.indexOf('dev') + 1];
    if (!destination.includes('/') || rest.indexOf('dev') < 0 || dev === device) continue;
    if (!out.includes(destination)) out.push(destination);
  }
  return out;
}

/** The gateway's local LAN list with OWN_LAN replaced by `connected()` (asked only if needed). */
export function localLanNetworks(received: readonly string[], connected: () => readonly string[]): string[] {
  const out: string[] = [];
  for (const cidr of received)
    for (const n of cidr === OWN_LAN ? connected() : [cidr]) if (!out.includes(n)) out.push(n);
  return out;
}

/** The host's connected networks but the TUN's, from the kernel. */
export function hostConnectedNetworks(tunnel: string): string[] {
  return connectedNetworks(runIp(['-4', 'route', 'show', 'table', 'main', 'scope', 'link']), tunnel);
}
