// `typeswan client` with `l2tp` (or `--l2tp`): Windows' L2TP/IPsec connection. IPsec transport
// mode protects UDP 1701 between our address and the gateway (main mode, the pre-shared key),
// and inside it our LAC calls the gateway's LNS and PPP authenticates with the username and
// password (CHAP or MS-CHAPv2, as the LNS asks). The IPCP address goes on the TUN, whose routes
// are the remote networks; a refused PPP login or a call cleared by the LNS ends it with exit 1.

import { runIp } from '../net/host/index.js';
import { L2TP_PORT } from '../l2tp/constants.js';
import { CLEARED } from '../l2tp/engine.js';
import { type ClientSettings, ipsecClientConfig } from './client.js';
import { Severity, type DaemonLog } from './daemonLog.js';
import { UsageError } from './errors.js';
import type { GatewayRunHooks } from './start.js';

type Running = NonNullable<GatewayRunHooks['running']>;

/** The IOS configuration of the client's IPsec side: Example 13-23's Windows policy. */
export function l2tpClientRouterConfig(s: ClientSettings & { readonly local: string }): string {
  if (s.group !== undefined)
    throw new UsageError('group: an L2TP client authenticates in PPP, not with a group (aggressive mode)');
  const acl = `access-list 150 permit udp host ${s.local} eq ${L2TP_PORT} host ${s.gateway} eq ${L2TP_PORT}`;
  return ipsecClientConfig(s, [acl], 'transport');
}

/** What `runGateway` needs for an L2TP client: the LAC's settings and what to do once it runs. */
export function l2tpClientHooks(
  settings: ClientSettings & { readonly local: string },
  password: string,
  fail: (reason: string) => void,
): Pick<GatewayRunHooks, 'l2tpClient' | 'running'> {
  return {
    l2tpClient: {
      server: settings.gateway,
      local: settings.local,
      username: settings.username,
      password,
    },
    running: (gateway, tunnel, log) => pppAdapter(gateway, tunnel, log, settings, fail),
  };
}

/**
 * The PPP adapter: once IPCP gives an address, it goes on the TUN and the remote networks are
 * routed into it; a session going down ends the client.
 */
function pppAdapter(
  gateway: Parameters<Running>[0],
  tunnel: Parameters<Running>[1],
  log: DaemonLog,
  settings: ClientSettings,
  fail: (reason: string) => void,
): () => void {
  let address: string | undefined;
  const routes: string[] = [];
  const unsubscribe = gateway.events((e) => {
    if (e.source !== 'gateway' || e.event.type !== 'vpdn') return;
    const down = /VPDN: session down: (.*)$/.exec(e.event.text)?.[1];
    if (down === CLEARED) return;
    if (down !== undefined) {
      fail(`${settings.gateway}: L2TP session down: ${down}`);
      return;
    }
    const peer = gateway.l2tp?.peers()[0];
    if (peer === undefined || address !== undefined) return;
    try {
      runIp(['addr', 'add', `${peer.localAddress}/32`, 'dev', tunnel.name]);
      address = peer.localAddress;
      log.log(
        Severity.notifications,
        `PPP address ${peer.localAddress} on ${tunnel.name} (LNS ${peer.peerAddress})`,
      );
    } catch (error) {
      log.log(Severity.errors, `address ${peer.localAddress} on ${tunnel.name}: ${String(error)}`);
      return;
    }
    for (const cidr of settings.remoteNetworks) {
      try {
        tunnel.addRoute(cidr);
        routes.push(cidr);
        log.log(Severity.informational, `route ${cidr} into ${tunnel.name} added`);
      } catch (error) {
        log.log(Severity.errors, `route ${cidr} into ${tunnel.name}: ${String(error)}`);
      }
    }
  });
  log.log(Severity.notifications, `L2TP: calling ${settings.gateway} as ${settings.username}`);
  return () => {
    unsubscribe();
    for (const cidr of routes) {
      try {
        tunnel.removeRoute(cidr);
      } catch {
        // the device is going anyway
      }
    }
    if (address !== undefined) {
      try {
        runIp(['addr', 'del', `${address}/32`, 'dev', tunnel.name]);
      } catch {
        // the device is going anyway
      }
    }
  };
}
