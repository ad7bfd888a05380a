// End to end: the built `typeswan decode --keys --json` on every strongSwan capture, with a key
// file written from the Ka and cookie strongSwan logged (README.md of each vector). Expected
// values come from the READMEs (charon's logs and tshark), and from tshark run on the same capture
// with the same key file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMissing, runTypeswan } from './runCli.js';
import { readVector, VECTORS, type FlowRow, type Vector } from './strongswanReadme.js';

interface JsonAttribute {
  readonly name: string;
  readonly value: number | string | readonly string[];
}
interface JsonPayload {
  readonly type: string;
  readonly data?: string;
  readonly value?: string;
  readonly idTypeName?: string;
  readonly notifyName?: string;
  readonly sequence?: number;
  readonly protocol?: string;
  readonly spis?: readonly string[];
  readonly cfgTypeName?: string;
  readonly attributes?: readonly JsonAttribute[];
  readonly proposals?: readonly {
    readonly transforms: readonly { readonly attributes: readonly JsonAttribute[] }[];
  }[];
}
interface JsonMessage {
  readonly frame: number;
  readonly src?: string;
  readonly dst?: string;
  readonly exchange?: string;
  readonly flags?: { readonly encryption: boolean };
  readonly messageId?: number;
  readonly encryption?: { readonly status: string; readonly iv?: string; readonly reason?: string };
  readonly payloads?: readonly JsonPayload[];
  readonly error?: { readonly message: string };
}

const missing = cliMissing();
const R1 = '192.0.2.1';
const R2 = '192.0.2.2';

// README exchange column -> RFC 2408 name in our JSON.
const EXCHANGES: Record<string, string> = {
  'Main Mode (ID_PROT)': 'IDENTITY_PROTECTION',
  Aggressive: 'AGGRESSIVE',
  'Quick Mode': 'QUICK',
  Informational: 'INFORMATIONAL',
  'Transaction (Mode Config/XAUTH)': 'TRANSACTION',
};
// charon's payload abbreviations -> RFC 2408 names.
const PAYLOADS: Record<string, string> = { No: 'NONCE', V: 'VID' };

