// A tunnel interface's device follows its line protocol through the gateway: unanswered
// keepalives set it down, and a reload (whose tunnels start up, as IOS's do) sets it up again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from '../../src/gateway/gateway.js';
import { DataPlaneAdapter } from '../../src/gateway/dataPlaneAdapter.js';
import { parseConfigText } from '../../src/gateway/configFile.js';
import { EventBus } from '../../src/observe/bus.js';
import { EXAMPLE_13_17_ROUTER2 } from '../../src/lab/scenarios/greHaConfigs.js';
import { ManualScheduler, RecordingRaw, RecordingTunnel, RecordingUdp, ScriptedIke } from './ports.js';

class LinkTunnel extends RecordingTunnel {
  readonly link: boolean[] = [];
  setLinkUp(up: boolean): void {
    this.link.push(up);
  }
}

test('keepalives unanswered set the device down; a reload sets it up again', () => {
  const text = EXAMPLE_13_17_ROUTER2.replace(
    ' tunnel destination 172.18.31.1',
    ' tunnel destination 172.18.31.1\n keepalive 5 3',
  );
  assert.notEqual(text, EXAMPLE_13_17_ROUTER2);
  const config = parseConfigText(text, 'router2.cfg');
  const device = new LinkTunnel();
  const scheduler = new ManualScheduler();
  const bus = new EventBus();
  const changes: string[] = [];
  bus.subscribe((e) => {
    if (e.event.type === 'lineProtocol')
      changes.push(`${e.event.interface} ${e.event.up ? 'up' : 'down'}: ${e.event.reason}`);
  });
  const gateway = new Gateway({
    config,
    adapters: {
      udp: [new RecordingUdp('172.18.45.1', 500)],
      raw: [new RecordingRaw('172.18.45.1')],
      tunnel: new RecordingTunnel(),
      greTunnels: new Map([['Tunnel0', device]]),
    },
    scheduler,
    bus,
    ike: new ScriptedIke(),
    dataPlane: new DataPlaneAdapter(),
  });
  gateway.start();
  scheduler.advance(16);
  assert.deepEqual(device.link, [false]);
  assert.deepEqual(changes, ['Tunnel0 down: 3 keepalives unanswered']);
  gateway.reconfigure(parseConfigText(text, 'router2.cfg'));
  assert.deepEqual(device.link, [false, true]);
  assert.deepEqual(changes.slice(1), ['Tunnel0 up: configuration reloaded']);
  gateway.reconfigure(parseConfigText(text, 'router2.cfg'));
  assert.deepEqual(device.link, [false, true], 'a tunnel that was up is left alone');
  gateway.stop();
});
