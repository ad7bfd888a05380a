// `typeswan lab nat-bypass` in process: it passes, and Wireshark (tshark, an independent
// implementation) finds the IP and ICMP checksums of every packet NATRTR translated correct.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLab } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { findScenario } from '../../src/lab/scenarios/index.js';
import { encodePcap, LINKTYPE_RAW } from '../../src/observe/pcap.js';

function run(): { ok: boolean; pcap: Uint8Array; out: string } {
  const scenario = findScenario('nat-bypass');
  assert.ok(scenario);
  const lines: string[] = [];
  const result = runLab(scenario, scenario.routers, realEngines, {
    out: (l) => lines.push(l),
    debug: [],
    capture: true,
  });
  return { ok: result.ok, pcap: encodePcap(result.frames, LINKTYPE_RAW), out: lines.join('\n') };
}

test('nat-bypass passes; a broken policy route makes it fail', () => {
  const { ok, out } = run();
  assert.equal(ok, true, out.slice(-2000));
  // Pointing the policy route at a next hop that is not on the Loopback brings NAT back:
  // the VPN ping then leaves translated, and the run must say FAIL.
  const scenario = findScenario('nat-bypass')!;
  const [natrtr, peer] = scenario.routers;
  const broken = runLab(
    scenario,
    [
      { ...natrtr!, text: natrtr!.text.replace('set ip next-hop 10.2.2.1', 'set ip next-hop 1.1.1.1') },
      peer!,
    ],
    realEngines,
    { out: () => undefined, debug: [] },
  );
  assert.equal(broken.ok, false);
});

const tshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
const noTshark = tshark.status === 0 ? undefined : 'tshark is not installed';
if (noTshark !== undefined) console.log(`# skipping the tshark check: ${noTshark}`);

test('tshark: every translated echo has correct IP and ICMP checksums', { skip: noTshark }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsw-natlab-'));
  try {
    const file = join(dir, 'nat.pcap');
    writeFileSync(file, run().pcap);
    const fields = (filter: string): string[] => {
      const r = spawnSync(
        'tshark',
        [
          '-r',
          file,
          '-o',
          'ip.check_checksum:TRUE',
          '-Y',
          filter,
          '-T',
          'fields',
          '-e',
          'ip.src',
          '-e',
          'ip.checksum.status',
          '-e',
          'icmp.checksum.status',
        ],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter((l) => l.trim() !== '');
    };
    // status 1 is Wireshark's "Good", 0 "Bad" (ICMP checksums are always checked)
    const translated = fields('icmp && (ip.src == 1.1.1.2 || ip.src == 100.1.1.3)');
    assert.equal(translated.length, 10, translated.join('\n'));
    for (const line of translated) assert.match(line, /^\S+\t1\t1$/, line);
    assert.deepEqual(fields('_ws.malformed || ip.checksum.status == 0 || icmp.checksum.status == 0'), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
