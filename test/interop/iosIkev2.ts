// IOS 15 IKEv2 configurations for typeswan in the interop topology (r1 side by default).

export interface IosIkev2Router {
  readonly hostname: string;
  readonly lanAddress: string;
  readonly wanAddress: string;
  readonly peer: string;
  readonly psk: string;
  /** `crypto ikev2 proposal` lines, e.g. `encryption aes-cbc-256`, `integrity sha256`, `group 14`. */
  readonly proposal: readonly string[];
  /** Transform set, e.g. `esp-aes 256 esp-sha256-hmac`. */
  readonly transforms: string;
  /** ACL line after `access-list 101 permit ip`. */
  readonly acl: string;
  /** `identity local ...` (default: the address) and what `match identity remote` names. */
  readonly localIdentity?: string;
  readonly remoteIdentity?: string;
}

export function iosIkev2Config(r: IosIkev2Router): string {
  return `hostname ${r.hostname}
!
crypto ikev2 proposal PROP
${r.proposal.map((l) => ` ${l}`).join('\n')}
!
crypto ikev2 policy POL
 proposal PROP
!
crypto ikev2 keyring KR
 peer PEER
  address ${r.peer}
  pre-shared-key ${r.psk}
!
crypto ikev2 profile PROF
 match identity remote ${r.remoteIdentity ?? `address ${r.peer} 255.255.255.255`}
${r.localIdentity ? ` identity local ${r.localIdentity}\n` : ''} authentication local pre-share
 authentication remote pre-share
 keyring local KR
!
crypto ipsec transform-set ts ${r.transforms}
 mode tunnel
!
crypto map vpn 10 ipsec-isakmp
 set peer ${r.peer}
 set transform-set ts
 set ikev2-profile PROF
 match address 101
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
