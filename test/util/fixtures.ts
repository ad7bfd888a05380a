import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// Works from test/util (tsx) and from dist/test/util (compiled): fixtures stay in test/fixtures.
const here = dirname(fileURLToPath(import.meta.url));
const root = here.includes(`${join('dist', 'test')}`) ? join(here, '..', '..', '..') : join(here, '..', '..');

export const projectRoot = root;

export function fixture(relative: string): string {
  return join(root, 'test', 'fixtures', relative);
}
