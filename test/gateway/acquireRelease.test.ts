// A failed or refused negotiation releases its acquire at once: traffic asks IKE again after
// 1 s, 2 s, 4 s ... (at most 30 s), not after the 30 s acquire timeout, and an SA coming up
// forgets the failures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AcquireQueue } from '../../src/gateway/acquireQueue.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { DataPlaneAdapter } from '../../src/gateway/dataPlaneAdapter.js';
import type { IkeEvent } from '../../src/ike/events.js';
import { EventBus } from '../../src/observe/bus.js';
import { FakeIke, INITIATOR } from './helpers.js';
import { SELECTOR_A } from '../ike/harness.js';
import { chapterPair } from './chapterPair.js';
import {
  cleartext,
  ManualScheduler,
  RecordingRaw,
  RecordingTunnel,
  RecordingUdp,
  ScriptedIke,
} from './ports.js';

const packet = Uint8Array.of(1);

test('queue: a failure ends the acquire; retries back off 1, 2, 4 ... 30 s; success resets', () => {
  const q = new AcquireQueue(0, 30, 30);
  const waits: number[] = [];
  let now = 0;
  for (let failure = 0; failure < 7; failure++) {
    assert.equal(q.offer(0, packet, now).ask, true, `ask after failure ${failure}`);
    const [released] = q.fail(() => true, now);
    assert.ok(released);
    waits.push(released.retryAt - now);
    assert.equal(q.offer(0, packet, now + 0.5).ask, false, 'no ask during the backoff');
    now = released.retryAt;
  }
  assert.deepEqual(waits, [1, 2, 4, 8, 16, 30, 30]);
  assert.equal(q.offer(0, packet, now).ask, true);
  q.release(() => true);
  assert.equal(q.offer(0, packet, now).ask, true, 'the SA came up: asks again at once');
  const [again] = q.fail(() => true, now);
  assert.equal(again?.retryAt, now + 1, 'failures were forgotten');
});

function setup() {
  const scheduler = new ManualScheduler();
  const tunnel = new RecordingTunnel();
  const ike = new ScriptedIke();
  const udp = new RecordingUdp('172.16.172.10', 500);
  const bus = new EventBus();
  const released: number[] = [];
  bus.subscribe((e) => {
    if (e.source === 'gateway' && e.event.type === 'acquireReleased') released.push(e.event.retryIn);
  });
  const gateway = new Gateway({
    config: INITIATOR,
    adapters: {
      udp: [udp, new RecordingUdp('172.16.172.10', 4500)],
      raw: [new RecordingRaw('172.16.172.10')],
      tunnel,
    },
    scheduler,
    bus,
    ike,
    dataPlane: new DataPlaneAdapter(),
  });
  gateway.start();
  const at = (seconds: number): void => {
    scheduler.advance(seconds);
    tunnel.inject(cleartext('10.1.1.5', '10.1.2.5'));
  };
  /** The peer's answer arrives and the engine reports `event` for it. */
  const peerSays = (seconds: number, event: IkeEvent): void => {
    scheduler.advance(seconds);
    ike.onReceive = () => [{ kind: 'event', event }];
    udp.deliver({
      srcAddress: '172.16.172.20',
      srcPort: 500,
      dstAddress: '172.16.172.10',
      dstPort: 500,
      data: Uint8Array.of(0),
    });
  };
  ike.onAcquire = () => [
    {
      kind: 'event',
      event: {
        type: 'phase1Start',
        connId: ike.acquires.length,
        peer: '172.16.172.20',
        localPort: 500,
        peerPort: 500,
      },
    },
  ];
  return { ike, at, peerSays, released };
}

test('a refused phase 1 lets traffic trigger IKE again within seconds, backing off', () => {
  const s = setup();
  s.at(0);
  assert.equal(s.ike.acquires.length, 1);
  s.peerSays(0.2, { type: 'notifyReceived', connId: 1, notify: 'NO_PROPOSAL_CHOSEN', authenticated: false });
  s.at(0.5);
  assert.equal(s.ike.acquires.length, 1, 'backing off for 1 s');
  s.at(1.3);
  assert.equal(s.ike.acquires.length, 2, 'the next packet after 1 s asks again (was: after 30 s)');
  s.peerSays(1.4, { type: 'authFailed', connId: 2, peer: '172.16.172.20', reason: 'hash mismatch' });
  s.at(2.5);
  assert.equal(s.ike.acquires.length, 2, 'second failure: 2 s');
  // The peer's side is fixed now: the first retry comes 2 s after the last failure.
  const sas = new FakeIke('172.16.172.10', 0x7000);
  const selector = SELECTOR_A;
  s.ike.onAcquire = () => [
    {
      kind: 'install',
      connId: 3,
      messageId: 1,
      peer: '172.16.172.20',
      pairs: [
        {
          inbound: sas.sa('inbound', 0x7001, '172.16.172.20', selector),
          outbound: sas.sa('outbound', 0x7002, '172.16.172.20', selector),
        },
      ],
    },
  ];
  s.at(3.5);
  assert.equal(s.ike.acquires.length, 3);
  assert.equal(s.ike.acquires[2]?.now, 3.5);
  assert.deepEqual(s.released, [1, 2]);
});

test('a quick mode ended by an error and a given-up phase 1 release too; status notifies do not', () => {
  const s = setup();
  s.at(0);
  s.peerSays(0.1, { type: 'notifyReceived', connId: 1, notify: 'INITIAL_CONTACT', authenticated: true });
  s.peerSays(0.2, { type: 'notifyReceived', connId: 1, notify: 'NOTIFY(24579)', authenticated: true });
  assert.deepEqual(s.released, [], 'status notifies');
  s.peerSays(0.3, {
    type: 'nodeDeleted',
    connId: 1,
    messageId: 7,
    error: true,
    reason: 'INVALID_ID_INFORMATION',
  });
  assert.deepEqual(s.released, [1]);
  s.at(1.4);
  assert.equal(s.ike.acquires.length, 2);
  s.peerSays(1.5, { type: 'giveUp', connId: 2, peer: '172.16.172.20', messageId: 0, reason: 'no answer' });
  assert.deepEqual(s.released, [1, 2]);
});

test('real engines: a refused main mode is retried within seconds; once the peer is fixed the tunnel comes up', () => {
  const s = chapterPair({ seed: 3, rngSeed: 10 });
  const responder = s.gateways[1]!;
  const good = responder.config;
  // The Responder only accepts AES in phase 1: it answers the Initiator's 3DES with NO_PROPOSAL_CHOSEN.
  responder.reconfigure({
    ...good,
    isakmpPolicies: good.isakmpPolicies.map((p) => ({ ...p, encryption: 'aes' })),
  });
  const start = s.net.scheduler.now();
  assert.equal(s.ping(), '.....');
  const acquires = (): number => s.events.filter((e) => e === 'Initiator acquire').length;
  assert.ok(
    acquires() >= 3,
    `acquires in ${s.net.scheduler.now() - start} s of pings: ${acquires()} (was 1 until 30 s)`,
  );
  assert.ok(s.events.includes('Initiator acquireReleased'));
  responder.reconfigure(good);
  const fixed = acquires();
  const replies = s.ping();
  assert.match(replies, /^\.{0,3}!+$/, `after the fix: ${replies}`);
  assert.equal(acquires(), fixed + 1, 'the first retry after the fix brought the tunnel up');
});
