// `show crypto ipsec client ezvpn` (the IOS Easy VPN Remote's view) for `typeswan client`: per
// gateway, the state of the tunnel and what Mode Config gave the client: its address and mask,
// DNS and WINS servers, default domain, and the Cisco Unity split tunnel and local LAN lists.

export interface EzvpnClientView {
  /** The crypto map of the client's one entry. */
  readonly tunnel: string;
  readonly gateway: string;
  /** IPSEC_ACTIVE once IPsec SAs are up with the gateway; else the ISAKMP state. */
  readonly state: string;
  readonly address?: string;
  readonly netmask?: string;
  readonly dns: readonly string[];
  readonly wins: readonly string[];
  readonly domain?: string;
  readonly splitInclude: readonly UnityNetwork[];
  /** Cisco Unity local LAN: kept outside the tunnel. */
  readonly localLan?: readonly UnityNetwork[];
}

type UnityNetwork = { readonly address: string; readonly mask: string };

const ORDINAL = ['Primary', 'Secondary'] as const;

function servers(label: string, addresses: readonly string[]): string[] {
  return addresses.map((a, i) => `${label} ${ORDINAL[i] ?? `${i + 1}`}: ${a}`);
}

function networkList(title: string, networks: readonly UnityNetwork[]): string[] {
  if (networks.length === 0) return [];
  return [
    `${title}: ${networks.length}`,
    ...networks.flatMap((n) => [
      `       Address    : ${n.address}`,
      `       Mask       : ${n.mask}`,
      '       Protocol   : 0x0',
      '       Source Port: 0',
      '       Dest Port  : 0',
    ]),
  ];
}

export function formatEzvpnClient(views: readonly EzvpnClientView[]): string {
  if (views.length === 0) return 'Easy VPN Remote Phase: 2\n\nNo tunnel to a gateway\n';
  const lines = ['Easy VPN Remote Phase: 2'];
  for (const v of views) {
    lines.push(
      '',
      `Tunnel name : ${v.tunnel}`,
      `Gateway: ${v.gateway}`,
      `Current State: ${v.state}`,
      ...(v.address !== undefined ? [`Address: ${v.address}`] : []),
      ...(v.netmask !== undefined ? [`Mask: ${v.netmask}`] : []),
      ...servers('DNS', v.dns),
      ...servers('NBMS/WINS', v.wins),
      ...(v.domain !== undefined ? [`Default Domain: ${v.domain}`] : []),
    );
    lines.push(...networkList('Split Tunnel List', v.splitInclude));
    lines.push(...networkList('Local LAN List', v.localLan ?? []));
  }
  return `${lines.join('\n')}\n`;
}
