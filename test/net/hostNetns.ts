// Test helpers for the host adapters: throwaway network namespaces (unique per process) and
// running code with the main thread inside one, so sockets and TUN devices land there.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { nativeAddon } from '../../src/net/host/native.js';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Why the host tests cannot run here, or undefined when they can. */
export function hostSkipReason(): string | undefined {
  if (!isRoot()) return 'not root: network namespaces, TUN and raw sockets need root';
  try {
    nativeAddon();
  } catch (error) {
    // As root the addon must exist: `npm install` builds it. Report, do not hide.
    return error instanceof Error ? `native addon unavailable: ${error.message}` : String(error);
  }
  return undefined;
}

export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
}

export class Netns {
  readonly path: string;
  constructor(readonly name: string) {
    ip('netns', 'add', name);
    this.path = `/run/netns/${name}`;
    ip('-n', name, 'link', 'set', 'lo', 'up');
  }

  /** Runs `fn` with the main thread inside this namespace. */
  enter<T>(fn: () => T): T {
    const addon = nativeAddon();
    const previous = addon.setNetns(this.path);
    try {
      return fn();
    } finally {
      addon.restoreNetns(previous);
    }
  }

  /** Like `enter`, but stays inside until the promise settles (sockets bind asynchronously). */
  async enterAsync<T>(fn: () => Promise<T>): Promise<T> {
    const addon = nativeAddon();
    const previous = addon.setNetns(this.path);
    try {
      return await fn();
    } finally {
      addon.restoreNetns(previous);
    }
  }

  exec(...args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', this.name, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    });
  }

  delete(): void {
    if (existsSync(this.path)) ip('netns', 'del', this.name);
  }
}

/** A unique, short (<= 15 bytes with suffixes) namespace name for this process. */
export function uniqueName(tag: string): string {
  return `tsw${tag}${process.pid % 100000}`;
}

/** Waits until `done()` holds, polling every 10 ms, for at most `timeoutMs`. */
export async function waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
