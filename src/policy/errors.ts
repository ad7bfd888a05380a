import type { SourceRef } from './model.js';

/**
 * A model element that the policy layer cannot turn into selectors or algorithms (e.g. an
 * ACL with a non-contiguous wildcard). Carries the source line; src/config renders it.
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly at: SourceRef | undefined;
  readonly found: string;
  readonly expected: string;

  constructor(detail: { found: string; expected: string; at?: SourceRef | undefined; message?: string }) {
    const where = detail.at ? `${detail.at.file}:${detail.at.line}: ` : '';
    super(`${where}${detail.message ?? `expected ${detail.expected}; found "${detail.found}"`}`);
    this.at = detail.at;
    this.found = detail.found;
    this.expected = detail.expected;
  }
}
