// The configurations of the several-peer tests: a hub whose crypto map entry lists two peers
// (`set peer` twice) for 10.2.0.0/16 behind them, and the sites, each protecting its part of
// 10.2.0.0/16 toward the hub's 10.1.0.0/24.

const POLICY = `crypto isakmp policy 10
 encr aes
 hash sha
 authentication pre-share
 group 14
`;

/** The LAN and the WAN interface, which carries the crypto map. */
function interfaces(lan: string, wan: string): string {
  return `interface Ethernet0/0
 ip address ${lan} 255.255.255.0
interface Ethernet1/0
 ip address ${wan} 255.255.255.0
 crypto map vpn
`;
}

export interface HubSettings {
  readonly lan: string;
  readonly wan: string;
  /** In `set peer` order, each with its pre-shared key. */
  readonly peers: readonly { readonly address: string; readonly key: string }[];
  /** Extra global lines, e.g. `crypto isakmp keepalive 10 2`. */
  readonly extra?: string;
}

export function multiPeerHub(h: HubSettings): string {
  return `hostname hub
${POLICY}${h.extra ?? ''}${h.peers.map((p) => `crypto isakmp key ${p.key} address ${p.address}\n`).join('')}crypto ipsec transform-set ts esp-aes esp-sha-hmac
crypto map vpn 10 ipsec-isakmp
${h.peers.map((p) => ` set peer ${p.address}\n`).join('')} set transform-set ts
 match address 101
${interfaces(h.lan, h.wan)}access-list 101 permit ip 10.1.0.0 0.0.0.255 10.2.0.0 0.0.255.255
`;
}

export interface SiteSettings {
  readonly hostname: string;
  readonly lan: string;
  readonly wan: string;
  readonly hub: string;
  readonly key: string;
}

export function multiPeerSite(s: SiteSettings): string {
  return `hostname ${s.hostname}
${POLICY}crypto isakmp key ${s.key} address ${s.hub}
crypto ipsec transform-set ts esp-aes esp-sha-hmac
crypto map vpn 10 ipsec-isakmp
 set peer ${s.hub}
 set transform-set ts
 match address 101
${interfaces(s.lan, s.wan)}access-list 101 permit ip 10.2.0.0 0.0.255.255 10.1.0.0 0.0.0.255
`;
}
