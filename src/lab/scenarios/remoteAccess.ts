// The chapter's remote-access case studies. Examples 13-19 (the Concentrator), 13-21 (the PIX)
// and 13-22 (L2LRouter) verbatim as printed; test/fixtures/chapter holds the same text for the
// parser's tests. The VPN clients are written as the IOS configuration of a router that runs
// the client side of XAUTH and Mode Config (src/lab/remoteAccess.ts), with Example 13-20's
// settings: the gateway, the group's pre-shared key, DES/MD5 for both proposals. The client's
// second interface is the network its Mode Config address lives on (its TUN): it covers the
// pool, so the gateway's way back to that address is the tunnel.

import type { Scenario } from './index.js';

/** Example 13-19: Concentrator (Ethernet0/0 150.1.1.1, Ethernet0/1 11.10.1.1, pool 10.1.10.0-254). */
export const EXAMPLE_13_19_CONCENTRATOR = `Concentrator#show running-config
Building configuration...

Current configuration:
!
version 12.0
service timestamps debug uptime
service timestamps log uptime
!
hostname Concentrator
!
enable secret 5 <removed>
enable password ww
!
aaa new-model
!The command below defines the mechanism to use for extended authentication

aaa authentication login xauth local
!The user defined below will be used to authenticate the x-auth clients
username ciscouser password 0 cisco1234

!
ip subnet-zero
!
crypto isakmp policy 10
  hash md5
  authentication pre-share

!The wildcard preshared key is configured because the client's IP address is
!unknown

crypto isakmp key cisco123 address 0.0.0.0

!Here we identify the pool to use to assign addresses to the VPN clients

crypto isakmp client configuration address-pool local mypool

!Binding the extended authentication list to the crypto map being used

crypto map REMOTEACCESS client authentication list xauth
!

crypto ipsec transform-set RTP-TRANSFORM esp-des esp-md5-hmac
!
crypto dynamic-map vpn 1
  set transform-set RTP-TRANSFORM
!
!The following commands request that IP addresses be assigned to the VPN clients

crypto map REMOTEACCESS client configuration address initiate
crypto map REMOTEACCESS client configuration address respond

!Below is the static crypto map that points to a dynamic crypto map. This is
!applied to the router's outside interface. Note that a dynamic crypto map cannot
!be applied directly to an interface.

crypto map REMOTEACCESS 1 ipsec-isakmp dynamic vpn
!
interface Ethernet0/0
ip address 150.1.1.1 255.255.255.0
crypto map REMOTEACCESS
!
!
interface Ethernet0/1
ip address 11.10.1.1 255.255.255.0
no ip directed-broadcast
!
!This is the pool from which we assign addresses to the clients

ip local pool mypool 10.1.10.0 10.1.10.254
ip nat translation timeout never
ip nat translation tcp-timeout never
ip nat translation udp-timeout never
ip nat translation finrst-timeout never
ip nat translation syn-timeout never
ip nat translation dns-timeout never
ip nat translation icmp-timeout never
ip classless
ip route 0.0.0.0 0.0.0.0 10.103.1.1
no ip http server
!
dialer-list 1 protocol ip permit
dialer-list 1 protocol ipx permit
!
line con 0
transport input none
line aux 0
line vty 0 4
password <removed>
login
!
end
`;

/**
 * Example 13-20's VPN client as a router: 171.68.118.143, gateway 150.1.1.1, key cisco123,
 * DES/MD5. Example 13-20 names the remote network 10.1.1.0/24, which is no network of Example
 * 13-19; the client here protects the Concentrator's Ethernet0/1 network, 11.10.1.0/24.
 */
export const EXAMPLE_13_20_VPN_CLIENT = `hostname VPNClient
crypto isakmp policy 1
 hash md5
 authentication pre-share
crypto isakmp key cisco123 address 150.1.1.1
crypto ipsec transform-set client esp-des esp-md5-hmac
access-list 101 permit ip any 11.10.1.0 0.0.0.255
crypto map client 10 ipsec-isakmp
 set peer 150.1.1.1
 set transform-set client
 match address 101
interface Ethernet0
 ip address 171.68.118.143 255.255.255.0
 crypto map client
interface Ethernet1
 ip address 10.1.10.254 255.255.255.0
`;

