// The independent tools the pki tests check typeswan's output with: OpenSSL and strongSwan's
// `pki`. A test reads their verdicts, never typeswan's own parser.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTool(command: string, args: readonly string[], input?: string): ToolRun {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 60_000,
    ...(input !== undefined ? { input } : {}),
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A tool run that must succeed; its stdout and stderr together. */
export function tool(command: string, args: readonly string[]): string {
  const run = runTool(command, args);
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return run.stdout + run.stderr;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => existsSync(`${dir}/${command}`));
}

/** Why the tests cannot run (to print with a skip), or undefined. */
export function toolsMissing(...commands: string[]): string | undefined {
  const missing = commands.filter((command) => !onPath(command));
  return missing.length === 0
    ? undefined
    : `not installed: ${missing.join(', ')} (.ci/run installs them as root)`;
}
