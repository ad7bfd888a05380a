// IOS configurations for typeswan in the interop topology.

export interface IosRouter {
  readonly hostname: string;
  readonly lanAddress: string;
  readonly wanAddress: string;
  readonly peer: string;
  /** Address the pre-shared key is bound to (the peer as seen from here, after NAT). */
  readonly keyAddress?: string;
  readonly psk: string;
  /** `crypto isakmp policy 10` body, e.g. `encr aes`, `hash sha`, `group 14`. */
  readonly isakmp?: {
    readonly encr: string;
    readonly hash: string;
    readonly group: number;
    readonly lifetime?: number;
  };
  /** Transform set, e.g. `esp-aes esp-sha-hmac`. */
  readonly transforms: string;
  readonly mode?: 'tunnel' | 'transport';
  readonly pfs?: number;
  readonly lifetimeSeconds?: number;
  /** ACL line after `access-list 101 permit ip`, e.g. `10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255`. */
  readonly acl: string;
  readonly identityHostname?: boolean;
  readonly peerHostname?: string;
}

export function iosConfig(r: IosRouter): string {
  const p = r.isakmp ?? { encr: 'aes', hash: 'sha', group: 14 };
  const key =
    r.identityHostname && r.peerHostname
      ? `crypto isakmp key ${r.psk} hostname ${r.peerHostname}`
      : `crypto isakmp key ${r.psk} address ${r.keyAddress ?? r.peer}`;
  return `hostname ${r.hostname}
${r.identityHostname ? 'ip domain-name lab.example\ncrypto isakmp identity hostname\n' : ''}crypto isakmp policy 10
 encr ${p.encr}
 hash ${p.hash}
 authentication pre-share
 group ${p.group}
${p.lifetime ? ` lifetime ${p.lifetime}\n` : ''}!
${key}
!
crypto ipsec transform-set ts ${r.transforms}
 mode ${r.mode ?? 'tunnel'}
!
crypto map vpn 10 ipsec-isakmp
 set peer ${r.peer}
 set transform-set ts
${r.pfs ? ` set pfs group${r.pfs}\n` : ''}${r.lifetimeSeconds ? ` set security-association lifetime seconds ${r.lifetimeSeconds}\n` : ''} match address 101
!
interface Ethernet0/0
 ip address ${r.lanAddress} 255.255.255.0
!
interface Ethernet1/0
 ip address ${r.wanAddress} 255.255.255.0
 crypto map vpn
!
access-list 101 permit ip ${r.acl}
`;
}
