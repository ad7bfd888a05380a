// The operator's commands through the built binary against the chapter's pair running in this
// process (real engines, virtual network pumped while the command runs): `typeswan initiate
// crypto map vpn 10` waits for the IPsec SA and exits 0; `sh cry sess`, `list-sas --json`,
// `show crypto engine connections active`, `counters`, `events --json`, `show debug` and
// `undebug all`; and the word parsers with IOS abbreviations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMissing, cliPath } from './runCli.js';
import { startControlServer } from '../../src/gateway/controlServer.js';
import { chapterPair } from '../gateway/chapterPair.js';
import { parseShowWords } from '../../src/cli/show.js';
import { parseClearWords } from '../../src/cli/clear.js';
import { parseInitiateWords } from '../../src/cli/initiate.js';
import { expandExecWords } from '../../src/cli/program.js';
import type { TypeswanEvent } from '../../src/observe/events.js';

const missing = cliMissing();

test('IOS words: sh, detail, session, engine connections active, clear isakmp CONN-ID, initiate', () => {
  const names = ['show', 'clear', 'debug', 'undebug', 'start', 'check', 'decode'];
  assert.deepEqual(expandExecWords(['sh', 'cry', 'isa', 'sa'], names), ['show', 'cry', 'isa', 'sa']);
  assert.deepEqual(expandExecWords(['sho', 'deb'], names), ['show', 'deb']);
  assert.deepEqual(expandExecWords(['cle', 'cry', 'sa'], names), ['clear', 'cry', 'sa']);
  assert.deepEqual(expandExecWords(['u', 'all'], names), ['undebug', 'all']);
  assert.deepEqual(expandExecWords(['no', 'debug', 'all'], names), ['undebug', 'all']);
  assert.deepEqual(expandExecWords(['start', '-c', 'x'], names), ['start', '-c', 'x']);
  assert.deepEqual(expandExecWords(['de', 'x'], names), ['de', 'x'], 'debug or decode: left to commander');
  assert.deepEqual(parseShowWords(['cry', 'sess']), { what: 'session' });
  assert.deepEqual(parseShowWords(['crypto', 'session', 'detail']), { what: 'session detail' });
  assert.deepEqual(parseShowWords(['cry', 'eng', 'conn', 'act']), { what: 'engine connections active' });
  assert.deepEqual(parseShowWords(['cry', 'isa', 'sa', 'det']), { what: 'isakmp sa detail' });
  assert.deepEqual(parseShowWords(['crypto', 'ipsec', 'sa', 'peer', '10.0.0.1', 'detail']), {
    what: 'ipsec sa detail',
    peer: '10.0.0.1',
  });
  assert.deepEqual(parseShowWords(['debug']), { what: 'debug' });
  assert.deepEqual(parseShowWords(['debugging']), { what: 'debug' });
  assert.throws(() => parseShowWords(['crypto', 'map', 'detail']), /unknown show command/);
  assert.throws(() => parseShowWords(['crypto', 'engine', 'connections']), /unknown show command/);
  assert.deepEqual(parseClearWords(['crypto', 'isakmp', '1001']), { what: 'isakmp', connId: 1001 });
  assert.throws(() => parseClearWords(['crypto', 'isakmp', 'x1']), /unknown clear command/);
  assert.deepEqual(parseInitiateWords(['crypto', 'map', 'vpn', '10']), { map: 'vpn', seq: 10 });
  assert.deepEqual(parseInitiateWords(['peer', '172.16.172.20']), { peer: '172.16.172.20' });
  assert.throws(() => parseInitiateWords(['peer', '172.16.172']), /unknown initiate command/);
  assert.throws(() => parseInitiateWords(['crypto', 'map', 'vpn']), /unknown initiate command/);
});

function typeswan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

