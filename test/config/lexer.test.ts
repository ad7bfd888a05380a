// Tokens keep their line and column; wrapped keywords are joined only in the one safe case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lexLines } from '../../src/config/lexer.js';

test('tokens with 1-based line and column; comments and blanks flagged', () => {
  const lines = lexLines('\uFEFFhostname r1\r\n  encr   3des  \r\n!comment\n: Saved\n\n');
  assert.deepEqual(
    lines[1]?.tokens.map((t) => [t.text, t.line, t.column]),
    [
      ['encr', 2, 3],
      ['3des', 2, 10],
    ],
  );
  assert.equal(lines[1]?.indent, 2);
  assert.equal(lines[1]?.text, '  encr   3des');
  assert.deepEqual(
    lines.map((l) => [l.comment, l.blank]),
    [
      [false, false],
      [false, false],
      [true, false],
      [true, false],
      [false, true],
      [false, true],
    ],
  );
});

test('a keyword cut after a hyphen at the end of a line is joined with the next line', () => {
  const lines = lexLines(
    'isakmp key k address 1.1.1.1 netmask 255.255.255.255 no-xauth no-\nconfig-mode\nisakmp identity address',
  );
  assert.equal(lines.length, 2);
  const joined = lines[0];
  assert.equal(joined?.joinedLine, 2);
  const last = joined?.tokens[joined.tokens.length - 1];
  assert.deepEqual([last?.text, last?.line, last?.column], ['no-config-mode', 1, 63]);
  assert.equal(lines[1]?.line, 3);
});

test('no join when the next line is indented, a comment, or does not start with a word', () => {
  for (const text of ['a no-\n config-mode', 'a no-\n!x', 'a no-\n10.0.0.1', 'a 10-\nfoo', 'a -\nfoo']) {
    assert.equal(lexLines(text).length, 2, JSON.stringify(text));
  }
});
