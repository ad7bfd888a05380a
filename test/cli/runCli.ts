// Runs the built `typeswan` binary (dist/src/cli/main.js) the way a user does.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../util/fixtures.js';

export const cliPath = join(projectRoot, 'dist', 'src', 'cli', 'main.js');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Why the binary cannot be run (to print with a skip), or undefined when it can. */
export function cliMissing(): string | undefined {
  if (!existsSync(cliPath)) return `${cliPath} is not built (run \`npm run build\` or \`npm test\`)`;
  // Under tsx the tests run from source: a dist older than src would test old code.
  const fromSource = !fileURLToPath(import.meta.url).includes(join('dist', 'test'));
  const stale = fromSource ? newerSource(join(projectRoot, 'src'), 0) : undefined;
  return stale === undefined ? undefined : `dist/ is older than ${stale} (run \`npm run build\` first)`;
}

/** A .ts file under `dir` newer than its compiled .js in dist/, if any. */
function newerSource(dir: string, depth: number): string | undefined {
  if (depth > 6) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newerSource(path, depth + 1);
      if (found !== undefined) return found;
    } else if (entry.name.endsWith('.ts')) {
      const built = join(projectRoot, 'dist', relative(projectRoot, path).replace(/\.ts$/, '.js'));
      if (!existsSync(built) || statSync(built).mtimeMs < statSync(path).mtimeMs)
        return relative(projectRoot, path);
    }
  }
  return undefined;
}

export function runTypeswan(args: readonly string[], env: NodeJS.ProcessEnv = process.env): CliRun {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
    env,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
