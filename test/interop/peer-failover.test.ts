// Several peers in one crypto map entry on a real kernel: r1 (the hub) lists r2 first and r3
// second (`set peer` twice) for 10.2.0.0/16. Traffic goes to r2 first; r2's typeswan is then
// frozen (SIGSTOP), r1's on-demand dead peer detection declares it dead, the entry moves to
// r3, and ha's pings to r3's network cross with SAs to r3. The failover time is printed.
//
//  ha -- r1 192.0.2.1 ===== 192.0.2.2 r2 -- hb 10.2.0.10
//           198.51.100.1 == 198.51.100.3 r3 (10.2.3.1 on lo)

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, announceSkip, interopSkipReason, Lab, run, Typeswan } from './harness.js';
import { multiPeerHub, multiPeerSite } from '../util/multiPeer.js';

const skip = interopSkipReason({ charon: false, typeswan: true });
announceSkip('typeswan several peers per crypto map entry', skip);

const R3_WAN = '198.51.100.3';
const R1_TO_R3 = '198.51.100.1';
const R3_NET = '10.2.3.1';

const HUB = multiPeerHub({
  lan: ADDR.r1Lan,
  wan: ADDR.r1Wan,
  peers: [
    { address: ADDR.r2Wan, key: 'primary-key' },
    { address: R3_WAN, key: 'backup-key' },
  ],
  // on-demand DPD: 10 s without an answer to traffic, then 5 queries 2 s apart
  extra: 'crypto isakmp keepalive 10 2\n',
});

const site = (hostname: string, lan: string, wan: string, key: string): string =>
  multiPeerSite({ hostname, lan, wan, hub: ADDR.r1Wan, key });

describe('interop: typeswan, several peers in one crypto map entry', { skip, timeout: 180_000 }, () => {
  let lab: Lab;
  const daemons: Typeswan[] = [];
  let primary: Typeswan | undefined;

  before(async () => {
    lab = await Lab.create({ tag: 'pf' });
    await lab.addRouter('r3', `${R1_TO_R3}/24`, `${R3_WAN}/24`);
    for (const args of [
      ['-n', lab.ns('r3'), 'route', 'add', '192.0.2.0/24', 'via', R1_TO_R3],
      ['-n', lab.ns('r3'), 'addr', 'add', `${R3_NET}/32`, 'dev', 'lo'],
    ]) {
      const r = await run('ip', args);
      assert.equal(r.code, 0, r.stderr);
    }
  });
  after(async () => {
    if (primary?.daemon.pid !== undefined) process.kill(primary.daemon.pid, 'SIGCONT');
    for (const d of daemons) await d.stop();
    await lab?.destroy();
  });

  it('the first peer carries the traffic; frozen, DPD declares it dead and the second takes over', async () => {
    primary = await Typeswan.start(lab, 'r2', site('r2', ADDR.r2Lan, ADDR.r2Wan, 'primary-key'), 'pf-r2');
    daemons.push(primary);
    const backup = await Typeswan.start(lab, 'r3', site('r3', R3_NET, R3_WAN, 'backup-key'), 'pf-r3');
    daemons.push(backup);
    const hub = await Typeswan.start(lab, 'r1', HUB, 'pf-r1');
    daemons.push(hub);

    let first = await lab.ping('ha', ADDR.hb, 5, 0.2);
    if (first.received < 4) first = await lab.ping('ha', ADDR.hb, 5, 0.2);
    assert.ok(first.received >= 4, `${first.output}\nr1:\n${hub.log().slice(-3000)}`);
    const before = await hub.cli(['show', 'crypto', 'ipsec', 'sa']);
    assert.match(before.stdout, /current_peer: 192\.0\.2\.2/);

    const pid = primary.daemon.pid;
    assert.ok(pid !== undefined);
    process.kill(pid, 'SIGSTOP');
    const frozen = Date.now();
    let answered = false;
    while (!answered && Date.now() - frozen < 90_000)
      answered = (await lab.ping('ha', R3_NET, 1, 0.2)).received === 1;
    const seconds = (Date.now() - frozen) / 1000;
    assert.ok(answered, `no reply through r3:\nr1:\n${hub.log().slice(-4000)}`);
    console.log(
      `# failover to the second peer: first reply through it ${seconds.toFixed(1)} s after the first was frozen`,
    );
    assert.match(
      hub.log(),
      /ISAKMP: crypto map vpn 10: peer 192\.0\.2\.2 -> 198\.51\.100\.3: dead peer detection: no answer to \d+ R-U-THEREs/,
    );
    const after = await hub.cli(['show', 'crypto', 'ipsec', 'sa']);
    assert.match(after.stdout, /current_peer: 198\.51\.100\.3/);
    const ping = await lab.ping('ha', R3_NET, 5, 0.2);
    assert.equal(ping.received, 5, ping.output);
  });
});
