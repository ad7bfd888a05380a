// The test TACACS+ server checked against an independent client, Authen::TacacsPlus (Debian
// libauthen-tacacsplus-perl, a C implementation), before the client tests rely on it.

import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import {
  decodeContinue,
  decodeHeader,
  decodeStart,
  encodeContinue,
  encodePacket,
  encodeStart,
  openBody,
} from '../../src/aaa/tacacsPacket.js';
import { type TestTacacsServer, startTacacsServer } from './tacacsServer.js';

function perlSkipReason(): string | undefined {
  try {
    execFileSync('perl', ['-MAuthen::TacacsPlus', '-e', '1'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'Authen::TacacsPlus is not installed (Debian package libauthen-tacacsplus-perl; .ci/run installs it)';
  }
}

const skip = perlSkipReason();
if (skip !== undefined) console.log(`# skipped: TACACS+ test server against Authen::TacacsPlus: ${skip}`);

const KEY = 'tsaa tac key';

/** One Authen::TacacsPlus login; the secrets go through the environment. */
function perlLogin(port: number, user: string, password: string, key: string, pap = false): Promise<string> {
  const type = pap ? ', Authen::TacacsPlus::TAC_PLUS_AUTHEN_TYPE_PAP()' : '';
  const script = `my $t = Authen::TacacsPlus->new(Host => "127.0.0.1", Port => "${port}", Key => $ENV{K}, Timeout => 5)
      or die "new: " . Authen::TacacsPlus::errmsg() . "\\n";
    print $t->authen($ENV{U}, $ENV{P}${type}) ? "PASS" : "FAIL " . Authen::TacacsPlus::errmsg();
    $t->close();`;
  return new Promise((resolve) =>
    execFile(
      'perl',
      ['-MAuthen::TacacsPlus', '-e', script],
      { env: { ...process.env, U: user, P: password, K: key }, timeout: 20_000 },
      (_e, stdout, stderr) => resolve(`${stdout}${stderr}`.trim()),
    ),
  );
}

describe('TACACS+ test server against Authen::TacacsPlus', { skip, timeout: 60_000 }, () => {
  let server: TestTacacsServer;
  before(async () => {
    server = await startTacacsServer({ key: KEY, users: { alice: 'wonderland' } });
  });
  after(async () => {
    await server?.close();
  });

  test('ASCII login (GETUSER, GETPASS) and PAP: right password PASS, wrong password FAIL', async () => {
    assert.equal(await perlLogin(server.port, 'alice', 'wonderland', KEY), 'PASS');
    assert.equal(await perlLogin(server.port, 'alice', 'wonderlan', KEY), 'FAIL Authentication failed');
    assert.equal(await perlLogin(server.port, 'alice', 'wonderland', KEY, true), 'PASS');
    assert.equal(await perlLogin(server.port, 'alice', 'x', KEY, true), 'FAIL Authentication failed');
    assert.equal(await perlLogin(server.port, 'bob', 'wonderland', KEY, true), 'FAIL Authentication failed');
    assert.deepEqual(server.outcomes, ['PASS', 'FAIL', 'PASS', 'FAIL', 'FAIL']);
  });

  test('a wrong key: the server cannot read what the client sends; nothing passes', async () => {
    server.outcomes.length = 0;
    assert.notEqual(await perlLogin(server.port, 'alice', 'wonderland', 'another key'), 'PASS');
    // Under the wrong pad the START is noise. Usually that noise is no START at all (ERROR), but
    // the pad depends on the random session ID, and noise may parse: then the exchange goes on
    // and ends in ERROR or FAIL at the next unreadable packet. It never ends in PASS.
    assert.ok(server.outcomes.length >= 1, 'the server ended the session');
    assert.ok(
      server.outcomes.every((o) => o === 'ERROR' || o === 'FAIL'),
      server.outcomes.join(','),
    );
  });

  test("Authen::TacacsPlus's packets decode and re-encode byte for byte (§4.5 pad, START, CONTINUE)", async () => {
    server.received.length = 0;
    await perlLogin(server.port, 'alice', 'wonderland', KEY);
    await perlLogin(server.port, 'alice', 'wonderland', KEY, true);
    const key = Buffer.from(KEY);
    const seen: string[] = [];
    for (const packet of server.received) {
      const header = decodeHeader(packet.subarray(0, 12));
      const clear = openBody(header, packet.subarray(12), key);
      const body =
        header.seqNo === 1 ? encodeStart(decodeStart(clear)) : encodeContinue(decodeContinue(clear));
      assert.deepEqual(encodePacket(header, body, key), packet);
      seen.push(
        header.seqNo === 1
          ? `START ${decodeStart(clear).authenType} ${Buffer.from(decodeStart(clear).user).toString()}`
          : `CONTINUE ${Buffer.from(decodeContinue(clear).userMsg).toString()}`,
      );
    }
    assert.deepEqual(seen, ['START 1 ', 'CONTINUE alice', 'CONTINUE wonderland', 'START 2 alice']);
  });
});
