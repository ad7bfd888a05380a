// `typeswan start` without root: as the user nobody with only CAP_NET_ADMIN, CAP_NET_RAW and
// CAP_NET_BIND_SERVICE as ambient capabilities (what service/typeswan@.service gives its user),
// in a network namespace of its own, it opens the TUN device, raw ESP/AH sockets and UDP 500,
// serves its control socket and stops cleanly on SIGTERM; without them it refuses, naming them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMissing, cliPath, runTypeswan } from './runCli.js';

const CAPS = '+net_admin,+net_raw,+net_bind_service';
const NS = `tsop-caps-${process.pid}`;

function skipReason(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root';
  for (const tool of ['setpriv', 'ip'])
    if (spawnSync('bash', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  return cliMissing();
}
const skip = skipReason();
if (skip !== undefined) console.log(`# capabilities test skipped: ${skip}`);

const CONFIG = `hostname r1
crypto isakmp policy 10
 encr aes
 hash sha
 authentication pre-share
 group 14
crypto isakmp key test-only-key-tsop address 192.0.2.2
crypto ipsec transform-set ts esp-aes esp-sha-hmac
access-list 101 permit ip 10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255
crypto map vpn 10 ipsec-isakmp
 set peer 192.0.2.2
 set transform-set ts
 match address 101
interface Ethernet0
 ip address 192.0.2.1 255.255.255.0
 crypto map vpn
`;

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}

test(
  'start runs as nobody with the three capabilities, and refuses without them',
  { skip, timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsop-caps-'));
    chmodSync(dir, 0o777); // nobody creates its control socket here
    const config = join(dir, 'r1.cfg');
    writeFileSync(config, CONFIG, { mode: 0o644 });
    const socket = join(dir, 'r1.sock');
    ip('netns', 'add', NS);
    try {
      ip('-n', NS, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
      ip('-n', NS, 'addr', 'add', '192.0.2.1/24', 'dev', 'v0');
      for (const dev of ['v0', 'v1', 'lo']) ip('-n', NS, 'link', 'set', dev, 'up');
      const asNobody = ['netns', 'exec', NS, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

      const refused = spawnSync('ip', [...asNobody, process.execPath, cliPath, 'start', '-c', config], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(refused.status, 1);
      assert.match(
        refused.stderr,
        /start needs root or the capabilities CAP_NET_BIND_SERVICE, CAP_NET_ADMIN, CAP_NET_RAW/,
      );

      const args = [...asNobody, `--inh-caps=${CAPS}`, `--ambient-caps=${CAPS}`, process.execPath, cliPath];
      const child = spawn('ip', [
        ...args,
        'start',
        '-c',
        config,
        '--control',
        socket,
        '--log-format',
        'journal',
      ]);
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        for (let i = 0; i < 200 && !stderr.includes(' running: '); i++)
          await new Promise((r) => setTimeout(r, 50));
        assert.match(
          stderr,
          /^<5>\d\d:\d\d:\d\d: typeswan: r1 running: v0 192\.0\.2\.1; tunnel tsw\d+ routes 10\.2\.0\.0\/24; control /m,
        );
        const shown = runTypeswan(['show', 'crypto', 'map', '--control', socket]);
        assert.equal(shown.status, 0, shown.stderr);
        assert.match(shown.stdout, /^Crypto Map "vpn" 10 ipsec-isakmp$/m);
      } finally {
        child.kill('SIGTERM'); // ip netns exec and setpriv exec node: this is the gateway's PID
      }
      assert.equal(await exited, 0, stderr);
      assert.match(stderr, /typeswan: stopping: deleting SAs/);
    } finally {
      spawnSync('ip', ['netns', 'del', NS]);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
