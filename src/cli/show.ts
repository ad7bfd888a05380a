// `typeswan show crypto isakmp sa|ipsec sa [peer A]|map|isakmp policy|ipsec transform-set
// [--json] [--control PATH]`: asks a running gateway over its control socket.

import type { Command } from 'commander';
import { parseIpv4Text } from '../packet/address.js';
import type { ShowWhat } from '../gateway/controlProtocol.js';
import { addControlOption, connectControl, expandKeyword } from './controlCommand.js';
import { RuntimeFailure, UsageError } from './errors.js';
import type { CliIo } from './io.js';

interface ShowOptions {
  readonly json?: boolean;
  readonly control?: string;
}

const USAGE =
  'show crypto isakmp sa | crypto ipsec sa [peer ADDRESS] | crypto map | crypto isakmp policy | crypto ipsec transform-set | crypto ca certificates';

/** The show target and peer filter of `words` (after `show`), IOS abbreviations allowed. */
export function parseShowWords(words: readonly string[]): { what: ShowWhat; peer?: string } {
  const [w0, w1, w2, w3, w4, ...rest] = words;
  const bad = (): UsageError =>
    new UsageError(`unknown show command "${words.join(' ')}"; expected ${USAGE}`);
  if (expandKeyword(w0, ['crypto']) !== 'crypto') throw bad();
  const area = expandKeyword(w1, ['isakmp', 'ipsec', 'map', 'ca']);
  if (area === 'ca') {
    if (expandKeyword(w2, ['certificates']) !== 'certificates' || w3 !== undefined) throw bad();
    return { what: 'ca certificates' };
  }
  if (area === 'map') {
    if (w2 !== undefined) throw bad();
    return { what: 'map' };
  }
  if (area === 'isakmp') {
    const item = expandKeyword(w2, ['sa', 'policy']);
    if (item === undefined || w3 !== undefined) throw bad();
    return { what: item === 'sa' ? 'isakmp sa' : 'isakmp policy' };
  }
  if (area === 'ipsec') {
    const item = expandKeyword(w2, ['sa', 'transform-set']);
    if (item === 'transform-set' && w3 === undefined) return { what: 'ipsec transform-set' };
    if (item === 'sa') {
      if (w3 === undefined) return { what: 'ipsec sa' };
      if (
        expandKeyword(w3, ['peer']) === 'peer' &&
        w4 !== undefined &&
        rest.length === 0 &&
        parseIpv4Text(w4) !== undefined
      ) {
        return { what: 'ipsec sa', peer: w4 };
      }
    }
  }
  throw bad();
}

export function registerShow(program: Command, io: CliIo): void {
  const command = program
    .command('show')
    .description('show the state of a running gateway, in the IOS layout')
    .argument('<words...>', USAGE)
    .option('--json', 'machine-readable output');
  addControlOption(command).action(async (words: string[], options: ShowOptions) => {
    const { what, peer } = parseShowWords(words);
    const client = await connectControl(options.control);
    try {
      const response = await client.request(
        peer === undefined ? { op: 'show', what } : { op: 'show', what, peer },
      );
      if ('line' in response) return;
      if (!response.ok) throw new RuntimeFailure(`gateway: ${response.error}`);
      io.stdout(
        options.json === true ? `${JSON.stringify(response.data ?? null, null, 2)}\n` : response.text,
      );
    } finally {
      client.close();
    }
  });
}
