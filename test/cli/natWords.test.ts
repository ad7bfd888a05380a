// `show ip nat translations|statistics` and `clear ip nat translation *`, IOS abbreviations allowed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseShowWords } from '../../src/cli/show.js';
import { parseClearWords } from '../../src/cli/clear.js';
import { parseRequest } from '../../src/gateway/controlProtocol.js';

test('show ip nat translations / statistics', () => {
  assert.deepEqual(parseShowWords(['ip', 'nat', 'translations']), { what: 'ip nat translations' });
  assert.deepEqual(parseShowWords(['ip', 'nat', 'stat']), { what: 'ip nat statistics' });
  assert.deepEqual(parseShowWords(['ip', 'local', 'pool']), { what: 'ip local pool' });
  assert.throws(() => parseShowWords(['ip', 'nat']), /unknown show command/);
  assert.throws(() => parseShowWords(['ip', 'nat', 'translations', 'verbose']), /unknown show command/);
});

test('clear ip nat translation * (and nothing narrower)', () => {
  assert.deepEqual(parseClearWords(['ip', 'nat', 'translation', '*']), { what: 'nat' });
  assert.deepEqual(parseClearWords(['ip', 'nat', 'trans', '*']), { what: 'nat' });
  assert.throws(() => parseClearWords(['ip', 'nat', 'translation', 'inside']), /unknown clear command/);
  assert.throws(() => parseClearWords(['ip', 'nat']), /unknown clear command/);
});

test('the control protocol takes the nat clear target', () => {
  assert.deepEqual(parseRequest(JSON.stringify({ id: 1, op: 'clear', what: 'nat' })), {
    id: 1,
    op: 'clear',
    what: 'nat',
  });
});
