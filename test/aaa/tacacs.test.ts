// typeswan's TACACS+ client against the test server (itself checked against Authen::TacacsPlus).

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { nodeAaaIo } from '../../src/aaa/io.js';
import { type TacacsServer, tacacsMethod } from '../../src/aaa/tacacs.js';
import { PacketStream, decodeContinue, decodeReply, decodeStart } from '../../src/aaa/tacacsPacket.js';
import { DecodeError } from '../../src/wire/errors.js';
import { type TestTacacsServer, closedTcpPort, startTacacsServer } from './tacacsServer.js';

const KEY = 'tsaa tac key';
const USERS = { alice: 'wonderland' };

function entry(port: number, key: string | undefined = KEY, timeoutMs = 2000): TacacsServer {
  return { host: '127.0.0.1', port, key, timeoutMs };
}

async function listening(
  onConnect: (s: import('node:net').Socket) => void,
): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnect);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address();
  return { server, port: typeof a === 'object' && a !== null ? a.port : 0 };
}

describe('TACACS+ client against the test server', { timeout: 60_000 }, () => {
  let server: TestTacacsServer;
  let clear: TestTacacsServer;
  before(async () => {
    server = await startTacacsServer({ key: KEY, users: USERS });
    clear = await startTacacsServer({ key: undefined, users: USERS });
  });
  after(async () => {
    await server?.close();
    await clear?.close();
  });

  test('ASCII login: START, GETPASS, CONTINUE; right password PASS, wrong one FAIL with the server message', async () => {
    const m = tacacsMethod('group tacacs+', [entry(server.port)], nodeAaaIo);
    assert.deepEqual(await m.authenticate('alice', 'wonderland'), { kind: 'accept' });
    assert.deepEqual(await m.authenticate('alice', 'wonderlan'), {
      kind: 'reject',
      reason: 'TACACS+ FAIL: Authentication failed',
    });
    assert.equal((await m.authenticate('bob', 'wonderland')).kind, 'reject');
  });

  test('PAP: the password in the START (minor version 1)', async () => {
    const m = tacacsMethod('group tacacs+', [entry(server.port)], nodeAaaIo, 'pap');
    assert.deepEqual(await m.authenticate('alice', 'wonderland'), { kind: 'accept' });
    assert.equal((await m.authenticate('alice', 'x')).kind, 'reject');
    const last = server.received.at(-1)!;
    assert.equal(last[0], 0xc1);
  });

  test('no key on either side: the unencrypted flag, and the body in clear', async () => {
    const m = tacacsMethod('group tacacs+', [{ ...entry(clear.port), key: undefined }], nodeAaaIo);
    assert.deepEqual(await m.authenticate('alice', 'wonderland'), { kind: 'accept' });
    assert.equal(clear.received[0]![3]! & 0x01, 0x01);
    // A key on our side only: the server's clear reply is refused, never taken as an answer.
    const keyed = tacacsMethod('group tacacs+', [entry(clear.port, KEY)], nodeAaaIo);
    assert.equal((await keyed.authenticate('alice', 'wonderland')).kind, 'error');
  });

  test('a wrong key is an error (the server answers ERROR, which we cannot read), never an accept', async () => {
    const m = tacacsMethod('group tacacs+', [entry(server.port, 'not the key')], nodeAaaIo);
    const out = await m.authenticate('alice', 'wonderland');
    assert.equal(out.kind, 'error');
    const reason = out.kind === 'error' ? out.reason : '';
    assert.match(reason, /unreadable reply \(wrong key\?\)|TACACS\+ ERROR/);
    assert.ok(!reason.includes('wonderland') && !reason.includes('not the key'));
  });

  test('failover: a refused port, then a server that never answers, then the real one', async () => {
    const silent = await startTacacsServer({ key: KEY, users: USERS, silent: true });
    try {
      const refused = await closedTcpPort();
      const m = tacacsMethod(
        'group tacacs+',
        [entry(refused), entry(silent.port, KEY, 300), entry(server.port)],
        nodeAaaIo,
      );
      assert.deepEqual(await m.authenticate('alice', 'wonderland'), { kind: 'accept' });
      const down = tacacsMethod('group tacacs+', [entry(refused), entry(silent.port, KEY, 300)], nodeAaaIo);
      const out = await down.authenticate('alice', 'wonderland');
      assert.equal(out.kind, 'error');
      assert.match(
        out.kind === 'error' ? out.reason : '',
        /^no TACACS\+ server answered \(127\.0\.0\.1:\d+ ECONNREFUSED; 127\.0\.0\.1:\d+ no reply within 300 ms\)$/,
      );
    } finally {
      await silent.close();
    }
  });

  test('a server sending garbage or closing early is an error, never a crash', async () => {
    const replies = [
      Buffer.from('hello, this is not TACACS+'),
      Buffer.alloc(0),
      Buffer.from('c0020200', 'hex'),
    ];
    for (const garbage of replies) {
      const { server: bad, port } = await listening((s) => {
        s.once('data', () => (garbage.length > 0 ? s.end(garbage) : s.end()));
        s.on('error', () => undefined);
      });
      try {
        const out = await tacacsMethod('t', [entry(port, KEY, 1000)], nodeAaaIo).authenticate(
          'alice',
          'wonderland',
        );
        assert.equal(out.kind, 'error');
      } finally {
        await new Promise<void>((resolve) => bad.close(() => resolve()));
      }
    }
  });
});

test('any bytes: the TACACS+ decoders throw nothing but DecodeError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      for (const decode of [
        decodeStart,
        decodeReply,
        decodeContinue,
        (b: Uint8Array) => new PacketStream().push(b),
      ]) {
        try {
          decode(bytes);
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
        }
      }
    }),
    { numRuns: 3000 },
  );
});
