// Examples 13-16 to 13-18 of the chapter ("High-Availability-IPsec-Over-GRE Setup", Figure
// 13-49), verbatim as printed (`write terminal` captures): router1 with a GRE tunnel to each of
// router2 and router3, each tunnel protected in transport mode by the crypto map entry whose
// ACL permits the GRE packets.

/** Example 13-16: router1 (Serial0 172.18.31.1, Tunnel0 to router2, Tunnel1 to router3). */
export const EXAMPLE_13_16_ROUTER1 = `router1#write terminal
Current configuration:
!
version 12.0
service timestamps debug uptime
service timestamps log uptime
!
hostname router1
!
logging buffered 4096 debugging
enable secret 5 <removed>
enable password <removed>
!
clock timezone est 8
ip subnet-zero
!

crypto isakmp policy 10
 authentication pre-share
crypto isakmp key cisco123 address 172.18.45.1
crypto isakmp key cisco345 address 172.18.45.2
!
crypto ipsec transform-set one esp-des esp-md5-hmac
mode transport
!
!Crypto map for router 2
crypto map gre 10 ipsec-isakmp
 set peer 172.18.45.1
 set transform-set one
 match address gre1
!Crypto map for router 3
crypto map gre 20 ipsec-isakmp
 set peer 172.18.45.2
 set transform-set one
 match address gre2
!
!Tunnel to router 1
interface Tunnel0
 ip address 10.4.1.1 255.255.255.0
 tunnel source 172.18.31.1
 tunnel destination 172.18.45.1
 crypto map gre
!
!Tunnel to router 2
interface Tunnel1
 ip address 10.4.2.1 255.255.255.0
 tunnel source 172.18.31.1
 tunnel destination 172.18.45.2
 crypto map gre
!
!
interface Ethernet0
 ip address 10.1.1.1 255.255.255.0
!
interface Serial0
 ip address 172.18.31.1 255.255.255.0
 crypto map gre
!
!
ip classless
ip route 172.18.0.0 255.255.0.0 serial0
!Below is the configuration for GRE used to do the routing over the GRE tunnels
ip eigrp 100
 network 10.0.0.0
!
!
!To reduce the number of access lists, in case a large number of peers are set up,
!a simple GRE any any access list can be used to define the interesting traffic.
!Only one such access list is needed.

ip access-list extended gre1
 permit gre host 172.18.31.1 host 172.18.45.1
!
ip access-list extended gre2
 permit gre host 172.18.31.1 host 172.18.45.2
`;

/** Example 13-17: router2 (Serial0 172.18.45.1, Tunnel0 to router1). */
export const EXAMPLE_13_17_ROUTER2 = `router2#write terminal
Current configuration:
!
version 12.0
service timestamps debug uptime
service timestamps log uptime
!
hostname router2
!
logging buffered 4096 debugging
enable secret 5 <removed>
enable password <removed>
!
clock timezone est 8
ip subnet-zero
!

crypto isakmp policy 10
 authentication pre-share
 crypto isakmp key cisco123 address 172.18.31.1
!  
crypto ipsec transform-set one esp-des esp-md5-hmac  
  mode transport  
!  
crypto map gre 10 ipsec-isakmp  
  set peer 172.18.31.1  
  set transform-set one  
  match address gre1  
!  
!  
interface Tunnel0  
  ip address 10.10.1.1 255.255.255.0  
  tunnel source 172.18.45.1  
  tunnel destination 172.18.31.1  
  crypto map gre  
!  
!  
interface Ethernet0  
  ip address 10.2.1.1 255.255.255.0  
!  
interface Serial0  
  ip address 172.18.45.1 255.255.255.0  
  crypto map gre  
!  
!  
ip classless  
ip route 172.18.0.0 255.255.0.0 serial0  
  
ip eigrp 100  
  network 10.0.0.0  
!  
!  
ip access-list extended gre1  
  permit gre host 172.18.45.1 host 172.18.31.1  
!
`;

/** Example 13-18: router3 (Serial0 172.18.45.2, Tunnel0 to router1). */
export const EXAMPLE_13_18_ROUTER3 = `router3#write terminal  
Current configuration:  
!  
version 12.0  
service timestamps debug uptime  
service timestamps log uptime  
!  
hostname router3  
!  
logging buffered 4096 debugging  
enable secret 5 <removed>  
enable password <removed>
!
clock timezone est 8
ip subnet-zero
!

crypto isakmp policy 10
 authentication pre-share
crypto isakmp key cisco345 address 172.18.31.1

!
crypto ipsec transform-set one esp-des esp-md5-hmac
 mode transport
!
crypto map gre 10 ipsec-isakmp
 set peer 172.18.31.1
 set transform-set one
 match address gre1
!
!
interface Tunnel0
 ip address 10.5.1.1 255.255.255.0
 tunnel source 172.18.45.2
 tunnel destination 172.18.31.1
 crypto map gre
!
!

interface Ethernet0
 ip address 10.3.1.1 255.255.255.0
!
interface Serial0
 ip address 172.18.45.2 255.255.255.0
 crypto map gre
!
!
ip classless
ip route 172.18.0.0 255.255.0.0 serial0

ip eigrp 100
 network 10.0.0.0
!
!
ip access-list extended gre1
 permit gre host 172.18.45.2 host 172.18.31.1
!
`;
