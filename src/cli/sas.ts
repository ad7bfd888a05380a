// `typeswan list-sas [--peer A] [--json]` (swanctl --list-sas: algorithms, ports, ages, rekey
// times, bytes and packets) and `typeswan counters [--json]`, from a running gateway.

import type { Command } from 'commander';
import { parseIpv4Text } from '../packet/address.js';
import { addControlOption, askGateway } from './controlCommand.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

interface Options {
  readonly control?: string;
  readonly json?: boolean;
  readonly peer?: string;
}

function print(
  io: CliIo,
  reply: { readonly text: string; readonly data: unknown },
  json: boolean | undefined,
): void {
  io.stdout(json === true ? `${JSON.stringify(reply.data ?? null, null, 2)}\n` : reply.text);
}

export function registerSas(program: Command, io: CliIo): void {
  const list = program
    .command('list-sas')
    .description('list IKE and IPsec SAs with algorithms, ports, ages, rekey times and byte counts')
    .option('--peer <address>', 'only the SAs with this peer')
    .option('--json', 'machine-readable output');
  addControlOption(list).action(async (options: Options) => {
    if (options.peer !== undefined && parseIpv4Text(options.peer) === undefined)
      throw new UsageError(`--peer ${options.peer}: expected an IPv4 address`);
    const reply = await askGateway(
      options.control,
      options.peer === undefined ? { op: 'sas' } : { op: 'sas', peer: options.peer },
    );
    print(io, reply, options.json);
  });

  const counters = program
    .command('counters')
    .description('counters of a running gateway: drops by reason, IKE retransmissions, SAs, bytes')
    .option('--json', 'machine-readable output');
  addControlOption(counters).action(async (options: Options) => {
    print(io, await askGateway(options.control, { op: 'counters' }), options.json);
  });
}
