// Examples 13-13 to 13-15 of the chapter ("One-to-Many Router IPsec", Figure 13-48), verbatim
// as printed (`write terminal` captures). Router3's printed configuration uses the transform
// sets `encrypt-des` and `1600_box` without defining them (the book stripped those lines); the
// lab appends the two definitions its peers use (esp-des esp-sha-hmac), see ROUTER3_REPAIR.

/** Example 13-13: router1 (Serial0 100.232.202.210/30, FastEthernet0 192.168.1.1/24). */
export const EXAMPLE_13_13_ROUTER1 = `router1#write terminal
Building configuration...
Current configuration:
!
version 12.0
service timestamps debug uptime
service timestamps log uptime
!
hostname router1
!
logging buffered 4096 debugging
enable password
!
clock timezone est 8
ip subnet-zero
!
crypto isakmp policy 4
  authentication pre-share
crypto isakmp key xxxxxx1234 address 100.228.202.154
crypto isakmp key xxxxxx5678 address 200.154.17.130
!
!
crypto ipsec transform-set encrypt-des esp-des esp-sha-hmac
!
!
crypto map combined local-address Serial0

!Instance 20 of the crypto map below is used for the first peer, and instance 30
!is for the second peer. The router uses whichever instance of the crypto map has
!the access list matching the traffic coming through.
crypto map combined 20 ipsec-isakmp
  set peer 100.228.202.154
  set transform-set encrypt-des
  match address 106
crypto map combined 30 ipsec-isakmp
  set peer 200.154.17.130
  set transform-set encrypt-des
  match address 105
!
!
interface Serial0
  ip address 100.232.202.210 255.255.255.252
  no ip directed-broadcast
  ip nat outside
  no ip route-cache
  no ip mroute-cache
  no fair-queue
  no cdp enable
  crypto map combined
!
interface FastEthernet0
  ip address 192.168.1.1 255.255.255.0
  no ip directed-broadcast
  ip nat inside
  no cdp enable
!
!
ip nat inside source route-map nonat interface Serial0 overload
ip classless
ip route 0.0.0.0 0.0.0.0 100.232.202.209
ip route 192.168.2.0 255.255.255.0 100.232.202.209
ip route 192.168.3.0 255.255.255.0 100.232.202.209
no ip http server
!
access-list 105 permit ip 192.168.1.0 0.0.0.255 192.168.3.0 0.0.0.255
access-list 106 permit ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255
access-list 150 deny ip 192.168.1.0 0.0.0.255 192.168.2.0 0.0.0.255
access-list 150 deny ip 192.168.1.0 0.0.0.255 192.168.3.0 0.0.0.255
access-list 150 permit ip 192.168.1.0 0.0.0.255 any
no cdp run
route-map nonat permit 10
  match ip address 150
!
!
line con 0
  transport input none
line aux 0
  password 7 aaaaaaa
  login local
  modem InOut
  transport input all
  speed 38400
  flowcontrol hardware
line vty 0 4
  exec-timeout 30 0
  password aaaaaa
  login
!
end
`;