/** Example 13-21: pixfirewall (outside 192.168.10.1, pool 10.1.100.240-250, aaa-server myserver). */
export const EXAMPLE_13_21_PIX = `pixfirewall#write terminal
PIX Version 5.2
nameif ethernet0 outside security0
nameif ethernet1 inside security100
nameif ethernet2 dmz security50
access-list bypassingnat permit ip 172.16.0.0 255.255.0.0 10.1.100.0 255.255.255.0
access-list bypassingnat permit ip 172.16.0.0 255.255.0.0 10.1.1.0 255.255.255.0
access-list bypassingnat permit ip host 20.1.1.1 host 10.1.1.1
access-list inboundtraffic permit icmp any any
access-list inboundtraffic permit tcp any host 192.168.10.100 eq telnet
access-list 101 permit ip host 20.1.1.1 host 10.1.1.1
enable password <removed> encrypted
passwd <removed> encrypted
hostname pixfirewall
fixup protocol ftp 21
fixup protocol http 80
fixup protocol smtp 25
fixup protocol h323 1720
fixup protocol rsh 514
fixup protocol sqlnet 1521
names
pager lines 24
no logging timestamp
no logging standby
no logging console debugging
no logging monitor
no logging buffered
no logging trap
no logging history
logging facility 20
logging queue 512
interface ethernet0 auto
interface ethernet1 auto
interface ethernet2 auto
mtu outside 1500
mtu inside 1500
mtu dmz 1500
ip address outside 192.168.10.1 255.255.255.0
ip address inside 172.16.171.5 255.255.255.240
ip address dmz 127.0.0.1 255.255.255.255
!The command below defines the pool of addresses from which addresses get assigned
!to the clients connecting to the PIX via mode config
ip local pool vpnpool 10.1.100.240-10.1.100.250
no failover
failover timeout 0:00:00
failover ip address outside 0.0.0.0
failover ip address inside 0.0.0.0
failover ip address dmz 0.0.0.0
arp timeout 14400
global (outside) 1 192.168.10.20-192.168.10.30 netmask 255.255.255.0
global (outside) 1 192.168.10.19 netmask 255.255.255.0
!The NAT command configured below stops NAT from occurring for IP addresses pairs
!that the PIX considers IPsec interesting traffic. This includes packets destined
!for the remote LAN as well as pool addresses assigned to the VPN clients. See the
!access list bypassingnat above to see which addresses are defined to bypass NAT.
nat (inside) 0 access-list bypassingnat
nat (inside) 1 172.16.0.0 255.255.0.0 0 0
static (inside,outside) 192.168.10.100 172.16.171.13 netmask 255.255.255.255 0 0
static (inside,outside) 20.1.1.1 20.1.1.1 netmask 255.255.255.255 0 0
access-group inboundtraffic in interface outside
route outside 0.0.0.0 0.0.0.0 192.168.10.2 1
route inside 20.0.0.0 255.0.0.0 172.16.171.13 1
route inside 171.68.0.0 255.255.0.0 172.16.171.1 1
route inside 172.16.0.0 255.255.0.0 172.16.171.1 1
timeout xlate 3:00:00 conn 1:00:00 half-closed 0:10:00 udp 0:02:00
timeout rpc 0:10:00 h323 0:05:00
timeout uauth 0:05:00 absolute
aaa-server TACACS+ protocol tacacs+
aaa-server RADIUS protocol radius
aaa-server myserver protocol tacacs+
aaa-server myserver (inside) host 171.68.178.124 cisco timeout 5
no snmp-server location
no snmp-server contact
snmp-server community public
no snmp-server enable traps
floodguard enable
!The sysopt command below allows IPsec traffic to bypass the security checks
!performed by the PIX on incoming traffic from a low- to a high-security
!interface. The assumption is that IPsec takes care of nongenuine packets and
!drops them.
sysopt connection permit-ipsec
!The command below defines the transform set to use for IPsec.
crypto ipsec transform-set mysetdes esp-des esp-md5-hmac
!The command below defines the dynamic crypto map used to accept VPN client
!traffic.
crypto dynamic-map mydynmap 10 set transform-set mysetdes
!The crypto map below is used for the LAN-to-LAN tunnels that will be established
!by the PIX.
crypto map newmap 20 ipsec-isakmp
crypto map newmap 20 match address 101
crypto map newmap 20 set peer 192.168.10.2
crypto map newmap 20 set transform-set mysetdes
!The crypto map below is used to tie to the dynamic crypto map defined above.
!Note that this is simply another instance of the crypto map configured for the
!LAN-to-LAN tunnel, because only one crypto map can be applied to a PIX interface.
!This !crypto map points to the dynamic crypto map defined above.
crypto map newmap 30 ipsec-isakmp dynamic mydynmap
!The two commands below set up the PIX to do mode configuration for the remote-
!access clients, allowing it to initiate as well as accept requests for mode
!configuration
crypto map newmap client configuration address initiate
crypto map newmap client configuration address respond
!The command below ties the authentication to be done for extended authentication
!to the server defined as 'myserver'
crypto map newmap client authentication myserver
!The command below applies the crypto map to the outside interface
crypto map newmap interface outside
!The isakmp enable command in PIX is an additional command needed for ISAKMP
!configs
isakmp enable outside
!The preshared secret defined below is the wildcard key for the remote-access
!clients.
isakmp key mysecretkey address 0.0.0.0 netmask 0.0.0.0
!The command below defines the preshared secret for the router. It also has the
!keywords 'no-xauth' and 'no-config-mode' at the end, which specify that x-auth and
!config mode are not to be done with this peer
isakmp key myotherkey address 192.168.10.2 netmask 255.255.255.255 no-xauth no-
config-mode
isakmp identity address
!The command below is used to define the pool that will be used to assign
!addresses via mode config to the VPN clients
isakmp client configuration address-pool local vpnpool outside
!The commands below define the parameters of the ISAKMP policy on the PIX
isakmp policy 10 authentication pre-share
isakmp policy 10 encryption des
isakmp policy 10 hash md5
isakmp policy 10 group 1
telnet timeout 5
terminal width 80

: end
`;

