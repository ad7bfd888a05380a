// Examples 13-7 and 13-8 of the chapter: router-to-router IPsec with RSA signatures and
// certificates (Figure 13-46). lab-isdn1 (Ethernet0 40.40.40.40, BRI0 12.12.12.13) and lab-isdn
// (Ethernet0 20.20.20.20, BRI0 12.12.12.12) configure no ISAKMP policy, so the default policy
// 65535 applies (DES, SHA, RSA signatures, group 1). Verbatim but for the `certificate ...
// quit` blocks of each `crypto ca certificate chain`: those certificates expired in 1999 and
// their private keys were never printed, so the lab's CA fills the chains with certificates for
// usage keys made at start (labPki.ts), in the chapter's order. Example 13-9 is lab-isdn's debug.

/** Example 13-7: lab-isdn1, the initiator. */
export const EXAMPLE_13_7_LAB_ISDN1 = `lab-isdn1#wr t
Building configuration...

Current configuration:
!
version 11.3
service timestamps debug datetime msec
!
hostname lab-isdn1
!
enable secret 5 <removed>
!
username lab-isdn password 0 cisco
ip host ciscoca-ultra 171.69.54.46
ip host lab-isdn 12.12.12.12
ip domain-name cisco.com
ip name-server 171.68.10.70
ip name-server 171.68.122.99
isdn switch-type basic-ni1
!
crypto ipsec transform-set mypolicy ah-sha-hmac esp-des esp-sha-hmac
!
crypto map test 10 ipsec-isakmp
  set peer 12.12.12.12
  set transform-set mypolicy
  match address 144
!
!The configuration below defines the CA server to be used by the router. The
!configuration also contains the certificates downloaded by the router from the CA
!server.

crypto ca identity bubba
  enrollment url http://ciscoca-ultra

crypto ca certificate chain bubba
!Below is the router's certificate for the signature public key.
!Below is the CA's certificate for the CA server's public key
!Below is the router's certificate for the encryption public key.
!
interface Ethernet0
ip address 40.40.40.40 255.255.255.0
no ip mroute-cache
!
interface BRI0
ip address 12.12.12.13 255.255.255.0
encapsulation ppp
no ip mroute-cache
dialer idle-timeout 9999
dialer map ip 12.12.12.12 name lab-isdn 4724171
dialer hold-queue 40
dialer-group 1
isdn spid1 919472411800 4724118
isdn spid2 919472411901 4724119
ppp authentication chap
crypto map test
!
ip classless
ip route 0.0.0.0 0.0.0.0 12.12.12.12
access-list 144 permit ip 40.40.40.0 0.0.0.255 20.20.20.0 0.0.0.255
dialer-list 1 protocol ip permit
!
line con 0
  exec-timeout 0 0
line vty 0 4
  password ww
  login
!
end
`;

/** Example 13-8: lab-isdn, the responder of Example 13-9. */
export const EXAMPLE_13_8_LAB_ISDN = `lab-isdn#write terminal
Building configuration...

Current configuration:
!
version 11.3
service timestamps debug datetime msec

!
hostname lab-isdn
!
enable secret 5 <removed>
!
username lab-isdn1 password 0 cisco
ip host ciscoca-ultra 171.69.54.46
ip host lab-isdn1 12.12.12.13
ip domain-name cisco.com
ip name-server 171.68.10.70
ip name-server 171.68.122.99
isdn switch-type basic-ni1
!
crypto ipsec transform-set mypolicy ah-sha-hmac esp-des esp-sha-hmac
!
crypto map test 10 ipsec-isakmp
  set peer 12.12.12.13
  set transform-set mypolicy
  match address 133
!
crypto ca identity lab
  enrollment url http://ciscoca-ultra

crypto ca certificate chain lab
!Below is the router's certificate for the signature public key.

!Below is the CA's certificate for the CA server's public key

!Below is the router's certificate for the encryption public key.
!
interface Ethernet0
 ip address 20.20.20.20 255.255.255.0
!
interface BRI0
 description bri to rtp
 ip address 12.12.12.12 255.255.255.0
 no ip proxy-arp
 encapsulation ppp
 no ip mroute-cache
 bandwidth 128
 load-interval 30
 dialer idle-timeout 99999
 dialer hold-queue 40
 dialer-group 1
 isdn spid1 919472417100 4724171
 isdn spid2 919472417201 4724172
 ppp authentication chap
 crypto map test
!
ip classless
ip route 0.0.0.0 0.0.0.0 12.12.12.13
access-list 133 permit ip 20.20.20.0 0.0.0.255 40.40.40.0 0.0.0.255
dialer-list 1 protocol ip permit
!
line con 0
 exec-timeout 0 0
line vty 0 4
 password ww
 login
!
end
`;
