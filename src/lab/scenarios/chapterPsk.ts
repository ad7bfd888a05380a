// Examples 13-1 and 13-2 of the chapter, verbatim (comments included): the router-to-router
// pre-shared-key case study (Figure 13-45). Embedded so `typeswan lab` runs from the built
// package; test/fixtures/chapter holds the same text for the parser's tests.

/** Example 13-1: Initiator (Ethernet0/0 10.1.1.1, Ethernet1/0 172.16.172.10). */
export const EXAMPLE_13_1_INITIATOR = `hostname Initiator
!The ISAKMP policy defines the attributes which will be negotiated with peers for
!the IKE SA.
crypto isakmp policy 1
!The encryption method defined below is used for encrypting the IKE negotiation
!packets using SKEYID_e
  encr 3des
!The hash algorithm defined below is used to generate the hashes which are used for
!IKE authentication purposes.
  hash sha
!The line below defines the authentication method as pre-shared key authentication
  authentication pre-share
!
!
!The line below defines the pre-shared key for the peer at the IP address
!172.16.172.20. Please note that the initiator will search through its config for
!this key using the source IP address of the IKE negotiation packets it is receiving.
crypto isakmp key jw4ep9846804ijl address 172.16.172.20
!The following line defines the transform set for use with IPsec. This transform set
!specifies the name of the transform set as 'myset'. The encapsulation method defined
!is ESP and the encryption algorithm to use is 3DES (triple DES). The last part of
!this command specifies MD5 as the ESP integrity checking hash.
crypto ipsec transform-set myset esp-3des esp-md5-hmac
!
!
!The following configuration is for the crypto map named 'vpn'. Crypto maps
!essentially bind the entire IPsec configuration together. Various elements of IPsec
!defined in various places in the configuration are tied together using the crypto
!map. 10 is the instance number for the map here. Instance numbers are used to
!specify the order in which multiple crypto maps are parsed in a config. The key
!word 'ipsec-isakmp' is used to specify that this particular crypto map is to be
!used for IPsec rather than CET.
crypto map vpn 10 ipsec-isakmp
!The command line below defines the IP address of the IPsec peer.
  set peer 172.16.172.20
!The line below defines the transform set to use for this crypto map.
  set transform-set myset
!The line below specifies the access list which will be define traffic which will
!either trigger IKE negotiation or be used to verify that the proxy Ids being offered
!during an IKE negotiation are valid.
  match address 101
!
!
interface Ethernet0/0
 ip address 10.1.1.1 255.255.255.0
!

interface Ethernet1/0
 ip address 172.16.172.10 255.255.255.0
!The line below is used as a toggle switch to turn on IPsec functionality as defined
!by the crypto map vpn.
 crypto map vpn
!
!
!The access list define below is used to specify interesting traffic for IPsec.
access-list 101 permit ip 10.1.1.0 0.0.0.255 10.1.2.0 0.0.0.255
!
`;

/** Example 13-2: Responder (Ethernet0/0 10.1.2.1, Ethernet1/0 172.16.172.20). */
export const EXAMPLE_13_2_RESPONDER = `hostname Responder

crypto isakmp policy 1
 encr 3des
 hash sha
 authentication pre-share
crypto isakmp key jw4ep9846804ijl address 172.16.172.10
!
crypto ipsec transform-set myset esp-3des esp-md5-hmac
!
crypto map vpn 10 ipsec-isakmp
 set peer 172.16.172.10
 set transform-set myset
 match address 101

interface Ethernet0/0
 ip address 10.1.2.1 255.255.255.0
!

interface Ethernet1/0
 ip address 172.16.172.20 255.255.255.0
 crypto map vpn
!
access-list 101 permit ip 10.1.2.0 0.0.0.255 10.1.1.0 0.0.0.255
`;

/**
 * Example 13-1 with Ethernet1/0 readdressed to 192.168.172.10 and put behind a PAT box whose
 * outside address is 172.16.172.10, the address the Responder (Example 13-2, unchanged)
 * expects: IKE detects the NAT (NAT-D) and both ends move to UDP 4500.
 */
export const NAT_T_INITIATOR = EXAMPLE_13_1_INITIATOR.replace(
  ' ip address 172.16.172.10 255.255.255.0',
  ' ip address 192.168.172.10 255.255.255.0',
);