function withKeyFile<T>(vector: Vector, body: (keyFile: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'typeswan-decode-'));
  try {
    const keyFile = join(dir, 'ikev1_decryption_table');
    writeFileSync(keyFile, `# ${vector.name}: CKY-I,Ka from the README\n${vector.icookie},${vector.ka}\n`);
    return body(keyFile, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const decoded = new Map<string, JsonMessage[]>();

/** `typeswan decode --keys --json` output, once per vector. */
function decodeJson(vector: Vector): JsonMessage[] {
  const cached = decoded.get(vector.name);
  if (cached !== undefined) return cached;
  const messages = withKeyFile(vector, (keyFile) => {
    const run = runTypeswan(['decode', vector.capture, '--keys', keyFile, '--json']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    return run.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line): JsonMessage => JSON.parse(line));
  });
  decoded.set(vector.name, messages);
  return messages;
}

function byFrame(messages: readonly JsonMessage[]): Map<number, JsonMessage[]> {
  const map = new Map<number, JsonMessage[]>();
  for (const m of messages) map.set(m.frame, [...(map.get(m.frame) ?? []), m]);
  return map;
}

function payloadsOf(messages: readonly JsonMessage[]): JsonPayload[] {
  return messages.flatMap((m) => m.payloads ?? []);
}

function saAttribute(
  payloads: readonly JsonPayload[],
  name: string,
): (number | string | readonly string[])[] {
  return payloads
    .filter((p) => p.type === 'SA')
    .flatMap((p) => p.proposals ?? [])
    .flatMap((pr) => pr.transforms)
    .flatMap((t) => t.attributes)
    .filter((a) => a.name === name)
    .map((a) => a.value);
}

/** Checks one Notes cell of the README's message flow table; returns false for an unknown note. */
function checkNote(note: string, payloads: readonly JsonPayload[], where: string): boolean {
  let m: RegExpMatchArray | null;
  if ((m = note.match(/^ID (.+)$/))) {
    const expected = m[1]!.split(', ').sort();
    const ours = payloads
      .filter((p) => p.type === 'ID')
      .flatMap((p) => (p.value ?? '').split('/'))
      .sort();
    assert.deepEqual(ours, expected, `${where}: decrypted ID payloads`);
  } else if ((m = note.match(/^N\((.+)\)$/))) {
    assert.ok(
      payloads.some((p) => p.type === 'N' && p.notifyName === m![1]),
      `${where}: N(${m[1]})`,
    );
  } else if ((m = note.match(/^seq (\d+)$/))) {
    assert.ok(
      payloads.some((p) => p.type === 'N' && p.sequence === Number(m![1])),
      `${where}: DPD sequence`,
    );
  } else if ((m = note.match(/^IKE life (\d+) s$/))) {
    assert.deepEqual(saAttribute(payloads, 'LIFE_DURATION'), [Number(m[1])], `${where}: IKE life`);
  } else if ((m = note.match(/^IPsec life (\d+) s$/))) {
    assert.deepEqual(saAttribute(payloads, 'SA_LIFE_DURATION'), [Number(m[1])], `${where}: IPsec life`);
  } else if ((m = note.match(/^Delete (ESP|ISAKMP) SPI ([0-9a-f]+)$/))) {
    const d = payloads.find((p) => p.type === 'D');
    assert.equal(
      d?.protocol,
      m[1] === 'ESP' ? 'PROTO_IPSEC_ESP' : 'PROTO_ISAKMP',
      `${where}: delete protocol`,
    );
    assert.equal(d?.spis?.join(''), m[2], `${where}: deleted SPI`);
  } else if ((m = note.match(/^CFG_(REQUEST|REPLY|SET|ACK)$/))) {
    assert.ok(
      payloads.some((p) => p.type === 'ATTR' && p.cfgTypeName === `ISAKMP_CFG_${m![1]}`),
      `${where}: ${note}`,
    );
  } else if ((m = note.match(/^([A-Z0-9_]+)=(.+)$/))) {
    const attributes = payloads.filter((p) => p.type === 'ATTR').flatMap((p) => p.attributes ?? []);
    const attribute = attributes.find((a) => a.name === m![1]);
    assert.equal(String(attribute?.value), m[2], `${where}: ${note}`);
  } else {
    return false;
  }
  return true;
}

function checkFlowRow(row: FlowRow, messages: readonly JsonMessage[] | undefined, vector: string): void {
  const where = `${vector} frame ${row.frame}`;
  assert.ok(messages !== undefined && messages.length > 0, `${where}: no ISAKMP message decoded`);
  for (const m of messages) {
    assert.equal(m.error, undefined, `${where}: ${m.error?.message}`);
    const [src, dst] = row.direction === 'r1→r2' ? [R1, R2] : [R2, R1];
    assert.equal(m.src, `${src}:${row.srcPort}`, `${where}: source`);
    assert.equal(m.dst, `${dst}:${row.dstPort}`, `${where}: destination`);
    assert.equal(m.exchange, EXCHANGES[row.exchange], `${where}: exchange`);
    assert.equal(m.messageId, row.messageId, `${where}: message ID`);
    if (m.flags?.encryption === true)
      assert.equal(m.encryption?.status, 'decrypted', `${where}: ${m.encryption?.reason}`);
  }
  assert.equal(
    messages.some((m) => m.flags?.encryption === true),
    row.encrypted,
    `${where}: E flag`,
  );
  const ours = payloadsOf(messages).map((p) => p.type);
  assert.deepEqual(
    ours,
    row.payloads.map((p) => PAYLOADS[p] ?? p),
    `${where}: payloads`,
  );
  for (const note of row.notes) {
    assert.ok(
      checkNote(note, payloadsOf(messages), where),
      `${where}: note "${note}" not understood by this test`,
    );
  }
}

for (const name of VECTORS) {
  test(`decode --keys --json: ${name} matches strongSwan's message flow, nonces and IVs`, (t) => {
    if (missing !== undefined) {
      t.skip(missing);
      return;
    }
    const vector = readVector(name);
    const messages = decodeJson(vector);
    const frames = byFrame(messages);
    assert.ok(vector.flow.length >= 6, 'README flow table parsed');
    for (const row of vector.flow) checkFlowRow(row, frames.get(row.frame), name);
    // Only ISAKMP frames are shown: ESP-in-UDP frames are skipped.
    assert.deepEqual(
      [...frames.keys()],
      vector.flow.map((r) => r.frame),
      'frames shown',
    );

    // Nonces, including the quick-mode ones that are only visible after decryption.
    assert.ok(vector.nonces.size === 4);
    for (const [frame, nonce] of vector.nonces) {
      const ours = payloadsOf(frames.get(frame) ?? [])
        .filter((p) => p.type === 'NONCE')
        .map((p) => p.data);
      assert.deepEqual(ours, [nonce], `${name} frame ${frame}: nonce`);
    }

    // The IV of every encrypted message (RFC 2409 App. B chaining), against the IVs charon
    // logged: per message ID, ours must be the logged sequence (charon also logs the IV for a
    // next message that never comes).
    const ours = new Map<number, string[]>();
    for (const m of messages) {
      if (m.encryption?.iv === undefined || m.messageId === undefined) continue;
      ours.set(m.messageId, [...(ours.get(m.messageId) ?? []), m.encryption.iv]);
    }
    assert.deepEqual([...ours.keys()].sort(), [...vector.ivs.keys()].sort(), `${name}: message IDs with IVs`);
    for (const [mid, ivs] of ours) {
      const logged = vector.ivs.get(mid) ?? [];
      assert.deepEqual(ivs, logged.slice(0, ivs.length), `${name}: IVs of message ID ${mid}`);
    }

    // Every HASH payload, most of them only readable after decryption, is a hash charon
    // computed, and every hash charon sent is there (with RSA, HASH_I/HASH_R are signed instead).
    const hashPayloads = payloadsOf(messages)
      .filter((p) => p.type === 'HASH')
      .map((p) => p.data);
    const sent = vector.hashes.filter((h) => !(name.includes('rsa') && /^HASH_[IR]$/.test(h.label)));
    assert.ok(sent.length >= 3, `${name}: logged hashes parsed`);
    assert.deepEqual([...hashPayloads].sort(), sent.map((h) => h.value).sort(), `${name}: HASH payloads`);
  });
}

test('decode --keys: the xauth vector shows the XAUTH exchange in IOS words', (t) => {
  if (missing !== undefined) {
    t.skip(missing);
    return;
  }
  const vector = readVector('mm-psk-xauth-modecfg');
  const out = withKeyFile(vector, (keyFile) => {
    const run = runTypeswan(['decode', vector.capture, '--keys', keyFile]);
    assert.equal(run.status, 0, run.stderr);
    return run.stdout;
  });
  // Frame 8: the client's CFG_REPLY with the user name (README: XAUTH_USER_NAME=alice).
  const frame8 = out.slice(out.indexOf('frame 8 '), out.indexOf('frame 9 '));
  assert.match(frame8, /Transaction \(Mode Config\/XAUTH\)/);
  assert.match(frame8, /processing transaction payload\. message ID = 2583711545/);
  assert.match(frame8, /Config payload REPLY, identifier 0/);
  assert.match(frame8, /attribute XAUTH_USER_NAME = alice\n/);
  // Frame 1: the phase-1 proposal (swanctl aes256-sha256-modp2048, XAUTH PSK, 15840 s).
  const frame1 = out.slice(0, out.indexOf('frame 2 '));
  for (const line of [
    'processing SA payload. message ID = 0',
    'encryption AES-CBC',
    'keylength of 256',
    'hash SHA256',
    'default group 14',
    'auth XAUTHInitPreShared',
    'life type in seconds',
    'life duration (basic) of 15840',
  ]) {
    assert.ok(frame1.includes(`${line}\n`), `frame 1 lacks "${line}"`);
  }
});

const TSHARK_FIELDS = [
  'frame.number',
  'isakmp.nonce',
  'isakmp.hash',
  'isakmp.id.data.fqdn',
  'isakmp.id.data.ipv4_addr',
  'isakmp.cfg.attr.xauth.user_name',
  'isakmp.cfg.attr.internal_ip4_address',
] as const;

function tsharkMissing(): string | undefined {
  const probe = spawnSync('tshark', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return probe.error === undefined && probe.status === 0 ? undefined : 'tshark is not installed';
}

for (const name of VECTORS) {
  test(`decode --keys agrees with tshark using the same key file: ${name}`, (t) => {
    const reason = missing ?? tsharkMissing();
    if (reason !== undefined) {
      t.skip(reason);
      return;
    }
    const vector = readVector(name);
    const frames = byFrame(decodeJson(vector));
    // The same key file, as Wireshark's own ikev1_decryption_table in a private config dir.
    const rows = withKeyFile(vector, (_keyFile, dir) => {
      const run = spawnSync(
        'tshark',
        [
          '-r',
          vector.capture,
          '-Y',
          'isakmp',
          '-T',
          'fields',
          '-E',
          'separator=\t',
          ...TSHARK_FIELDS.flatMap((f) => ['-e', f]),
        ],
        { encoding: 'utf8', timeout: 60_000, env: { ...process.env, WIRESHARK_CONFIG_DIR: dir } },
      );
      assert.equal(run.status, 0, run.stderr);
      return run.stdout.split('\n').filter((l) => l !== '');
    });
    assert.ok(rows.length >= 6, `${name}: ${rows.length} ISAKMP frames from tshark`);
    let compared = 0;
    for (const row of rows) {
      const [frame, nonce, hash, fqdn, ipv4, user, address] = row
        .split('\t')
        .map((cell) => (cell === '' ? [] : cell.split(',')));
      const number = Number(frame![0]);
      const payloads = payloadsOf(frames.get(number) ?? []);
      const where = `${name} frame ${number}`;
      assert.deepEqual(
        payloads.filter((p) => p.type === 'NONCE').map((p) => p.data),
        nonce,
        `${where}: nonce`,
      );
      assert.deepEqual(
        payloads.filter((p) => p.type === 'HASH').map((p) => p.data),
        hash,
        `${where}: hash`,
      );
      const ids = payloads.filter((p) => p.type === 'ID');
      const ourFqdns = ids.filter((p) => p.idTypeName === 'ID_FQDN').map((p) => p.value);
      const ourIpv4 = ids
        .filter((p) => p.idTypeName?.startsWith('ID_IPV4') === true)
        .map((p) => p.value?.split('/')[0]);
      assert.deepEqual(ourFqdns, fqdn, `${where}: FQDN IDs`);
      assert.deepEqual(ourIpv4, ipv4, `${where}: IPv4 IDs`);
      const attrs = payloads.filter((p) => p.type === 'ATTR').flatMap((p) => p.attributes ?? []);
      const named = (n: string): string[] =>
        attrs.filter((a) => a.name === n && a.value !== '').map((a) => String(a.value));
      assert.deepEqual(
        named('XAUTH_USER_NAME'),
        user!.filter((u) => u !== ''),
        `${where}: XAUTH user`,
      );
      assert.deepEqual(named('INTERNAL_IP4_ADDRESS'), address, `${where}: mode-config address`);
      compared += (hash?.length ?? 0) + (nonce?.length ?? 0);
    }
    assert.ok(compared >= 6, `${name}: compared ${compared} hashes and nonces with tshark`);
  });
}
