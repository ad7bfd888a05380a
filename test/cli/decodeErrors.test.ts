// `typeswan decode` on bad input and bad command lines: exit codes of the CLI contract
// (DESIGN.md: 0 ok, 1 runtime failure, 2 usage or config error naming the file).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCapture, encodePcap, LINKTYPE_ETHERNET, LINKTYPE_RAW } from '../../src/observe/pcap.js';
import { projectRoot } from '../util/fixtures.js';
import { udpIpv4Frame } from '../util/udpFrame.js';
import { cliMissing, runTypeswan } from './runCli.js';

const missing = cliMissing();
const sample = join(projectRoot, 'samples', 'ikev1-main-mode.pcapng');
const sampleKeys = join(projectRoot, 'samples', 'ikev1-main-mode.keys');

function inTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-cli-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface JsonLine {
  readonly frame: number;
  readonly src?: string;
  readonly payloads?: readonly { readonly type: string }[];
  readonly encryption?: { readonly status: string; readonly reason?: string };
  readonly error?: { readonly message: string; readonly offset?: number; readonly frameOffset: number };
}

function jsonLines(stdout: string): JsonLine[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l): JsonLine => JSON.parse(l));
}

test('the README command: the shipped sample decodes and decrypts', (t) => {
  if (missing !== undefined) return t.skip(missing);
  const run = runTypeswan(['decode', sample, '--keys', sampleKeys]);
  assert.equal(run.status, 0, run.stderr);
  // The sample is strongSwan's mm-psk-aes128-sha1-modp2048 capture: 9 ISAKMP frames, MM5-QM3 encrypted.
  assert.equal(run.stdout.match(/^frame \d+ /gm)?.length, 9);
  assert.equal(run.stdout.match(/^ {2}decrypted \d+ bytes/gm)?.length, 5);
  assert.match(run.stdout, /identity +: 10\.1\.0\.0\/255\.255\.255\.0/);
});

test('without keys, encrypted messages are shown as such and the exit code is 0', (t) => {
  if (missing !== undefined) return t.skip(missing);
  const run = runTypeswan(['decode', sample, '--json']);
  assert.equal(run.status, 0, run.stderr);
  const lines = jsonLines(run.stdout);
  assert.equal(lines.length, 9);
  const opaque = lines.filter((l) => l.encryption?.status === 'opaque');
  assert.deepEqual(
    opaque.map((l) => l.frame),
    [5, 6, 7, 8, 9],
  );
  assert.match(opaque[0]!.encryption!.reason!, /no key for initiator cookie 65c91c5b278c3d04/);
});

test('missing capture or key file: exit 2 naming the file', (t) => {
  if (missing !== undefined) return t.skip(missing);
  const noCapture = runTypeswan(['decode', '/nonexistent/x.pcap']);
  assert.equal(noCapture.status, 2, noCapture.stderr);
  assert.match(noCapture.stderr, /\/nonexistent\/x\.pcap: cannot read capture: no such file/);
  const noKeys = runTypeswan(['decode', sample, '--keys', '/nonexistent/keys']);
  assert.equal(noKeys.status, 2, noKeys.stderr);
  assert.match(noKeys.stderr, /\/nonexistent\/keys: cannot read key file/);
  assert.equal(noKeys.stdout, '');
});

test('truncated or corrupt capture: a clear message and exit 2', (t) => {
  if (missing !== undefined) return t.skip(missing);
  inTempDir((dir) => {
    const bytes = readFileSync(sample);
    const truncated = join(dir, 'truncated.pcapng');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const run = runTypeswan(['decode', truncated]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /truncated\.pcapng: .*(truncated|block length).* at byte \d+/);
    const garbage = join(dir, 'garbage.pcap');
    writeFileSync(garbage, Buffer.from('this is not a capture file at all'));
    const bad = runTypeswan(['decode', garbage]);
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /garbage\.pcap: not a pcap or pcapng file/);
  });
});

