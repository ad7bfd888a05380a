// `typeswan lab l2tp`: Example 13-23's LNS with two clients, one behind PAT. Each client's
// ping must cross L2TP/PPP inside IPsec transport mode (NAT-T for the second), with its
// address from `ip local pool vpdn`, MS-CHAPv2 checked by `local` after `radius` errs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLab } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { findScenario } from '../../src/lab/scenarios/index.js';
import { EXAMPLE_13_23_LNS } from '../../src/lab/scenarios/l2tp.js';
import { fixture } from '../util/fixtures.js';

test('the embedded Example 13-23 is the chapter text', () => {
  const norm = (t: string): string =>
    t
      .split('\n')
      .map((l) => l.trimEnd())
      .filter((l) => l !== '')
      .join('\n');
  assert.equal(norm(EXAMPLE_13_23_LNS), norm(readFileSync(fixture('chapter/example-13-23.cfg'), 'utf8')));
});

test('lab l2tp: both clients dial, get pool addresses and ping across L2TP/PPP inside ESP', () => {
  const scenario = findScenario('l2tp');
  assert.ok(scenario);
  const lines: string[] = [];
  const result = runLab(scenario, scenario.routers, realEngines, {
    out: (l) => lines.push(l),
    capture: true,
  });
  const text = lines.join('\n');
  assert.equal(result.ok, true, lines.slice(-8).join('\n'));
  assert.deepEqual(
    result.pings.map((p) => p.from),
    ['192.168.2.10', '192.168.2.11'],
  );
  for (const p of result.pings) {
    assert.equal(p.result.replies.filter((r) => r !== undefined).length, 5);
    assert.equal(p.encaps, 5);
    assert.equal(p.decaps, 5);
  }
  assert.match(text, /AAA: munchkin accept by local/);
  assert.match(text, /CHAP: O CHALLENGE id 1 \(MS-CHAPv2\)/);
  assert.match(text, /in use settings =\{Transport UDP-Encaps, \}/);
  assert.match(text, /in use settings =\{Transport, \}/);
  // nothing on the WAN is L2TP in the clear: UDP 1701 only ever travels inside ESP
  for (const f of result.frames) {
    const d = f.data;
    if (d[9] !== 17) continue;
    const ihl = (d[0]! & 0x0f) * 4;
    const dport = (d[ihl + 2]! << 8) | d[ihl + 3]!;
    const sport = (d[ihl]! << 8) | d[ihl + 1]!;
    assert.ok(dport !== 1701 && sport !== 1701, 'L2TP in the clear on the WAN');
  }
  const lns = result.gateways[0]!;
  assert.equal(lns.l2tp?.peers().length, 0, 'the clients hung up when the lab stopped');
});

test('lab l2tp refuses to pass when the client has the wrong password', () => {
  const scenario = findScenario('l2tp');
  assert.ok(scenario);
  const routers = scenario.routers.map((r, i) =>
    i === 0 ? { ...r, text: r.text.replace('password 0 ozgreen', 'password 0 other') } : r,
  );
  const lines: string[] = [];
  const result = runLab(scenario, routers, realEngines, { out: (l) => lines.push(l), debug: [] });
  assert.equal(result.ok, false);
  assert.match(lines.join('\n'), /lab: FAIL/);
});
