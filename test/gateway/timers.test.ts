// The gateway asks the IKE engine for its next deadline after calling it, not per tunnel
// packet: `nextDeadline()` walks every IKE SA, pending exchange and installed SA.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from '../../src/gateway/gateway.js';
import { DataPlaneAdapter } from '../../src/gateway/dataPlaneAdapter.js';
import { EventBus } from '../../src/observe/bus.js';
import { FakeIke, INITIATOR } from './helpers.js';
import { SELECTOR_A } from '../ike/harness.js';
import {
  cleartext,
  ManualScheduler,
  RecordingRaw,
  RecordingTunnel,
  RecordingUdp,
  ScriptedIke,
} from './ports.js';

test('10,000 tunnel packets over an installed SA cost no IKE deadline scan', () => {
  const scheduler = new ManualScheduler();
  const tunnel = new RecordingTunnel();
  const raw = new RecordingRaw('172.16.172.10');
  const ike = new ScriptedIke();
  ike.deadline = 3000;
  const sas = new FakeIke('172.16.172.10', 0x5000);
  const selector = SELECTOR_A;
  const pair = {
    inbound: sas.sa('inbound', 0x5001, '172.16.172.20', selector),
    outbound: sas.sa('outbound', 0x5002, '172.16.172.20', selector),
  };
  ike.onAcquire = () => [{ kind: 'install', connId: 1, messageId: 1, peer: '172.16.172.20', pairs: [pair] }];
  const gateway = new Gateway({
    config: INITIATOR,
    adapters: {
      udp: [new RecordingUdp('172.16.172.10', 500), new RecordingUdp('172.16.172.10', 4500)],
      raw: [raw],
      tunnel,
    },
    scheduler,
    bus: new EventBus(),
    ike,
    dataPlane: new DataPlaneAdapter(),
  });
  gateway.start();
  tunnel.inject(cleartext('10.1.1.5', '10.1.2.5')); // acquire: the engine installs the pair
  assert.equal(ike.acquires.length, 1);
  const before = ike.nextDeadlineCalls;
  for (let i = 0; i < 10_000; i++) tunnel.inject(cleartext('10.1.1.5', '10.1.2.5'));
  const calls = ike.nextDeadlineCalls - before;
  assert.equal(raw.sent.length, 10_000, 'every packet left as ESP');
  assert.equal(calls, 0, `nextDeadline() calls during 10,000 data packets: ${calls}`);
  // The engine's own calls still re-arm from a fresh deadline.
  gateway.clear('sa');
  assert.equal(ike.nextDeadlineCalls - before, 1);
});
