// Metrics from bus events: counted per router, rendered as JSON and Prometheus text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../src/observe/bus.js';
import { Metrics } from '../../src/observe/metrics.js';

test('counts IKE packets, SA installs and drops per router', () => {
  const bus = new EventBus();
  const metrics = new Metrics(bus);
  const packet = (direction: 'sent' | 'received') =>
    ({
      type: 'packet',
      connId: 1,
      direction,
      peer: '172.16.172.20',
      localPort: 500,
      peerPort: 500,
      role: 'I',
      state: 'MM_NO_STATE',
      exchange: 'ID_PROT',
      messageId: 0,
      payloads: ['SA'],
    }) as const;
  bus.publish({ source: 'ike', router: 'Initiator', time: 0, event: packet('sent') });
  bus.publish({ source: 'ike', router: 'Initiator', time: 0, event: packet('sent') });
  bus.publish({ source: 'ike', router: 'Initiator', time: 0, event: packet('received') });
  bus.publish({
    source: 'gateway',
    router: 'Initiator',
    time: 0,
    event: { type: 'acquire', peer: '172.16.172.20', cryptoMap: 'vpn', seq: 10, held: false },
  });
  bus.publish({
    source: 'gateway',
    router: 'Responder',
    time: 0,
    event: { type: 'packetDropped', direction: 'inbound', reason: 'replay "x"' },
  });
  const snap = metrics.snapshot();
  assert.equal(snap['Initiator']!.ikePacketsSent, 2);
  assert.equal(snap['Initiator']!.ikePacketsReceived, 1);
  assert.equal(snap['Initiator']!.acquires, 1);
  assert.deepEqual(snap['Initiator']!.drops, { 'awaiting SA': 1 });
  assert.deepEqual(snap['Responder']!.drops, { 'replay "x"': 1 });
  const text = metrics.prometheus();
  assert.match(
    text,
    /^# HELP typeswan_ike_packets_total IKE messages by direction\n# TYPE typeswan_ike_packets_total counter\n/,
  );
  assert.match(text, /\ntypeswan_ike_packets_total\{router="Initiator",direction="sent"\} 2\n/);
  assert.match(text, /\ntypeswan_drops_total\{router="Responder",reason="replay \\"x\\""\} 1\n/);
  metrics.close();
  bus.publish({ source: 'ike', router: 'Initiator', time: 0, event: packet('sent') });
  assert.equal(metrics.snapshot()['Initiator']!.ikePacketsSent, 2);
});
