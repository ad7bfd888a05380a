// The typed face of the N-API addon in `native/` (built by node-gyp at `npm install` into
// build/Release/typeswan_native.node). Everything Linux-specific below the socket API lives
// there: TUN, raw IPv4 sockets, batched reads on libuv's poller, batched writes.

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Opaque handle of a running reader. */
export interface NativeReader {
  readonly __nativeReader: unique symbol;
}

export interface NativeAddon {
  openTun(name: string): { fd: number; name: string };
  setLinkUp(name: string, mtu: number): void;
  /** `mark` (SO_MARK; 0 for none) lets policy routing recognise our own packets. */
  openRaw(protocol: number, bindAddress: string | null, mark: number): number;
  /** `onBatch(buffer, lengths)`: packets packed back to back in `buffer`, one length each. */
  startReader(
    fd: number,
    maxBatch: number,
    slotSize: number,
    onBatch: (buffer: Buffer, lengths: Uint32Array) => void,
  ): NativeReader;
  stopReader(reader: NativeReader): void;
  writeTun(fd: number, packets: readonly Buffer[]): number;
  sendRaw(fd: number, packets: readonly Buffer[]): number;
  closeFd(fd: number): void;
  /** Moves the calling thread into the network namespace at `path`; returns the old one's fd. */
  setNetns(path: string): number;
  restoreNetns(previous: number): void;
}

/** Most packets one native write call takes (the addon's MAX_WRITE_BATCH). */
export const MAX_WRITE_BATCH = 256;

export class NativeAddonMissingError extends Error {
  constructor(readonly searched: string) {
    super(
      `the native addon is not built (looked for ${searched}); run \`npm install\` ` +
        '(it builds native/ with node-gyp: needs g++, make, python3 and the Node headers)',
    );
    this.name = 'NativeAddonMissingError';
  }
}

const addonFile = join('build', 'Release', 'typeswan_native.node');

/** The package root: the first directory above this file holding binding.gyp (src/ or dist/src/). */
function addonPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    if (existsSync(join(dir, 'binding.gyp'))) return join(dir, addonFile);
    dir = dirname(dir);
  }
  return join(process.cwd(), addonFile);
}

const methods = [
  'openTun',
  'setLinkUp',
  'openRaw',
  'startReader',
  'stopReader',
  'writeTun',
  'sendRaw',
  'closeFd',
  'setNetns',
  'restoreNetns',
] as const;

function isAddon(value: unknown): value is NativeAddon {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return methods.every((name) => typeof record[name] === 'function');
}

let loaded: NativeAddon | undefined;

/** Loads the addon once; throws `NativeAddonMissingError` when it was not built. */
export function nativeAddon(): NativeAddon {
  if (loaded) return loaded;
  const path = addonPath();
  if (!existsSync(path)) throw new NativeAddonMissingError(path);
  const required: unknown = createRequire(import.meta.url)(path);
  if (!isAddon(required)) throw new NativeAddonMissingError(`${path} (wrong exports)`);
  loaded = required;
  return loaded;
}

/** Splits one batch from the addon into per-packet views (no copy). */
export function splitBatch(buffer: Buffer, lengths: Uint32Array): Uint8Array[] {
  const packets: Uint8Array[] = [];
  let offset = 0;
  for (const length of lengths) {
    if (offset + length > buffer.length) break;
    packets.push(buffer.subarray(offset, offset + length));
    offset += length;
  }
  return packets;
}
