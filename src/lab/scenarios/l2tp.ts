// Example 13-23 of the chapter: the LNS for Windows 2000's built-in L2TP/IPsec client
// (voluntary tunnelling, Figure 13-52), verbatim; the lab runs it repaired (see below) with
// two clients configured as Steps 1-12 of the chapter set Windows up: one on the LAN of
// Ethernet0, one behind a PAT box (NAT-T transport mode, RFC 3948).

/** Example 13-23, as printed (test/fixtures/chapter/example-13-23.cfg). */
export const EXAMPLE_13_23_LNS = `LNS#write terminal
version 12.0
service timestamps debug uptime
service timestamps log uptime

!
hostname LNS
!
boot system flash c4500-is56-mz

!Enable AAA services here
aaa new-model
aaa authentication ppp default radius local
enable secret 5 <removed>
enable password cisco
!
username munchkin password 7 <removed>
ip subnet-zero
ip domain-name cisco.com
ip name-server 10.0.0.4
!
!Enable VPN/VPDN services and define groups and their particular variables
vpdn enable
!
vpdn-group 1
!Default L2TP VPDN group
!Allow the router to accept incoming requests.
accept dialin l2tp virtual-template 1
!Tunnel authentication is used in the LNS to LAC, aka NAS-initiated L2TP tunnel.
!Users are authenticated at the NAS or LNS before the tunnel is established.
!So it is not required for client-initiated tunnels.
no l2tp tunnel authentication
!

!These are the IKE policies the router will accept
crypto isakmp policy 4
!
crypto isakmp policy 5
hash md5
!
crypto isakmp policy 6
hash md5
group 2
!

!Use this for IKE and wildcard preshared keys
crypto isakmp key ciscosys address 0.0.0.0
!
!

!Define the IPsec policies the router will accept/propose. For L2TP connections,
!the mode should be transport
crypto IPsec transform-set desmd5tr esp-des esp-md5-hmac
mode transport
crypto IPsec transform-set ahshatr ah-sha-hmac
mode transport
crypto IPsec transform-set ahmd5tr ah-md5-hmac
mode transport
!
!Set up a dynamic crypto map template
crypto dynamic-map dyna 1

set transform-set ahmd5tr
  match address 110
!
!If you are using RSA signatures, include your CA identity. This identity is
!configured to use the Microsoft CA with SCEP support.
!
crypto ca identity cisco.com
  enrollment retry count 100
  enrollment mode ra
  enrollment url http://cisco-b0tpppy88:80/certsrv/mscep/mscep.dll
  crl optional
!
!Certs removed for keeping the configs short
!
crypto ca certificate chain cisco.com
  certificate 615D1CBC000000000006
  certificate ra-sign 710685AF000000000004
  certificate 615D299B000000000007
  certificate ca 578242EB5428E68A4D02516EF449B266
  certificate ra-encrypt 71068B79000000000005
!
!Apply the dynamic crypto map template to an actual crypto map
crypto map iosmsdyn 1 IPsec-isakmp dynamic dyna
!
!
interface Ethernet0
  ip address 10.0.0.7 255.255.255.0
  no ip redirects
  no ip directed-broadcast
  crypto map iosmsdyn
!
!
interface Virtual-Template1
  ip unnumbered Ethernet0
  no ip directed-broadcast
  peer default ip address pool vpdn
  ppp authentication ms-chap
!
router rip
  redistribute connected
  redistribute static
network 192.168.0.0
!
!Define your local address pool and any other dynamically assigned information
ip local pool vpdn 192.168.2.10 192.168.2.15
no ip classless
ip route 0.0.0.0 0.0.0.0 192.168.0.100
no ip http server
!
access-list 110 permit udp host 192.168.0.7 any eq 1701
access-list 110 permit udp any eq 1701 host 192.168.0.7
access-list 110 permit udp host 192.168.0.7 eq 1701 any
!
!
radius-server host 192.168.0.4 auth-port 1645 acct-port 1646
radius-server key kitchen
!
line con 0
  transport input none
line aux 0
line vty 0 4
  password cisco
!
end
`;

/**
 * Example 13-23 made runnable, each change a gap of the printed text:
 * - the ISAKMP policies take IOS's default authentication (rsa-sig), and the certificates were
 *   cut from the listing: policy 6 gets `authentication pre-share` for the wildcard key
 *   `ciscosys` that the chapter's Step 8 gives Windows;
 * - ACL 110 names 192.168.0.7, but Windows talks L2TP to Ethernet0, 10.0.0.7 (Step 2);
 * - the dynamic map offers AH only (`ahmd5tr`), which no NAT lets through: it offers the
 *   printed ESP transform set `desmd5tr` first;
 * - `username munchkin password 7 <removed>`: the password is given (type 0) so `local` can
 *   check CHAP; there is no RADIUS server on the lab's LAN, so `radius` errors and IOS moves
 *   on to `local`;
 * - the inside LAN (192.168.0.0/24: RADIUS server, default route, RIP) gets its interface.
 */
export const EXAMPLE_13_23_LNS_REPAIRED = EXAMPLE_13_23_LNS.replace(
  'crypto isakmp policy 6\nhash md5\ngroup 2',
  'crypto isakmp policy 6\nhash md5\ngroup 2\nauthentication pre-share',
)
  .replace(/host 192\.168\.0\.7/g, 'host 10.0.0.7')
  .replace('set transform-set ahmd5tr', 'set transform-set desmd5tr ahmd5tr')
  .replace('username munchkin password 7 <removed>', 'username munchkin password 0 ozgreen')
  .replace(
    'interface Virtual-Template1',
    'interface Ethernet1\n  ip address 192.168.0.7 255.255.255.0\n!\ninterface Virtual-Template1',
  );

/** Windows 2000's policy of Steps 4-11 in IOS words: transport mode ESP for UDP 1701 to 10.0.0.7. */
export function windowsClient(hostname: string, address: string): string {
  return `hostname ${hostname}
crypto isakmp policy 1
 encryption des
 hash md5
 authentication pre-share
 group 2
crypto isakmp key ciscosys address 10.0.0.7
crypto ipsec transform-set l2tp esp-des esp-md5-hmac
 mode transport
crypto map l2tp 10 ipsec-isakmp
 set peer 10.0.0.7
 set transform-set l2tp
 match address 101
interface Ethernet0
 ip address ${address} 255.255.255.0
 crypto map l2tp
access-list 101 permit udp host ${address} eq 1701 host 10.0.0.7 eq 1701
`;
}