test(
  'initiate, show crypto session, list-sas, counters, events, show debug, undebug all',
  { skip: missing },
  async () => {
    const s = chapterPair({ seed: 7, rngSeed: 60, startSeconds: 100 });
    const [initiator] = s.gateways;
    assert.ok(initiator);
    // Virtual time runs while the commands run: 50 ms of it every 10 ms.
    const pump = setInterval(() => s.net.scheduler.run(s.net.scheduler.now() + 0.05), 10);
    const dir = mkdtempSync(join(tmpdir(), 'tsop-cli-'));
    const path = join(dir, 'control.sock');
    // The gateway, counting `events` subscriptions: the stream must be on before initiate runs.
    let subscribed = 0;
    const target = new Proxy(initiator, {
      get(t, key) {
        if (key === 'events')
          return (emit: (e: TypeswanEvent) => void) => {
            subscribed++;
            return t.events(emit);
          };
        const value: unknown = Reflect.get(t, key);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
    const server = await startControlServer(path, target);
    const control = ['--control', path];
    try {
      const events = typeswan(['events', '--json', ...control]);
      for (let i = 0; i < 200 && subscribed === 0; i++) await new Promise((r) => setTimeout(r, 25));
      assert.equal(subscribed, 1, 'typeswan events subscribed');
      const up = await typeswan(['initiate', 'crypto', 'map', 'vpn', '10', ...control]);
      assert.equal(up.code, 0, up.stderr);
      assert.equal(
        up.stdout,
        'initiating crypto map vpn 10: 1 proxy ID pair toward 172.16.172.20\nIPsec SA with 172.16.172.20 established\n',
      );
      const session = await typeswan(['sh', 'cry', 'sess', ...control]);
      assert.equal(session.code, 0, session.stderr);
      assert.match(session.stdout, /^Session status: UP-ACTIVE\nPeer: 172\.16\.172\.20 port 500\n/m);
      const list = await typeswan(['list-sas', '--json', ...control]);
      const data = JSON.parse(list.stdout) as {
        ike: { encryption: string }[];
        ipsec: { transform: string }[];
      };
      assert.deepEqual(
        [data.ike.map((i) => i.encryption), data.ipsec.map((i) => i.transform)],
        [['3des'], ['esp-3des esp-md5-hmac']],
      );
      const text = await typeswan(['list-sas', '--peer', '172.16.172.20', ...control]);
      assert.match(text.stdout, /^172\.16\.172\.20: conn-id 1, QM_IDLE, IKEv1 main mode, initiator, /);
      const engine = await typeswan(['show', 'crypto', 'engine', 'connections', 'active', ...control]);
      assert.match(engine.stdout, /^ {4}1 Ethernet1\/0 {5}172\.16\.172\.10 {3}set {4}HMAC_SHA\+3DES_56_C/m);
      const counters = await typeswan(['counters', '--json', ...control]);
      assert.equal((JSON.parse(counters.stdout) as { ipsecSas: number }).ipsecSas, 1);
      const again = await typeswan(['initiate', 'peer', '192.0.2.99', ...control]);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /no crypto map entry with a peer to initiate to for peer 192\.0\.2\.99/);

      const debugOn = await typeswan(['debug', 'crypto', 'isakmp', 'engine', '--log', ...control]);
      assert.equal(debugOn.code, 1, 'a gateway without a daemon log has no debug-log');
      const noDebug = await typeswan(['show', 'debug', ...control]);
      assert.deepEqual([noDebug.code, noDebug.stdout], [0, '']);
      const stream = typeswan(['debug', 'crypto', 'ipsec', ...control]);
      for (let i = 0; i < 50; i++) {
        const shown = await typeswan(['show', 'debugging', ...control]);
        if (shown.stdout !== '') {
          assert.equal(shown.stdout, 'Cryptographic Subsystem:\n  Crypto IPSEC debugging is on\n');
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const undebug = await typeswan(['u', 'all', ...control]);
      assert.deepEqual([undebug.code, undebug.stdout], [0, 'All possible debugging has been turned off\n']);
      const ended = await stream;
      assert.equal(ended.code, 0);
      assert.match(ended.stdout, /All possible debugging has been turned off\n$/);

      await server.close();
      const streamed = await events;
      assert.equal(streamed.code, 0, 'events ends when the gateway goes away');
      const types = streamed.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { event: { type: string } }).event.type);
      assert.ok(types.includes('acquire') && types.includes('saInstalled'), types.join(' '));
    } finally {
      clearInterval(pump);
      await server.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
