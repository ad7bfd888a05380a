// The Concentrator of Example 13-19 as the remote-access interop tests run it: the wildcard key,
// `aaa authentication login xauth local` with local users, the dynamic map, Mode Config
// `initiate` + `respond` and the pool. AES/SHA-1/group 14 instead of DES/MD5/group 1 (Debian's
// strongSwan has no DES), and the lab's addresses.

import { ADDR } from './harness.js';

export const GROUP_KEY = 'cisco123';

export const CONCENTRATOR = `hostname Concentrator
aaa new-model
aaa authentication login xauth local
username ciscouser password 0 cisco1234
username other password 0 right-pass
crypto isakmp policy 10
 encryption aes
 hash sha
 authentication pre-share
 group 14
crypto isakmp key ${GROUP_KEY} address 0.0.0.0
crypto isakmp client configuration address-pool local mypool
crypto map REMOTEACCESS client authentication list xauth
crypto ipsec transform-set RTP-TRANSFORM esp-aes esp-sha-hmac
crypto dynamic-map vpn 1
 set transform-set RTP-TRANSFORM
crypto map REMOTEACCESS client configuration address initiate
crypto map REMOTEACCESS client configuration address respond
crypto map REMOTEACCESS 1 ipsec-isakmp dynamic vpn
interface Ethernet0/0
 ip address ${ADDR.r1Wan} 255.255.255.0
 crypto map REMOTEACCESS
interface Ethernet0/1
 ip address ${ADDR.r1Lan} 255.255.255.0
ip local pool mypool 10.1.10.1 10.1.10.254
`;
