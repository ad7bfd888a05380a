// Metrics from bus events: counted per router, rendered as JSON and Prometheus text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../src/observe/bus.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { IkeEvent } from '../../src/ike/events.js';
import type { TypeswanEvent } from '../../src/observe/events.js';
import { dropReasonLabel, Metrics } from '../../src/observe/metrics.js';

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

const ike = (event: IkeEvent, time = 0): TypeswanEvent => ({ source: 'ike', router: 'r2', time, event });

test('negotiations: started by role, completed, failed once each with what mismatched', () => {
  const bus = new EventBus();
  const metrics = new Metrics(bus);
  const peer = '192.0.2.1';
  const received = (connId: number, exchange: string, messageId: number, state: 'NEW SA' | 'QM_IDLE') =>
    ike({
      type: 'packet',
      connId,
      direction: 'received',
      peer,
      localPort: 500,
      peerPort: 500,
      role: 'R',
      state,
      exchange,
      messageId,
      payloads: [],
    });
  bus.publish(received(1, 'ID_PROT', 0, 'NEW SA'));
  bus.publish(ike({ type: 'ikeSaCreated', connId: 1, peer, role: 'responder' }));
  bus.publish(received(1, 'QUICK_MODE', 7, 'QM_IDLE'));
  // Its retransmission is the same negotiation.
  bus.publish(received(1, 'QUICK_MODE', 7, 'QM_IDLE'));
  bus.publish(
    ike({
      type: 'phase2Check',
      connId: 1,
      messageId: 7,
      check: {
        proposalNumber: 1,
        transformSet: 'ts',
        mismatch: { attribute: 'encryption', ours: 'esp-aes', theirs: 'esp-3des' },
      },
    }),
  );
  bus.publish(
    ike(
      { type: 'nodeDeleted', connId: 1, messageId: 7, error: true, reason: 'no acceptable IPsec proposal' },
      5,
    ),
  );
  bus.publish(ike({ type: 'giveUp', connId: 1, peer, messageId: 7, reason: 'no answer' }));
  bus.publish(ike({ type: 'begin', connId: 1, exchange: 'quick', messageId: 9 }));
  bus.publish(
    ike({ type: 'giveUp', connId: 1, peer, messageId: 9, reason: 'no answer after 5 transmissions' }),
  );
  bus.publish(ike({ type: 'dpd', connId: 1, kind: 'R_U_THERE', direction: 'sent', sequence: 1 }));
  bus.publish(ike({ type: 'rekey', connId: 1, what: 'ipsec', spi: 1 }));
  const text = metrics.prometheus();
  assert.match(text, /\ntypeswan_negotiations_started_total\{router="r2",phase="1",role="responder"\} 1\n/);
  assert.match(text, /\ntypeswan_negotiations_started_total\{router="r2",phase="2",role="responder"\} 1\n/);
  assert.match(text, /\ntypeswan_negotiations_started_total\{router="r2",phase="2",role="initiator"\} 1\n/);
  assert.match(text, /\ntypeswan_negotiations_completed_total\{router="r2",phase="1"\} 1\n/);
  assert.match(
    text,
    /\ntypeswan_negotiations_failed_total\{router="r2",phase="2",reason="no_proposal_chosen"\} 1\n/,
  );
  assert.match(text, /\ntypeswan_negotiations_failed_total\{router="r2",phase="2",reason="timeout"\} 1\n/);
  assert.match(text, /\ntypeswan_dpd_messages_total\{router="r2",kind="R_U_THERE",direction="sent"\} 1\n/);
  assert.match(text, /\ntypeswan_rekeys_total\{router="r2",sa="ipsec"\} 1\n/);
  const [timeout, refused] = metrics.negotiations.recentFailures('r2');
  assert.equal(timeout?.reason, 'timeout');
  assert.deepEqual(refused?.mismatches, [
    { attribute: 'proposal 1: encryption', ours: 'esp-aes', theirs: 'esp-3des' },
  ]);
  assert.equal(refused?.peer, peer);
  assert.equal(refused?.time, 5);
});

test('IKE drop reasons become labels a peer cannot multiply', () => {
  assert.equal(
    dropReasonLabel('replayed QUICK_MODE message ID 3735928559'),
    'replayed QUICK_MODE message ID N',
  );
  assert.equal(dropReasonLabel('malformed: payload length 9 at offset 28'), 'malformed');
  assert.equal(
    dropReasonLabel('ESP SPI 0xdeadbeef unknown, no IKE SA to say so'),
    'ESP SPI N unknown, no IKE SA to say so',
  );
  const bus = new EventBus();
  const metrics = new Metrics(bus);
  for (let i = 0; i < 200; i++)
    bus.publish({
      source: 'gateway',
      router: 'r',
      time: 0,
      event: {
        type: 'packetDropped',
        direction: 'inbound',
        reason: `reason ${String.fromCharCode(65 + (i % 26))}${i}`,
      },
    });
  const drops = metrics.snapshot()['r']!.drops;
  assert.equal(Object.keys(drops).length, 65);
  assert.equal(drops['other'], 200 - 64);
});

test('live SAs and removed SAs add up per peer; promtool accepts the exposition', async () => {
  const bus = new EventBus();
  const metrics = new Metrics(bus);
  bus.publish({
    source: 'gateway',
    router: 'r2',
    time: 0,
    event: {
      type: 'saRemoved',
      protocol: 'esp',
      spi: 0x1000,
      destination: '192.0.2.2',
      reason: 'rekeyed',
      peer: '192.0.2.1',
      direction: 'inbound',
      packets: 10,
      bytes: 840,
    },
  });
  const live = new Map([
    [
      'r2',
      {
        ikeSas: [{ state: 'QM_IDLE' }, { state: 'QM_IDLE' }, { state: 'MM_KEY_EXCH' }],
        ipsecSas: [
          {
            peer: '192.0.2.1',
            spi: 0x2000,
            protocol: 'esp',
            direction: 'inbound',
            transform: 'esp-aes esp-sha-hmac',
            packets: 3,
            bytes: 252,
          },
          {
            peer: '192.0.2.1',
            spi: 0x3000,
            protocol: 'esp',
            direction: 'outbound',
            transform: 'esp-aes esp-sha-hmac',
            packets: 4,
            bytes: 336,
          },
        ] as const,
      },
    ],
  ]);
  const text = metrics.prometheus(live);
  assert.match(text, /\ntypeswan_ike_sas\{router="r2",state="QM_IDLE"\} 2\n/);
  assert.match(text, /\ntypeswan_ike_sas\{router="r2",state="MM_KEY_EXCH"\} 1\n/);
  assert.match(text, /\ntypeswan_ipsec_sas\{router="r2",protocol="esp",direction="in"\} 1\n/);
  assert.match(
    text,
    /\ntypeswan_ipsec_sa_bytes_total\{router="r2",peer="192\.0\.2\.1",spi="0x00002000",protocol="esp",direction="in"\} 252\n/,
  );
  assert.match(
    text,
    /\ntypeswan_peer_packets_total\{router="r2",peer="192\.0\.2\.1",protocol="esp",direction="in"\} 13\n/,
  );
  assert.match(
    text,
    /\ntypeswan_peer_bytes_total\{router="r2",peer="192\.0\.2\.1",protocol="esp",direction="out"\} 336\n/,
  );
  if (!existsSync('/usr/bin/promtool')) {
    console.log('# promtool missing (Debian prometheus; .ci/run installs it): exposition not linted');
    return;
  }
  const lint = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(lint.status, 0, `${lint.stdout}${lint.stderr}`);
});
