// `typeswan lab gre-ha` (Examples 13-16 to 13-18): IPsec-protected GRE tunnels from router1 to
// router2 and router3; cutting router2's serial link takes Tunnel0's line protocol down
// (keepalives), its static route goes, the floating one through Tunnel1 and router3 carries
// the traffic; healing the link brings Tunnel0 back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLab } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { findScenario } from '../../src/lab/scenarios/index.js';
import {
  EXAMPLE_13_16_ROUTER1,
  EXAMPLE_13_17_ROUTER2,
  EXAMPLE_13_18_ROUTER3,
} from '../../src/lab/scenarios/greHaConfigs.js';
import { fixture } from '../util/fixtures.js';

test('the embedded configurations are the chapter examples 13-16 to 13-18 (fixture copies)', () => {
  assert.equal(EXAMPLE_13_16_ROUTER1, readFileSync(fixture('chapter/example-13-16.cfg'), 'utf8'));
  assert.equal(EXAMPLE_13_17_ROUTER2, readFileSync(fixture('chapter/example-13-17.cfg'), 'utf8'));
  assert.equal(EXAMPLE_13_18_ROUTER3, readFileSync(fixture('chapter/example-13-18.cfg'), 'utf8'));
});

test('lab gre-ha: traffic crosses both tunnels, moves to Tunnel1 when router2 is cut off, and back', () => {
  const scenario = findScenario('gre-ha');
  assert.ok(scenario !== undefined);
  const lines: string[] = [];
  const result = runLab(scenario, scenario.routers, realEngines, { out: (l) => lines.push(l) });
  const text = lines.join('\n');
  assert.equal(result.ok, true, lines.slice(-12).join('\n'));
  // before, via Tunnel0 and Tunnel1; during the cut (some echoes lost); after; healed
  assert.equal(result.pings.length, 5);
  const [before2, before3, moving, after, back] = result.pings;
  for (const p of [before2, before3, after, back]) {
    assert.deepEqual(p?.result.replies.map((r) => (r === undefined ? '.' : '!')).join(''), '!!!!!');
    assert.ok((p?.encaps ?? 0) >= 5, 'each echo went through the expected tunnel');
  }
  assert.equal(before2?.to, '10.2.1.2');
  assert.equal(before3?.to, '10.3.1.2');
  assert.ok(
    moving?.result.replies.some((r) => r === undefined),
    'echoes are lost until the path moves',
  );
  assert.ok(
    moving?.result.replies.some((r) => r !== undefined),
    'then they come back through Tunnel1',
  );
  // keepalive 5 s x 3 retries: at least 15 s (three periods unanswered), and the path moves
  // before the fourth period after that
  const failover = result.failoverSeconds ?? NaN;
  assert.ok(failover >= 15 && failover <= 27, `failover ${failover}`);
  assert.match(
    text,
    /router1: \S+ %LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed state to down \(3 keepalives unanswered\)/,
  );
  assert.match(
    text,
    /router1: \S+ %LINEPROTO-5-UPDOWN: Line protocol on Interface Tunnel0, changed state to up/,
  );
  assert.doesNotMatch(text, /Interface Tunnel1, changed state to down/);
  // the GRE packets are what IPsec protects, in transport mode, with the chapter's ACLs
  assert.match(text, /local_proxy= 172\.18\.31\.1\/255\.255\.255\.255\/47\/0/);
  assert.match(text, /in use settings =\{Transport, \}/);
  assert.match(
    text,
    /Tunnel0 is up, line protocol is up\n {2}Hardware is Tunnel\n {2}Internet address is 10\.4\.1\.1\/24/,
  );
  assert.match(text, /Tunnel source 172\.18\.31\.1, destination 172\.18\.45\.2/);
  assert.match(text, /Interfaces using crypto map gre:\n {4}Tunnel0\n {4}Tunnel1\n {4}Serial0/);
  assert.match(text, /lab: PASS/);
});

test('lab gre-ha fails when router1 has no second path (the scenario can fail)', () => {
  const scenario = findScenario('gre-ha');
  assert.ok(scenario?.run !== undefined);
  const lines: string[] = [];
  // without the floating route through Tunnel1, nothing carries 10.2.1.0/24 after the cut
  const broken = {
    ...realEngines,
    parse: (text: string, file: string) =>
      realEngines.parse(text.replace('ip route 10.2.1.0 255.255.255.0 Tunnel1 250\n', ''), file),
  };
  const result = scenario.run(scenario.routers, broken, { out: (l) => lines.push(l), count: 3 });
  assert.equal(result.ok, false);
  assert.match(lines.join('\n'), /lab: FAIL/);
});
