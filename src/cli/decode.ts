// `typeswan decode FILE.pcap|FILE.pcapng [--keys FILE] [--json]`: every ISAKMP message of a
// capture as an IOS-style tree or as JSON lines, decrypted with a Wireshark IKEv1 key table.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseIkev1KeyTable, KeyFileError, type Ikev1KeyTable } from '../observe/decodeKeys.js';
import { decodeIsakmpCapture } from '../observe/decodeSession.js';
import { renderJsonLine } from '../observe/decodeJson.js';
import { renderTree } from '../observe/decodeTree.js';
import { decodeCapture, PcapError, type PcapFrame } from '../observe/pcap.js';
import { decodeCrypto } from './decodeCrypto.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

interface DecodeOptions {
  readonly keys?: string;
  readonly json?: boolean;
}

export function registerDecode(program: Command, io: CliIo): void {
  program
    .command('decode')
    .description('decode (and with --keys decrypt) the ISAKMP messages of a pcap or pcapng capture')
    .argument('<capture>', 'pcap or pcapng file (UDP 500, and 4500 with the non-ESP marker)')
    .option(
      '-k, --keys <file>',
      "Wireshark IKEv1 key table (lines '<initiator cookie hex>,<encryption key hex>') or a typeswan --keylog file",
    )
    .option('--json', 'one JSON object per message, one per line')
    .action((capture: string, options: DecodeOptions) => {
      runDecode(capture, options, io);
    });
}

export function runDecode(capturePath: string, options: DecodeOptions, io: CliIo): void {
  const keys = options.keys === undefined ? new Map<string, Uint8Array>() : readKeyTable(options.keys);
  const frames = readCapture(capturePath);
  for (const item of decodeIsakmpCapture(frames, keys, decodeCrypto)) {
    io.stdout(options.json === true ? renderJsonLine(item) : renderTree(item));
  }
}

function readCapture(path: string): PcapFrame[] {
  const bytes = readInput(path, 'capture');
  try {
    return decodeCapture(bytes);
  } catch (error) {
    if (error instanceof PcapError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

function readKeyTable(path: string): Ikev1KeyTable {
  const text = readInput(path, 'key file').toString('utf8');
  try {
    return parseIkev1KeyTable(text);
  } catch (error) {
    if (error instanceof KeyFileError) throw new UsageError(`${path}:${error.line}: ${error.reason}`);
    throw error;
  }
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : errorMessage(error);
    throw new UsageError(`${path}: cannot read ${what}: ${reason}`);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
