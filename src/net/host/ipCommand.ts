// Runs iproute2's `ip` for the few configuration changes the host adapters make (routes on the
// TUN device). Synchronous on purpose, so a route is in place before the SA it serves carries
// traffic: used at start, on shutdown and when a dynamic-map peer's SAs come or go, never per
// packet.

import { execFileSync } from 'node:child_process';

export class IpCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
  ) {
    super(`ip ${args.join(' ')} failed: ${stderr.trim() || 'no message'}`);
    this.name = 'IpCommandError';
  }
}

export function runIp(args: readonly string[]): string {
  try {
    return execFileSync('ip', [...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 10_000,
    });
  } catch (error) {
    const stderr =
      typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr) : String(error);
    throw new IpCommandError(args, stderr);
  }
}
