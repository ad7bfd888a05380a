// What the metrics endpoint and the status page read of a running gateway: the chapter's pair
// in memory with the real engines (Examples 13-1 and 13-2: transform set esp-3des esp-md5-hmac, 4 of 5
// pings through, the first one dropped while IKE runs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayStatus, liveState } from '../../src/gateway/status.js';
import { Metrics } from '../../src/observe/metrics.js';
import { chapterPair } from './chapterPair.js';

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('per-peer counters keep what removed SAs carried; per-SA ones follow the live SAs', () => {
  const s = chapterPair({ seed: 5, rngSeed: 40, startSeconds: 100 });
  const metrics = new Metrics(s.bus);
  const initiator = s.gateways[0]!;
  assert.equal(s.ping(), '.!!!!');
  const peer = initiator.ipsecFlows()[0]!.currentPeer;
  const series = `typeswan_peer_packets_total{router="${initiator.name}",peer="${peer}",protocol="esp",direction="out"}`;
  const scrape = (): string => metrics.prometheus(liveState(initiator));
  assert.equal(sample(scrape(), series), 4);
  assert.match(
    scrape(),
    new RegExp(`\\ntypeswan_ike_sas\\{router="${initiator.name}",state="QM_IDLE"\\} 1\\n`),
  );
  initiator.clear('sa');
  s.net.scheduler.run(s.net.scheduler.now() + 1);
  assert.doesNotMatch(scrape(), /typeswan_ipsec_sa_packets_total\{/, 'no SA left to report');
  assert.equal(sample(scrape(), series), 4, 'the removed SAs’ packets still count');
  assert.equal(s.ping(), '.!!!!');
  assert.equal(sample(scrape(), series), 8);
  metrics.close();
});

test('the status: peers with their algorithms, tunnels with transform and counters', () => {
  const s = chapterPair({ seed: 5, rngSeed: 40, startSeconds: 100 });
  const metrics = new Metrics(s.bus);
  const initiator = s.gateways[0]!;
  assert.equal(s.ping(), '.!!!!');
  const status = gatewayStatus(initiator, metrics, { clock: s.net.scheduler.now(), wallTime: 1_700_000_000 });
  assert.equal(status.router, initiator.name);
  assert.equal(status.peers.length, 1);
  assert.equal(status.peers[0]!.state, 'QM_IDLE');
  const [tunnel] = status.tunnels;
  assert.equal(tunnel?.peer, status.peers[0]!.dst);
  assert.deepEqual([...new Set(tunnel?.sas.map((sa) => sa.transform))], ['esp-3des esp-md5-hmac']);
  assert.equal(tunnel?.counters.encaps, 4);
  assert.equal(tunnel?.sas.find((sa) => sa.direction === 'outbound')?.packets, 4);
  assert.deepEqual(status.failures, []);
  metrics.close();
});
