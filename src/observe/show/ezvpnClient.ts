// `show crypto ipsec client ezvpn` (the IOS Easy VPN Remote's view) for `typeswan client`: per
// gateway, the state of the tunnel and what Mode Config gave the client: its address and mask,
// DNS and WINS servers, default domain, and the Cisco Unity split tunnel list.

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
  readonly splitInclude: readonly { readonly address: string; readonly mask: string }[];
}

const ORDINAL = ['Primary', 'Secondary'] as const;

function servers(label: string, addresses: readonly string[]): string[] {
  return addresses.map((a, i) => `${label} ${ORDINAL[i] ?? `${i + 1}`}: ${a}`);
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
    if (v.splitInclude.length > 0) {
      lines.push(`Split Tunnel List: ${v.splitInclude.length}`);
      for (const n of v.splitInclude)
        lines.push(
          `       Address    : ${n.address}`,
          `       Mask       : ${n.mask}`,
          '       Protocol   : 0x0',
          '       Source Port: 0',
          '       Dest Port  : 0',
        );
    }
  }
  return `${lines.join('\n')}\n`;
}
