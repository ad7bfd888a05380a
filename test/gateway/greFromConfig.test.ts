// What a host opens for each GRE tunnel interface: the device's name, MTU, address and the
// `ip route`s pointing into it (a route to a physical interface or a next hop is the host's).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/index.js';
import {
  ESP_MAX_OVERHEAD,
  greTunnelMtu,
  greTunnelSpecs,
  tunnelDeviceSettings,
} from '../../src/gateway/greFromConfig.js';
import { GreTunnels } from '../../src/ipsec/gre.js';
import { formatTunnelInterface } from '../../src/observe/show/tunnelInterface.js';
import { EXAMPLE_13_16_ROUTER1 } from '../../src/lab/scenarios/greHaConfigs.js';

const ROUTER = `hostname router1
interface Tunnel0
 ip address 10.4.1.1 255.255.255.0
 tunnel source Serial0
 tunnel destination 172.18.45.1
 tunnel key 7
!
interface Tunnel1
 ip address 10.4.2.1 255.255.255.252
 ip mtu 1300
 tunnel source 172.18.31.1
 tunnel destination 172.18.45.2
!
interface Tunnel2
 tunnel source 172.18.31.1
!
interface Serial0
 ip address 172.18.31.1 255.255.255.0
!
ip route 10.2.1.0 255.255.255.0 Tunnel0
ip route 10.2.1.0 255.255.255.0 Tunnel1 250
ip route 10.3.0.0 255.255.0.0 tunnel1
ip route 172.18.0.0 255.255.0.0 serial0
`;

test('each runnable tunnel interface: its name, MTU, address as A/LEN and its routes with their distance', () => {
  const settings = tunnelDeviceSettings(parseConfig(ROUTER, 'r1.cfg'));
  assert.deepEqual(settings, [
    {
      name: 'Tunnel0',
      // no crypto map on it: 1500 - 20 (IPv4) - 4 (GRE) - 4 (key)
      mtu: 1472,
      address: '10.4.1.1/24',
      routes: [{ destination: '10.2.1.0/24', metric: 1 }],
    },
    {
      name: 'Tunnel1',
      mtu: 1300,
      address: '10.4.2.1/30',
      routes: [
        { destination: '10.2.1.0/24', metric: 250 },
        { destination: '10.3.0.0/16', metric: 1 },
      ],
    },
  ]);
});

test("the chapter's router1: two tunnels with a crypto map leave room for ESP", () => {
  const config = parseConfig(EXAMPLE_13_16_ROUTER1, 'example-13-16.cfg');
  const settings = tunnelDeviceSettings(config);
  assert.deepEqual(
    settings.map((s) => [s.name, s.address, s.routes.length]),
    [
      ['Tunnel0', '10.4.1.1/24', 0],
      ['Tunnel1', '10.4.2.1/24', 0],
    ],
  );
  assert.equal(settings[0]?.mtu, 1500 - 24 - ESP_MAX_OVERHEAD);
  const tunnel0 = config.interfaces.find((i) => i.name === 'Tunnel0');
  assert.ok(tunnel0 !== undefined);
  assert.equal(settings[0]?.mtu, greTunnelMtu(tunnel0));
});

test('tunnel sequence-datagrams and tunnel checksum: 4 bytes each off the MTU, and shown enabled', () => {
  const config = parseConfig(
    `hostname r1
interface Tunnel0
 ip address 10.4.1.1 255.255.255.0
 tunnel source 172.18.31.1
 tunnel destination 172.18.45.1
 tunnel key 7
 tunnel sequence-datagrams
 tunnel checksum
`,
    'r1.cfg',
  );
  const [spec] = greTunnelSpecs(config);
  assert.ok(spec !== undefined);
  assert.equal(spec.mtu, 1500 - 20 - 4 - 3 * 4);
  assert.equal(spec.sequenceDatagrams, true);
  assert.equal(spec.checksum, true);
  const [view] = new GreTunnels([spec], 0).views();
  assert.ok(view !== undefined);
  const lines = formatTunnelInterface({ ...view, netmask: '255.255.255.0' }, 0);
  assert.ok(
    lines.includes('  Tunnel protocol/transport GRE/IP, key 0x7, sequencing enabled'),
    lines.join('\n'),
  );
  assert.ok(lines.includes('  Checksumming of packets enabled'));
});
