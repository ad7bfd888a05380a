// Examples 13-10 and 13-11 of the chapter, verbatim but for the keys: router-to-router IPsec
// with RSA encrypted nonces (Figure 13-47). Each router's key pair is made when the lab first
// asks for the scenario, and each configuration's `crypto key pubkey-chain rsa` key-string
// holds the other router's public key, as the chapter's operator pasted it. The router's own
// private key plays the key store's (wan2511.cisco.com.pem).

import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Scenario, ScenarioRouter } from './index.js';

/** Example 13-10: wan2511 (Ethernet0 50.50.50.50, Serial0 20.20.20.21); KEY is wan2516's. */
const EXAMPLE_13_10 = (KEY: string): string => `wan2511#show run
Building configuration...

Current configuration:
!
version 11.3
service timestamps debug datetime msec
!
hostname wan2511
!
enable password <removed>
!
no ip domain-lookup
!The command below is used to define the name resolution for the peer to which
!this router will be talking IPsec
ip host wan2516.cisco.com 20.20.20.20
ip domain-name cisco.com
!
crypto isakmp policy 1
!The command below sets up RSA encrypted nonces as the method of authentication.
authentication rsa-enr
group 2

crypto isakmp identity hostname
!
crypto ipsec transform-set auth2 ah-sha-hmac esp-des esp-sha-hmac
!
crypto map test 10 ipsec-isakmp
set peer 20.20.20.20
set transform-set auth2
match address 133
!
!Below is the public key for the peer router, wan2516. This key was received by
!this router via a key-exchange mechanism. However, this can be done manually as
!well (cut and paste).

crypto key pubkey-chain rsa
named-key wan2516.cisco.com
key-string
${KEY}
quit
!
interface Ethernet0
 ip address 50.50.50.50 255.255.255.0
!
interface Serial0
 ip address 20.20.20.21 255.255.255.0
 encapsulation ppp
 no ip mroute-cache
 crypto map test
!
interface Serial1
 no ip address
 shutdown
!
ip classless

ip route 60.0.0.0 255.0.0.0 20.20.20.20
access-list 133 permit ip 50.50.50.0 0.0.0.255 60.60.60.0 0.0.0.255
!
line con 0
 exec-timeout 0 0
 password ww
 login

line vty 0 4
 password ww
 login
!
end
`;

/** Example 13-11: wan2516 (Ethernet0 60.60.60.60, Serial0 20.20.20.20); KEY is wan2511's. */
const EXAMPLE_13_11 = (KEY: string): string => `wan2516#write terminal

Building configuration...

Current configuration:
!
version 11.3
no service pad
service timestamps debug datetime msec
!
hostname wan2516
!
enable password ww
!
no ip domain-lookup

ip host wan2511.cisco.com 20.20.20.21
ip domain-name cisco.com
!
crypto isakmp policy 1 authentication rsa-encr
group 2

crypto isakmp identity hostname
!
crypto ipsec transform-set auth2 ah-sha-hmac esp-des esp-sha-hmac
!
crypto map test 10 ipsec-isakmp
set peer 20.20.20.21
set transform-set auth2
match address 144
!
!The key below is the public key of the peer
crypto key pubkey-chain rsa
named-key wan2511.cisco.com
key-string
${KEY}
quit
!
!
interface Ethernet0
ip address 60.60.60.60 255.255.255.0
!
interface Serial0
ip address 20.20.20.20 255.255.255.0
encapsulation ppp
clockrate 2000000
crypto map test
!
ip default-gateway 20.20.20.21
ip classless
ip route 0.0.0.0 0.0.0.0 20.20.20.21
access-list 144 permit ip 60.60.60.0 0.0.0.255 50.50.50.0 0.0.0.255
!
line con 0
exec-timeout 0 0
password ww
login
line aux 0
password ww
login
line vty 0 4
  password ww
  login
!
end
`;

/** The public key as `key-string` lines: the SubjectPublicKeyInfo in 8-hex-digit words. */
export function keyStringText(key: KeyObject): string {
  const hex = createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('hex').toUpperCase();
  const words = hex.match(/.{1,8}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 8) lines.push(` ${words.slice(i, i + 8).join(' ')}`);
  return lines.join('\n');
}

let made: readonly ScenarioRouter[] | undefined;

/** The two routers, their keys made on first use (once per run of the lab). */
function routers(): readonly ScenarioRouter[] {
  if (made === undefined) {
    const rsa = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const wan2511 = rsa();
    const wan2516 = rsa();
    made = [
      {
        file: 'example-13-10 (wan2511)',
        text: EXAMPLE_13_10(keyStringText(wan2516)),
        decryptionKeys: [wan2511],
      },
      {
        file: 'example-13-11 (wan2516)',
        text: EXAMPLE_13_11(keyStringText(wan2511)),
        decryptionKeys: [wan2516],
      },
    ];
  }
  return made;
}

export const RSA_ENCR_SCENARIO: Scenario = {
  name: 'rsa-encr',
  title: 'Router-to-router IPsec using RSA encrypted nonces',
  source: 'Examples 13-10 to 13-12, Figure 13-47; RSA keys made at lab start',
  get routers() {
    return routers();
  },
  pings: [{ from: 0, to: 1 }],
};
