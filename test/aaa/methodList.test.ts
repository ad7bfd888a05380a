import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loginMethods, runMethodList, type LoginMethod } from '../../src/aaa/index.js';
import { parseConfig } from '../../src/config/index.js';

const CONFIG = `hostname vpn
aaa new-model
aaa authentication login userauth local
aaa authentication login radfirst group radius local
username alice password 0 wonderland
username bob password 7 0822455D0A16
`;

test('local users: right password accepted, wrong one and unknown user rejected', async () => {
  const config = parseConfig(CONFIG, 'vpn.cfg');
  const methods = loginMethods(config, 'userauth');
  assert.deepEqual(
    methods.map((m) => m.name),
    ['local'],
  );
  assert.equal((await runMethodList(methods, 'alice', 'wonderland')).outcome.kind, 'accept');
  assert.equal((await runMethodList(methods, 'alice', 'wonderlan')).outcome.kind, 'reject');
  assert.equal((await runMethodList(methods, 'alice', 'wonderland ')).outcome.kind, 'reject');
  assert.equal((await runMethodList(methods, 'carol', 'wonderland')).outcome.kind, 'reject');
  // A type-7 password cannot be compared: an error, so a later method would be tried.
  assert.equal((await runMethodList(methods, 'bob', 'x')).outcome.kind, 'error');
});

test('IOS order: an error moves to the next method, a reject does not', async () => {
  const config = parseConfig(CONFIG, 'vpn.cfg');
  const unreachable = loginMethods(config, 'radfirst');
  assert.deepEqual(
    unreachable.map((m) => m.name),
    ['group radius', 'local'],
  );
  const viaLocal = await runMethodList(unreachable, 'alice', 'wonderland');
  assert.deepEqual(viaLocal, { outcome: { kind: 'accept' }, method: 'local' });

  const rejecting: LoginMethod = {
    name: 'group radius',
    authenticate: () => Promise.resolve({ kind: 'reject', reason: 'Access-Reject' }),
  };
  const methods = loginMethods(config, 'radfirst', { serverGroup: () => rejecting });
  const result = await runMethodList(methods, 'alice', 'wonderland');
  assert.equal(result.method, 'group radius');
  assert.equal(result.outcome.kind, 'reject');
});

test('a list the configuration does not define is an error naming it', async () => {
  const config = parseConfig(CONFIG, 'vpn.cfg');
  const result = await runMethodList(loginMethods(config, 'nosuch'), 'alice', 'wonderland');
  assert.deepEqual(result.outcome, { kind: 'error', reason: 'no aaa authentication login list nosuch' });
});
