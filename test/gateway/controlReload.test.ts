// `typeswan reload` over the control socket (exit 0 and the gateway's answer, or exit 2 with
// the configuration's file:line), and a control socket left by a killed gateway: replaced when
// nobody listens on it, refused while a gateway still does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlServer } from '../../src/gateway/controlServer.js';
import type { ControlTarget, ReloadResult } from '../../src/gateway/controlProtocol.js';
import { runCli } from '../../src/cli/program.js';

function target(result: ReloadResult): ControlTarget {
  return {
    show: () => ({ text: '', data: null }),
    clear: () => '',
    debug: () => () => {},
    reload: () => result,
  };
}

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-reload-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

test('reload: the gateway answer on stdout, exit 0', async (t) => {
  const path = join(scratch(t), 'c.sock');
  const server = await startControlServer(
    path,
    target({ ok: true, text: 'r.cfg: configuration reloaded', warnings: [] }),
  );
  t.after(() => server.close());
  const r = await cli(['reload', '--control', path]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, 'r.cfg: configuration reloaded\n');
});

test("reload: the new configuration's warnings follow the answer, one a line", async (t) => {
  const path = join(scratch(t), 'c.sock');
  const server = await startControlServer(
    path,
    target({
      ok: true,
      text: 'r.cfg: configuration reloaded',
      warnings: ['r.cfg:7: policy 5 (rsa-encr) is inert: RSA encrypted nonces are not supported yet'],
    }),
  );
  t.after(() => server.close());
  const r = await cli(['reload', '--control', path]);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out,
    'r.cfg: configuration reloaded\nwarning: r.cfg:7: policy 5 (rsa-encr) is inert: RSA encrypted nonces are not supported yet\n',
  );
});

test('reload of a configuration with an error: file:line on stderr, exit 2', async (t) => {
  const path = join(scratch(t), 'c.sock');
  const server = await startControlServer(
    path,
    target({ ok: false, error: 'r.cfg:4:7: expected one of des, 3des' }),
  );
  t.after(() => server.close());
  const r = await cli(['reload', '--control', path]);
  assert.equal(r.code, 2);
  assert.match(r.err, /r\.cfg:4:7: expected one of des, 3des/);
  assert.match(r.err, /running configuration is kept/);
});

test('a stale control socket of a killed gateway is replaced; a live one is refused', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'c.sock');
  // A process that listens and dies by SIGKILL leaves its socket file behind.
  const script = join(dir, 'die.cjs');
  writeFileSync(
    script,
    `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'));`,
  );
  try {
    execFileSync(process.execPath, [script]);
  } catch {
    // killed, as intended
  }
  assert.ok(existsSync(path), 'the killed process left its socket');
  const server = await startControlServer(path, target({ ok: true, text: 'ok', warnings: [] }));
  t.after(() => server.close());
  await assert.rejects(
    startControlServer(path, target({ ok: true, text: 'second', warnings: [] })),
    /another gateway is listening/,
  );
  const r = await cli(['reload', '--control', path]);
  assert.equal(r.out, 'ok\n', 'the first server still owns the socket');
  const notSocket = join(dir, 'file');
  writeFileSync(notSocket, 'x');
  await assert.rejects(
    startControlServer(notSocket, target({ ok: true, text: '', warnings: [] })),
    /is not a socket/,
  );
});
