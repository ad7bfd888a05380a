// Asserts that each of `parts` occurs in `text`, each after the one before it.

import assert from 'node:assert/strict';

export function assertInOrder(text: string, parts: readonly string[]): void {
  let at = 0;
  for (const part of parts) {
    const found = text.indexOf(part, at);
    assert.ok(found >= 0, `missing (in order): ${JSON.stringify(part)}`);
    at = found;
  }
}
