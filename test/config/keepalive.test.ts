// `crypto isakmp keepalive SECS [RETRY] [periodic|on-demand]` (IOS: SECS 10-3600, RETRY 2-60,
// default 2; on demand unless `periodic`), through the parser and the JSON model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfigJson, parseConfig } from '../../src/config/index.js';

const keepalive = (line: string): unknown =>
  parseConfig(`hostname r1\n${line}\n`, 'r1.cfg', { crossCheck: 'warn' }).isakmp.keepalive;

test('keepalive: seconds, retry, and the periodic / on-demand keyword', () => {
  assert.deepEqual(keepalive('crypto isakmp keepalive 10'), { seconds: 10, retry: 2 });
  assert.deepEqual(keepalive('crypto isakmp keepalive 30 5'), { seconds: 30, retry: 5 });
  assert.deepEqual(keepalive('crypto isakmp keepalive 10 3 periodic'), {
    seconds: 10,
    retry: 3,
    mode: 'periodic',
  });
  assert.deepEqual(keepalive('crypto isakmp keepalive 3600 periodic'), {
    seconds: 3600,
    retry: 2,
    mode: 'periodic',
  });
  assert.deepEqual(keepalive('crypto isakmp keepalive 60 60 on-demand'), {
    seconds: 60,
    retry: 60,
    mode: 'on-demand',
  });
});

test('keepalive: out-of-range values and stray words are errors naming the column', () => {
  for (const [line, column] of [
    ['crypto isakmp keepalive 9', 25],
    ['crypto isakmp keepalive 3601', 25],
    ['crypto isakmp keepalive 10 1', 28],
    ['crypto isakmp keepalive 10 61', 28],
    ['crypto isakmp keepalive 10 2 sometimes', 30],
  ] as const) {
    assert.throws(
      () => parseConfig(`hostname r1\n${line}\n`, 'r1.cfg', { crossCheck: 'warn' }),
      (err: unknown) => err instanceof ConfigError && err.line === 2 && err.column === column,
      line,
    );
  }
});

test('keepalive mode survives the JSON model round trip', () => {
  const parsed = parseConfig('hostname r1\ncrypto isakmp keepalive 10 3 periodic\n', 'r1.cfg', {
    crossCheck: 'warn',
  });
  const back = loadConfigJson(JSON.stringify(parsed), 'r1.json');
  assert.deepEqual(back.isakmp.keepalive, { seconds: 10, retry: 3, mode: 'periodic' });
});