/** Example 13-22: L2LRouter (Ethernet0/0 192.168.10.2, Loopback0 10.1.1.1), the PIX's LAN-to-LAN peer. */
export const EXAMPLE_13_22_L2L_ROUTER = `L2LRouter#write terminal
Router Configuration
Current configuration:
!
version 12.0
service timestamps debug uptime
service timestamps log uptime

!
hostname L2LRouter
!
aaa new-model
!
ip subnet-zero
!
!
crypto isakmp policy 10
  hash md5
  authentication pre-share
  lifetime 1000
crypto isakmp key myotherkey address 192.168.10.1
!
crypto ipsec transform-set strong esp-des esp-md5-hmac
!
crypto map topix 10 ipsec-isakmp
  set peer 192.168.10.1
  set transform-set strong
  match address 101
!
interface Loopback0
  ip address 10.1.1.1 255.255.255.255
  no ip directed-broadcast
!
interface Ethernet0/0
  ip address 192.168.10.2 255.255.255.0
  no ip directed-broadcast
  crypto map topix

!
ip classless
ip route 0.0.0.0 0.0.0.0 192.168.10.1
no ip http server
!
access-list 101 permit ip host 10.1.1.1 host 20.1.1.1
!
line con 0
  transport input none
line aux 0
line vty 0 4
!
end
`;

/**
 * A VPN client of Example 13-21's PIX (the chapter prints none): on the outside network at
 * 192.168.10.143, the wildcard key mysecretkey, DES/MD5/group 1 as `isakmp policy 10`, and the
 * host behind the PIX that access-list 101 protects, 20.1.1.1.
 */
export const PIX_VPN_CLIENT = `hostname PIXClient
crypto isakmp policy 1
 hash md5
 authentication pre-share
crypto isakmp key mysecretkey address 192.168.10.1
crypto ipsec transform-set client esp-des esp-md5-hmac
access-list 101 permit ip any host 20.1.1.1
crypto map client 10 ipsec-isakmp
 set peer 192.168.10.1
 set transform-set client
 match address 101
interface Ethernet0
 ip address 192.168.10.143 255.255.255.0
 crypto map client
interface Ethernet1
 ip address 10.1.100.254 255.255.255.0
`;

/** Example 13-19's user, for both case studies (Example 13-21 prints no user of its TACACS+ server). */
const USER = { username: 'ciscouser', password: 'cisco1234' } as const;

export const REMOTE_ACCESS_SCENARIO: Scenario = {
  name: 'remote-access',
  title: 'A VPN client: wildcard key, XAUTH with a local user, a Mode Config address from the pool',
  source: 'Examples 13-19 and 13-20, Figure 13-50; phase 1.5 as in Figures 13-35 to 13-40',
  routers: [
    { file: 'example-13-19 (Concentrator)', text: EXAMPLE_13_19_CONCENTRATOR },
    { file: 'example-13-20 (VPN client)', text: EXAMPLE_13_20_VPN_CLIENT },
  ],
  pings: [{ from: 1, to: 0 }],
  remoteAccess: { clients: [{ router: 1, ...USER }] },
};

export const PIX_SCENARIO: Scenario = {
  name: 'pix',
  title: 'The PIX with a LAN-to-LAN peer exempt from XAUTH and Mode Config, and a VPN client',
  source: 'Examples 13-21 and 13-22, Figure 13-51',
  routers: [
    // access-list 101's hosts: 20.1.1.1 behind the PIX, 10.1.1.1 (Loopback0) on L2LRouter.
    {
      file: 'example-13-21 (pixfirewall)',
      text: EXAMPLE_13_21_PIX,
      host: { address: '20.1.1.1', netmask: '255.255.255.0' },
    },
    {
      file: 'example-13-22 (L2LRouter)',
      text: EXAMPLE_13_22_L2L_ROUTER,
      host: { address: '10.1.1.1', netmask: '255.255.255.252' },
    },
    { file: 'VPN client of the PIX', text: PIX_VPN_CLIENT },
  ],
  pings: [
    { from: 1, to: 0 },
    { from: 2, to: 0 },
  ],
  remoteAccess: {
    clients: [{ router: 2, ...USER }],
    // The stand-in for `aaa-server myserver (inside) host 171.68.178.124 cisco`.
    aaaUsers: [{ name: USER.username, password: USER.password }],
  },
};