test('a malformed ISAKMP message is reported with frame and offset; later frames still decode', (t) => {
  if (missing !== undefined) return t.skip(missing);
  inTempDir((dir) => {
    const frames = decodeCapture(readFileSync(sample));
    const data = frames.map((f) => ({ time: f.time, data: Uint8Array.from(f.data) }));
    // Frame 1 is Ethernet (14) + IPv4 (20) + UDP (8): ISAKMP starts at byte 42. Its first
    // payload (SA) has its generic header at ISAKMP offset 28; the length field is at 30.
    // A length of 2 is shorter than the 4-byte generic header (RFC 2408 §3.2).
    data[0]!.data[42 + 30] = 0;
    data[0]!.data[42 + 31] = 2;
    const corrupted = join(dir, 'corrupted.pcap');
    writeFileSync(corrupted, encodePcap(data, LINKTYPE_ETHERNET));

    const json = runTypeswan(['decode', corrupted, '--keys', sampleKeys, '--json']);
    assert.equal(json.status, 0, json.stderr);
    const lines = jsonLines(json.stdout);
    assert.equal(lines[0]!.frame, 1);
    assert.equal(lines[0]!.src, '192.0.2.1:500');
    assert.equal(lines[0]!.error?.offset, 30);
    assert.equal(lines[0]!.error?.frameOffset, 72);
    assert.match(lines[0]!.error!.message, /malformed ISAKMP message: payload length 2/);
    // Frames 2-9 are still decoded, and the encrypted ones (5-9) still decrypted.
    assert.deepEqual(
      lines.slice(1).map((l) => l.frame),
      [2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.ok(lines.slice(1).every((l) => l.error === undefined));
    assert.equal(lines.filter((l) => l.encryption?.status === 'decrypted').length, 5);

    const tree = runTypeswan(['decode', corrupted]);
    assert.equal(tree.status, 0, tree.stderr);
    assert.match(
      tree.stdout,
      /^frame 1 {2}192\.0\.2\.1:500 -> 192\.0\.2\.2:500\n {2}malformed ISAKMP message: .*\[offset 30 \(frame byte 72\)\]/m,
    );
    assert.match(tree.stdout, /^frame 9 /m);
  });
});

test('a wrong key is reported per message, not a crash', (t) => {
  if (missing !== undefined) return t.skip(missing);
  inTempDir((dir) => {
    const keys = join(dir, 'wrong.keys');
    writeFileSync(keys, '65c91c5b278c3d04,00112233445566778899aabbccddeeff\n');
    const run = runTypeswan(['decode', sample, '--keys', keys, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const lines = jsonLines(run.stdout);
    assert.deepEqual(
      lines.map((l) => l.frame),
      [1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    // With this key, MM5's plaintext starts with a payload length past the end of the body.
    const frame5 = lines[4]!;
    assert.match(
      frame5.error?.message ?? '',
      /after decryption \(wrong key\?\): payload length \d+ runs past the end/,
    );
    assert.equal(frame5.error?.offset, 30);
    const key = join(dir, 'short.keys');
    writeFileSync(key, '65c91c5b278c3d04,0011\n');
    const short = jsonLines(runTypeswan(['decode', sample, '--keys', key, '--json']).stdout);
    assert.match(short[4]!.encryption?.reason ?? '', /has 2 bytes, aes-cbc needs 16/);
  });
});

test('a bad key file line: exit 2 with file and line', (t) => {
  if (missing !== undefined) return t.skip(missing);
  inTempDir((dir) => {
    const keys = join(dir, 'bad.keys');
    writeFileSync(keys, '# comment\n65c91c5b278c3d04;98f193f5c7eaf4bdd84d37f1a6c8bd02\n');
    const run = runTypeswan(['decode', sample, '--keys', keys]);
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /bad\.keys:2: expected "<initiator cookie>,<encryption key>"/);
    assert.equal(run.stdout, '');
  });
});

test('IPv6 and UDP 4500: only the non-ESP-marked message is decoded; ESP and keepalives are skipped', (t) => {
  if (missing !== undefined) return t.skip(missing);
  inTempDir((dir) => {
    const frames = decodeCapture(readFileSync(sample));
    const ike = frames[0]!.data.subarray(42); // MM1 from the sample
    const v6 = ipv6Udp(4500, 4500, new Uint8Array([0, 0, 0, 0, ...ike]));
    const esp = udpIpv4Frame(
      '192.0.2.1',
      '192.0.2.2',
      4500,
      4500,
      new Uint8Array([0xb7, 0xa1, 0x6b, 0x47, 0, 0, 0, 1, 1, 2, 3, 4]),
    );
    const keepalive = udpIpv4Frame('192.0.2.1', '192.0.2.2', 4500, 4500, new Uint8Array([0xff]));
    const file = join(dir, 'v6.pcap');
    writeFileSync(
      file,
      encodePcap(
        [
          { time: 1, data: esp },
          { time: 2, data: keepalive },
          { time: 3, data: v6 },
        ],
        LINKTYPE_RAW,
      ),
    );
    const run = runTypeswan(['decode', file, '--json']);
    assert.equal(run.status, 0, run.stderr);
    const lines = jsonLines(run.stdout);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.frame, 3);
    assert.equal(lines[0]!.src, '[2001:db8::1]:4500');
    assert.deepEqual(
      lines[0]!.payloads?.map((p) => p.type),
      ['SA', 'VID', 'VID', 'VID', 'VID', 'VID'],
    );
  });
});

function ipv6Udp(sport: number, dport: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(48 + payload.length);
  out[0] = 0x60;
  out[4] = (8 + payload.length) >> 8;
  out[5] = (8 + payload.length) & 0xff;
  out[6] = 17;
  out[7] = 64;
  out.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 8);
  out.set([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], 24);
  out.set(
    [
      sport >> 8,
      sport & 0xff,
      dport >> 8,
      dport & 0xff,
      (8 + payload.length) >> 8,
      (8 + payload.length) & 0xff,
    ],
    40,
  );
  out.set(payload, 48);
  return out;
}

test('usage: help, unknown command, unknown option, missing argument', (t) => {
  if (missing !== undefined) return t.skip(missing);
  const help = runTypeswan(['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /Usage: typeswan/);
  assert.match(help.stdout, /decode/);
  const decodeHelp = runTypeswan(['decode', '--help']);
  assert.equal(decodeHelp.status, 0, decodeHelp.stderr);
  assert.match(decodeHelp.stdout, /--keys <file>/);
  assert.match(decodeHelp.stdout, /--json/);
  const unknown = runTypeswan(['frobnicate']);
  assert.equal(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
  const badOption = runTypeswan(['decode', sample, '--nope']);
  assert.equal(badOption.status, 2, badOption.stderr);
  assert.match(badOption.stderr, /unknown option '--nope'/);
  const noArgument = runTypeswan(['decode']);
  assert.equal(noArgument.status, 2, noArgument.stderr);
  assert.match(noArgument.stderr, /missing required argument 'capture'/);
  const nothing = runTypeswan([]);
  assert.equal(nothing.status, 2, nothing.stderr);
  assert.match(nothing.stderr, /Usage: typeswan/);
  const version = runTypeswan(['--version']);
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});
