// The lab's WAN capture and key log: the capture holds the main mode and quick mode messages
// and one ESP packet per echo that crossed; Wireshark (tshark, an independent implementation)
// decrypts the ESP with the logged keys and finds the ICMP echoes inside.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLab } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { findScenario } from '../../src/lab/scenarios/index.js';
import { espSaLine, ikev1DecryptionLine } from '../../src/observe/keylog.js';
import { decodeCapture, encodePcap, LINKTYPE_RAW } from '../../src/observe/pcap.js';

function run() {
  const scenario = findScenario('psk');
  assert.ok(scenario);
  const keys = new Set<string>();
  const ikeKeys = new Set<string>();
  const result = runLab(scenario, scenario.routers, realEngines, {
    out: () => undefined,
    debug: [],
    capture: true,
    onSaInstalled: (sa) => {
      const line = espSaLine(sa);
      if (line !== undefined) keys.add(line);
    },
    onIkeKeys: (k) => ikeKeys.add(ikev1DecryptionLine(k.initiatorCookie, k.encryptionKey)),
  });
  assert.equal(result.ok, true);
  return { pcap: encodePcap(result.frames, LINKTYPE_RAW), keys: [...keys], ikeKeys: [...ikeKeys] };
}

test('capture: 6 main mode + 3 quick mode messages on UDP 500, then 8 ESP packets (4 echoes, 4 replies)', () => {
  const { pcap, keys } = run();
  const frames = decodeCapture(pcap);
  const protocol = (data: Uint8Array): number => data[9] ?? -1;
  const udpPort = (data: Uint8Array): number => ((data[22] ?? 0) << 8) | (data[23] ?? 0);
  const isakmp = frames.filter((f) => protocol(f.data) === 17 && udpPort(f.data) === 500);
  const esp = frames.filter((f) => protocol(f.data) === 50);
  assert.equal(isakmp.length, 9);
  assert.equal(esp.length, 8);
  assert.equal(frames.length, 17);
  assert.equal(keys.length, 2, 'one ESP SA per direction');
});

const tshark = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
const noTshark = tshark.status === 0 ? undefined : 'tshark is not installed';

test(
  'tshark decrypts the lab ESP with the logged keys: 4 echo requests, 4 replies',
  { skip: noTshark },
  () => {
    const { pcap, keys } = run();
    const dir = mkdtempSync(join(tmpdir(), 'typeswan-lab-pcap-'));
    try {
      const file = join(dir, 'lab.pcap');
      writeFileSync(file, pcap);
      const args = [
        '-r',
        file,
        '-o',
        'esp.enable_encryption_decode:TRUE',
        ...keys.flatMap((k) => ['-o', k]),
        '-Y',
        'icmp',
        '-T',
        'fields',
        '-e',
        'icmp.type',
      ];
      const out = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
      assert.equal(out.status, 0, out.stderr);
      assert.deepEqual(out.stdout.trim().split('\n'), ['8', '0', '8', '0', '8', '0', '8', '0']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'tshark decrypts the lab IKE with the logged phase-1 key: the ID payloads of MM5/MM6 and the proxy IDs',
  { skip: noTshark },
  () => {
    const { pcap, ikeKeys } = run();
    // Both routers report the same IKE SA (same initiator cookie and Ka).
    assert.equal(ikeKeys.length, 1);
    const dir = mkdtempSync(join(tmpdir(), 'typeswan-lab-pcap-'));
    try {
      const file = join(dir, 'lab.pcap');
      writeFileSync(file, pcap);
      const args = [
        '-r',
        file,
        '-o',
        ikeKeys[0]!,
        '-Y',
        'isakmp.id.type',
        '-T',
        'fields',
        '-e',
        'isakmp.id.type',
      ];
      const out = spawnSync('tshark', args, { encoding: 'utf8', timeout: 60_000 });
      assert.equal(out.status, 0, out.stderr);
      // MM5/MM6: ID_IPV4_ADDR (1) each; QM1/QM2: two ID_IPV4_ADDR_SUBNET (4) each (Example 13-1's ACL).
      assert.deepEqual(out.stdout.trim().split('\n'), ['1', '1', '4,4', '4,4']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
