// loadConfiguration / readConfiguration: what is no configuration is refused at once, an
// unknown command is an error with the nearest keyword, IOS abbreviations are read as IOS
// reads them, and a garbage file costs bounded time and output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfiguration, readConfiguration, type ConfigLoad } from '../../src/config/index.js';
import { SeededRandom } from '../../src/net/virtual/rng.js';
import { fixture, projectRoot } from '../util/fixtures.js';

function failure(load: ConfigLoad): ConfigLoad & { ok: false } {
  assert.equal(load.ok, false, 'refused');
  return load as ConfigLoad & { ok: false };
}

function firstError(load: ConfigLoad): string {
  return failure(load).errors[0]?.message ?? '';
}

/** `size` bytes of a seeded PRNG (the same bytes on every run). */
export function randomBytes(seed: number, size: number): Uint8Array {
  const random = new SeededRandom(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(random.next() * 256);
  return out;
}

test('5 MB of random bytes is refused as binary, with one short message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-load-'));
  try {
    const file = join(dir, 'random.cfg');
    writeFileSync(file, randomBytes(9, 5 * 1024 * 1024));
    const load = failure(loadConfiguration(file));
    assert.equal(load.errors.length, 1);
    assert.match(load.errors[0]?.message ?? '', /random\.cfg: not a configuration: binary data/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a pcapng capture is named as one', () => {
  const load = loadConfiguration(join(projectRoot, 'samples', 'ikev1-main-mode.pcapng'));
  assert.match(firstError(load), /not a configuration: a pcapng capture \(read it with `typeswan decode`\)/);
});

test('invalid UTF-8 without a NUL byte is binary too', () => {
  const bytes = new Uint8Array([0x68, 0x6f, 0x73, 0x74, 0xff, 0xfe, 0x0a]);
  assert.match(firstError(readConfiguration(bytes, 'x.cfg')), /binary data \(not valid UTF-8\)/);
});

test('empty, blank and comments-only files have no IOS or PIX command', () => {
  for (const text of ['', '   \n\n\t\n', '!\n! only a comment\n!\n', ': PIX comment\n!\n']) {
    assert.match(
      firstError(readConfiguration(Buffer.from(text), 'e.cfg')),
      /^e\.cfg: no IOS or PIX command/,
      JSON.stringify(text),
    );
  }
});

test('`cryto isakmp policy 1` is an unknown command at 2:1 with "crypto" suggested', () => {
  const load = failure(readConfiguration('hostname r\ncryto isakmp policy 1\n encr 3des\n', 'r.cfg'));
  const e = load.errors[0];
  assert.equal(load.errors.length, 1, 'the policy line under the bad command is not reported again');
  assert.deepEqual([e?.line, e?.column, e?.found, e?.suggestion], [2, 1, 'cryto', 'crypto']);
  assert.equal(e?.message, 'r.cfg:2:1: unknown command "cryto"; did you mean "crypto"?');
  assert.equal(e?.source, 'cryto isakmp policy 1');
});

test('a typo after a known word points at its column with the nearest keyword', () => {
  const e = failure(readConfiguration('crypto isakpm policy 1\n', 'r.cfg')).errors[0];
  assert.deepEqual([e?.line, e?.column, e?.suggestion], [1, 8, 'isakmp']);
});

test('`crypt map vpn 10 ipsec-isakmp`: an unambiguous prefix is the command, as IOS reads it', () => {
  const load = loadConfiguration(fixture('configs/abbreviated-ios.cfg'));
  assert.ok(load.ok, load.ok ? '' : load.errors.map((e) => e.message).join('\n'));
  assert.deepEqual(
    load.model.cryptoMaps.map((e) => [e.map, e.seq, e.peers]),
    [['vpn', 10, ['1.1.1.2']]],
  );
  assert.equal(load.model.isakmpPolicies[0]?.authentication, 'pre-share');
  assert.deepEqual(
    load.model.interfaces.map((i) => [i.name, i.address, i.cryptoMap]),
    [['Ethernet1', '1.1.1.1', 'vpn']],
  );
});

test('an ambiguous abbreviation is an error naming the candidates', () => {
  assert.match(firstError(readConfiguration('c\n', 'r.cfg')), /r\.cfg:1:1: ambiguous command "c": could be /);
});

test('other IOS commands are ignored, sub-modes and banners included; typos inside crypto are not', () => {
  const text = [
    'conf t',
    'hostname r',
    'banner motd ^C',
    'cryto inside a banner is text',
    '^C',
    'line vty 0 4',
    'login',
    ' password secret',
    'router ospf 1',
    ' network 10.0.0.0 0.0.0.255 area 0',
    'no ip domain-lookup',
    'end',
  ].join('\n');
  const load = readConfiguration(text, 'r.cfg');
  assert.ok(load.ok, load.ok ? '' : load.errors.map((e) => e.message).join('\n'));
  assert.equal(load.model.ignored.length, 11);
});

test('5 MB of random printable text stops after a thousand errors', () => {
  const random = new SeededRandom(11);
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789 -!:#.';
  let text = '';
  while (text.length < 5 * 1024 * 1024) {
    let line = '';
    const n = 10 + Math.floor(random.next() * 70);
    for (let i = 0; i < n; i++) line += chars[Math.floor(random.next() * chars.length)] ?? 'x';
    text += `${line}\n`;
  }
  const started = Date.now();
  const load = failure(readConfiguration(Buffer.from(text), 'noise.cfg'));
  assert.equal(load.errors.length, 1000);
  assert.ok(load.stoppedAtLine !== undefined && load.stoppedAtLine < 5000, String(load.stoppedAtLine));
  assert.ok(Date.now() - started < 20_000, 'bounded time');
});

test('every chapter configuration loads through loadConfiguration (or names what start refuses)', () => {
  // 13-19 and 13-21 are the remote-access gateways: XAUTH, Mode Config and a dynamic map run.
  for (const n of ['01', '02', '13', '14', '19', '21', '22']) {
    const load = loadConfiguration(fixture(`chapter/example-13-${n}.cfg`));
    assert.ok(
      load.ok,
      `${n}: ${load.ok ? '' : [...load.errors.map((e) => e.message), ...load.refused.map((r) => r.reason)].join('; ')}`,
    );
  }
});

test('names of Object.prototype are no ports or commands (`eq constructor`, `__proto__`)', () => {
  const load = failure(
    readConfiguration('access-list 102 permit tcp any any eq constructor\n__proto__ x\n', 'p.cfg'),
  );
  assert.deepEqual(
    load.errors.map((e) => [e.line, e.column, e.found]),
    [
      [1, 39, 'constructor'],
      [2, 1, '__proto__'],
    ],
  );
});
