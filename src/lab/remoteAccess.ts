// Remote access in the lab (Examples 13-19 to 13-21). A VPN client is a router of the scenario
// whose IKE engine is the client side of XAUTH and Mode Config (src/ike/remoteAccess.ts), as
// `typeswan client` runs it: it connects when the lab starts, answers XAUTH with its user's
// password and pulls its address; the lab then gives the client's host that address (as the
// client puts it on its TUN), and the host's pings go from it. The lab has no RADIUS or
// TACACS+ server: the `group` methods of XAUTH's login lists (Example 13-21's `aaa-server
// myserver`) are answered from the scenario's `aaaUsers`, a stand-in for the chapter's server
// with the same constant-time check as the `local` method.

import { localMethod, type ServerGroupFactories } from '../aaa/index.js';
import type { RemoteAccessClient } from '../ike/types.js';
import type { LocalUser, RouterConfig } from '../policy/model.js';

export interface LabVpnClient {
  /** The scenario's router that is the VPN client. */
  readonly router: number;
  readonly username: string;
  readonly password: string;
}

export interface LabRemoteAccess {
  readonly clients: readonly LabVpnClient[];
  /** The users the lab's stand-in AAA server knows (every `group` login method asks it). */
  readonly aaaUsers?: readonly LocalUser[];
}

/** The client side of phase 1.5 for router `router`, if it is one of the scenario's VPN clients. */
export function vpnClientOf(ra: LabRemoteAccess | undefined, router: number): RemoteAccessClient | undefined {
  const client = ra?.clients.find((c) => c.router === router);
  if (client === undefined) return undefined;
  return {
    credentials: () => ({ username: client.username, password: client.password }),
    modeConfig: 'pull',
  };
}

/** `group NAME` methods answered from `users`, named as IOS prints the group. */
export function labAaa(users: readonly LocalUser[]): ServerGroupFactories {
  const check = localMethod(users);
  return {
    serverGroup: (_config, group) => ({
      name: `group ${group}`,
      authenticate: (username, password) => check.authenticate(username, password),
    }),
  };
}

/** The gateway a VPN client's configuration connects to: its first crypto map entry's peer. */
export function gatewayOf(config: RouterConfig): string | undefined {
  return config.cryptoMaps.find((e) => e.peers.length > 0)?.peers[0];
}
