// A minimal IOS configuration: one crypto map entry toward PEER whose ACL is 101.

export const PEER = '172.16.172.20';

export function cryptoMapConfig(aclLines: string): string {
  return `hostname r1
crypto isakmp policy 10
 authentication pre-share
crypto isakmp key k address ${PEER}
crypto ipsec transform-set myset esp-3des esp-md5-hmac
crypto map vpn 10 ipsec-isakmp
 set peer ${PEER}
 set transform-set myset
 match address 101
interface Ethernet1/0
 ip address 172.16.172.10 255.255.255.0
 crypto map vpn
${aclLines}`;
}
