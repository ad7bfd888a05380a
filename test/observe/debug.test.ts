// Debug rendering and the event bus: IOS timestamps as the chapter prints them, IKE lines
// grouped into messages ("Old State" continues its "Input =" line), categories for
// `debug crypto isakmp|ipsec|engine`, and a bus that survives a failing subscriber.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, eventToJsonLine } from '../../src/observe/bus.js';
import { iosUptime, renderDebug, stampDebug } from '../../src/observe/debug.js';
import type { TypeswanEvent } from '../../src/observe/events.js';

test('iosUptime: 00:04:10 (Example 13-3), 1w1d (Example 13-5), 1d02h', () => {
  assert.equal(iosUptime(4 * 60 + 10), '00:04:10');
  assert.equal(iosUptime(8 * 86400 + 5), '1w1d');
  assert.equal(iosUptime(86400 + 2 * 3600 + 59), '1d02h');
});

test('an IKE state change is one message: "Input = ..." then "Old State = ... New State = ..." (Example 13-3)', () => {
  const event: TypeswanEvent = {
    source: 'ike',
    router: 'Initiator',
    time: 250,
    event: {
      type: 'state',
      connId: 1,
      input: 'IKE_MSG_FROM_IPSEC, IKE_SA_REQ_MM',
      from: 'IKE_READY',
      to: 'IKE_I_MM1',
    },
  };
  const lines = renderDebug(event);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.category, 'isakmp');
  assert.equal(
    stampDebug(event.time, lines[0]!.text),
    '00:04:10: ISAKMP (0:1): Input = IKE_MSG_FROM_IPSEC, IKE_SA_REQ_MM\nOld State = IKE_READY New State = IKE_I_MM1',
  );
});

test('sa_request is a `debug crypto ipsec` message with its continuation lines', () => {
  const lines = renderDebug({
    source: 'ike',
    router: 'Initiator',
    time: 250,
    event: {
      type: 'saRequest',
      local: '172.16.172.10',
      remote: '172.16.172.20',
      selector: {
        protocol: 0,
        localStart: '10.1.1.0',
        localEnd: '10.1.1.255',
        localPortStart: 0,
        localPortEnd: 65535,
        remoteStart: '10.1.2.0',
        remoteEnd: '10.1.2.255',
        remotePortStart: 0,
        remotePortEnd: 65535,
      },
      transform: 'esp-3des esp-md5-hmac',
      lifetimeSeconds: 3600,
      lifetimeKilobytes: 4608000,
      spi: 0x8eab0b22,
    },
  });
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.category, 'ipsec');
  const text = lines[0]!.text.split('\n');
  assert.equal(text[0], 'IPSEC(sa_request): ,');
  // Example 13-3: "local_proxy= 10.1.1.0/255.255.255.0/0/0 (type=4),"
  assert.ok(text.some((l) => l.trim() === 'local_proxy= 10.1.1.0/255.255.255.0/0/0 (type=4),'));
  assert.ok(text.some((l) => l.trim() === 'lifedur= 3600s and 4608000kb,'));
});

test('gateway events are engine messages', () => {
  const lines = renderDebug({
    source: 'gateway',
    router: 'r',
    time: 0,
    event: { type: 'packetDropped', direction: 'inbound', reason: 'replay' },
  });
  assert.deepEqual(lines, [{ category: 'engine', text: 'CRYPTO_ENGINE: inbound packet dropped: replay' }]);
});

test('the bus delivers in order, drops a throwing subscriber, and unsubscribes', () => {
  const bus = new EventBus();
  const seen: string[] = [];
  const off = bus.subscribe((e) => seen.push(`a:${e.event.type}`));
  bus.subscribe(() => {
    throw new Error('bad renderer');
  });
  bus.subscribe((e) => seen.push(`c:${e.event.type}`));
  const event: TypeswanEvent = { source: 'gateway', router: 'r', time: 1, event: { type: 'stopped' } };
  bus.publish(event);
  assert.deepEqual(seen, ['a:stopped', 'c:stopped']);
  assert.equal(bus.failedSubscribers, 1);
  off();
  bus.publish(event);
  assert.deepEqual(seen, ['a:stopped', 'c:stopped', 'c:stopped']);
  assert.equal(
    eventToJsonLine(event),
    '{"source":"gateway","router":"r","time":1,"event":{"type":"stopped"}}',
  );
});
