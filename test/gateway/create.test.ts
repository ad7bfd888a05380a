// createGateway refuses, before anything runs, a configuration using a feature the engines
// cannot run yet, naming the command and its line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGateway } from '../../src/gateway/create.js';
import { GatewayRefused, parseConfigText } from '../../src/gateway/configFile.js';
import { EventBus } from '../../src/observe/bus.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';

const RSA_SIG = `hostname r
crypto isakmp policy 1
 authentication rsa-encr
crypto ipsec transform-set t esp-3des esp-sha-hmac
crypto map m 10 ipsec-isakmp
 set peer 1.1.1.2
 set transform-set t
 match address 101
interface Ethernet0
 ip address 10.0.0.1 255.255.255.0
interface Ethernet1
 ip address 1.1.1.1 255.255.255.0
 crypto map m
access-list 101 permit ip 10.0.0.0 0.0.0.255 10.0.1.0 0.0.0.255
`;

test('rsa-encr authentication is refused at start with file:line and the command', () => {
  const config = parseConfigText(RSA_SIG, 'r.cfg');
  const net = new VirtualNetwork();
  const router = net.router('r');
  router.addInterface('Ethernet1', '1.1.1.1', '255.255.255.0', net.segment('wan'));
  assert.throws(
    () =>
      createGateway({
        config,
        adapters: {
          udp: [router.udpEndpoint('1.1.1.1', 500)],
          raw: [router.rawEndpoint('1.1.1.1')],
          tunnel: router.packetTunnel(),
        },
        scheduler: net.scheduler,
        bus: new EventBus(),
      }),
    (error: unknown) => {
      assert.ok(error instanceof GatewayRefused);
      assert.match(
        error.message,
        /^r\.cfg:[23]: crypto isakmp policy 1 \(authentication rsa-encr\): .*not supported/,
      );
      return true;
    },
  );
});

test('the chapter pair (pre-shared keys) is accepted', () => {
  const config = parseConfigText(
    RSA_SIG.replace('authentication rsa-encr', 'authentication pre-share'),
    'r.cfg',
  );
  const net = new VirtualNetwork();
  const router = net.router('r');
  router.addInterface('Ethernet1', '1.1.1.1', '255.255.255.0', net.segment('wan'));
  const gateway = createGateway({
    config,
    adapters: {
      udp: [router.udpEndpoint('1.1.1.1', 500)],
      raw: [router.rawEndpoint('1.1.1.1')],
      tunnel: router.packetTunnel(),
    },
    scheduler: net.scheduler,
    bus: new EventBus(),
  });
  gateway.start();
  assert.equal(gateway.policy.length, 1);
  gateway.stop();
});
