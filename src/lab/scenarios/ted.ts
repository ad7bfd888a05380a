// Examples 13-24 and 13-25 of the chapter, verbatim (comments included): Tunnel Endpoint
// Discovery (Figures 13-53 to 13-55). Neither router names its peer: the initiator's
// interesting traffic for 12.12.12.0/24 sends a TED probe toward its destination, the
// responder in front of that network answers with its address, and main mode runs to it with
// the wildcard key. test/fixtures/chapter holds the same text for the parser's tests.

/** Example 13-24: TED-Initiator (Ethernet0/0 13.13.13.13, Ethernet0/1 11.11.11.1). */
export const EXAMPLE_13_24_TED_INITIATOR = `TED-Initiator#show running-config
Building configuration...

Current configuration:
!
version 12.0
service timestamps debug uptime
service timestamps log uptime

!
hostname TED-Initiator
!
enable secret 5 <removed>
enable password <removed>
!
ip subnet-zero
!
crypto isakmp policy 10
 authentication pre-share
!One of the issues with using a preshared key with TED is the need to use a
!wildcard preshared key because the peer's address is not known beforehand. A
!resolution to this is to use digital certificate-based digital signatures as the
!authentication method.
crypto isakmp key abc123 address 0.0.0.0
!
crypto ipsec transform-set ted-transforms esp-des esp-md5-hmac
!Note that no peer address has been configured in the crypto map below.
crypto dynamic-map ted-map 10
 set transform-set ted-transforms
 match address 101
!
!The keyword discover in the crypto map below triggers the use of TED

crypto map tedtag 10 ipsec-isakmp dynamic ted-map discover
!
interface Ethernet0/0
 ip address 13.13.13.13 255.255.255.0
 no ip directed-broadcast
 no mop enabled
!
interface Ethernet0/1
  ip address 11.11.11.1 255.255.255.0
  crypto map tedtag
!
ip classless
ip route 0.0.0.0 0.0.0.0 11.11.11.2
no ip http server
!
access-list 101 permit ip 13.13.13.0 0.0.0.255 12.12.12.0 0.0.0.255
access-list 101 permit icmp 13.13.13.0 0.0.0.255 12.12.12.0 0.0.0.255
!
line con 0
  transport input none
line aux 0
line vty 0 4
  password ww
  login
!
end
`;

/** Example 13-25: TED-Responder (Ethernet0/0 12.12.12.12, Ethernet0/1 11.11.11.2). */
export const EXAMPLE_13_25_TED_RESPONDER = `TED-Responder#show running-config
Building configuration...

Current configuration:
!
version 12.0
service timestamps debug uptime
service timestamps log uptime

!
hostname TED-Responder
!
enable secret 5 <removed>
enable password <removed>
!

!
crypto isakmp policy 10
  authentication pre-share
crypto isakmp key abc123 address 0.0.0.0
!
crypto ipsec transform-set ted-transforms esp-des esp-md5-hmac
!
crypto dynamic-map ted-map 10
  set transform-set ted-transforms
  match address 101
!
crypto map tedtag 10 ipsec-isakmp dynamic ted-map discover
!
interface Ethernet0/0
 ip address 12.12.12.12 255.255.255.0
 no ip directed-broadcast
 no mop enabled
!
interface Ethernet0/1
 ip address 11.11.11.2 255.255.255.0
 crypto map tedtag
!
ip classless
ip route 0.0.0.0 0.0.0.0 11.11.11.1
no ip http server
!
access-list 101 permit ip 12.12.12.0 0.0.0.255 13.13.13.0 0.0.0.255
access-list 101 permit icmp 12.12.12.0 0.0.0.255 13.13.13.0 0.0.0.255

!
line con 0
 transport input none
line aux 0
line vty 0 4
 password ww
 login
!
no scheduler allocate
end
`;
