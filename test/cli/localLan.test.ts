// The client's local LAN list: a gateway's 0.0.0.0/32 (the Cisco VPN Client's "the LAN I am
// on") becomes the host's connected networks, read from `ip -4 route show scope link` output
// as iproute2 prints it; the TUN's own routes are not the local LAN.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectedNetworks, localLanNetworks, OWN_LAN } from '../../src/cli/localLan.js';

const ROUTES = `10.1.0.0/24 dev r1-lan proto kernel scope link src 10.1.0.1
192.0.2.0/24 dev r1-wan proto kernel scope link src 192.0.2.1
10.2.0.0/24 dev tscl0 scope link
10.3.0.9 dev eth0 scope link
`;

describe('typeswan client local LAN', () => {
  it('reads the connected networks, the TUN and host routes left out', () => {
    assert.deepEqual(connectedNetworks(ROUTES, 'tscl0'), ['10.1.0.0/24', '192.0.2.0/24']);
  });

  it('puts the connected networks where the gateway sent 0.0.0.0/32, once each', () => {
    let asked = 0;
    const connected = (): string[] => {
      asked++;
      return ['10.1.0.0/24', '192.0.2.0/24'];
    };
    assert.deepEqual(localLanNetworks(['172.16.0.0/12'], connected), ['172.16.0.0/12']);
    assert.equal(asked, 0);
    assert.deepEqual(localLanNetworks([OWN_LAN, '10.1.0.0/24', '172.16.0.0/12'], connected), [
      '10.1.0.0/24',
      '192.0.2.0/24',
      '172.16.0.0/12',
    ]);
  });
});