/** Example 13-14: router2 (Ethernet1 200.154.17.130/27, Ethernet0 192.168.3.1/24). */
export const EXAMPLE_13_14_ROUTER2 = `router2#write terminal
Current configuration:
!
version 12.0
service timestamps debug uptime
service timestamps log uptime
service password-encryption
!
hostname router2
!
enable secret 5 <removed>
enable password 7 <removed>
!
clock timezone EST 8
ip subnet-zero
!
crypto isakmp policy 4
  authentication pre-share
crypto isakmp key xxxxxx101112 address 100.228.202.154
crypto isakmp key xxxxxx5678 address 100.232.202.210
!
!
crypto ipsec transform-set 1600_box esp-des esp-sha-hmac
!
!
crypto map combined local-address Ethernet1
crypto map combined 7 ipsec-isakmp
  set peer 100.232.202.210
  set transform-set 1600_box
  match address 105
crypto map combined 8 ipsec-isakmp
  set peer 100.228.202.154
  set transform-set 1600_box
  match address 106
!
!
!
interface Ethernet0
  ip address 192.168.3.1 255.255.255.0
  no ip directed-broadcast
  ip nat inside
!
interface Ethernet1
  ip address 200.154.17.130 255.255.255.224
  no ip directed-broadcast
  ip nat outside
  crypto map combined
!
ip nat inside source route-map nonat interface Ethernet1 overload
ip classless
ip route 0.0.0.0 0.0.0.0 200.154.17.129

no ip http server
!

access-list 105 permit ip 192.168.3.0 0.0.0.255 192.168.1.0 0.0.0.255
access-list 106 permit ip 192.168.3.0 0.0.0.255 192.168.2.0 0.0.0.255
access-list 150 deny ip 192.168.3.0 0.0.0.255 192.168.1.0 0.0.0.255
access-list 150 deny ip 192.168.3.0 0.0.0.255 192.168.2.0 0.0.0.255
access-list 150 permit ip any any
route-map nonat permit 10
  match ip address 150
!

line con 0
  password 7 aaaaa
  transport input none
line vty 0 4
  exec-timeout 0 0
  password 7 aaaaaa
login
!
end
`;

/** Example 13-15: router3 (Serial0 100.228.202.154/30, FastEthernet0 192.168.2.1/24). */
export const EXAMPLE_13_15_ROUTER3 = `router3#write terminal
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
!
crypto isakmp policy 4
  authentication pre-share
crypto isakmp key xxxxxx1234 address 100.232.202.210
crypto isakmp key xxxxxx101112 address 200.154.17.130
!
crypto map combined local-address Serial0
crypto map combined 7 ipsec-isakmp
  set peer 100.232.202.210
  set transform-set encrypt-des
  match address 106
crypto map combined 8 ipsec-isakmp
  set peer 200.154.17.130
  set transform-set 1600_box
  match address 105
!
!
interface Serial0
  ip address 100.228.202.154 255.255.255.252
  no ip directed-broadcast
  ip nat outside
  crypto map combined
!
interface FastEthernet0
  ip address 192.168.2.1 255.255.255.0
  no ip directed-broadcast
  ip nat inside
  no cdp enable
!
!
ip nat inside source route-map nonat interface Serial0 overload
ip classless
ip route 0.0.0.0 0.0.0.0 100.228.202.153
no ip http server
!
access-list 105 permit ip 192.168.2.0 0.0.0.255 192.168.3.0 0.0.0.255
access-list 106 permit ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.0.255
access-list 150 deny ip 192.168.2.0 0.0.0.255 192.168.3.0 0.0.0.255
access-list 150 deny ip 192.168.2.0 0.0.0.255 192.168.1.0 0.0.0.255
access-list 150 permit ip 192.168.2.0 0.0.0.255 any
no cdp run
route-map nonat permit 10
  match ip address 150
!
!
line con 0
  transport input none
line aux 0
  password aaaa
  login local
  modem InOut
  transport input all
  speed 115200
  flowcontrol hardware
line vty 0 4
  exec-timeout 30 0
  password aaaaa
  login
!
no scheduler allocate
end
`;

/** Lines added to Example 13-15 so its crypto map's transform sets exist (same as its peers'). */
export const ROUTER3_REPAIR = `crypto ipsec transform-set encrypt-des esp-des esp-sha-hmac
crypto ipsec transform-set 1600_box esp-des esp-sha-hmac
`;

/** Example 13-15 with ROUTER3_REPAIR inserted before its final `end`. */
export const EXAMPLE_13_15_ROUTER3_REPAIRED = EXAMPLE_13_15_ROUTER3.replace(
  /\nend\n*$/,
  `\n${ROUTER3_REPAIR}end\n`,
);
