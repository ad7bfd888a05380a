// `typeswan clear crypto sa [peer A] | clear crypto isakmp`: deletes SAs on a running gateway.

import type { Command } from 'commander';
import { parseIpv4Text } from '../packet/address.js';
import type { ClearWhat } from '../gateway/controlProtocol.js';
import { addControlOption, connectControl, expandKeyword } from './controlCommand.js';
import { RuntimeFailure, UsageError } from './errors.js';
import type { CliIo } from './io.js';

export function parseClearWords(words: readonly string[]): { what: ClearWhat; peer?: string } {
  const [w0, w1, w2, w3, ...rest] = words;
  const bad = (): UsageError =>
    new UsageError(
      `unknown clear command "${words.join(' ')}"; expected clear crypto sa [peer ADDRESS] | clear crypto isakmp`,
    );
  if (expandKeyword(w0, ['crypto']) !== 'crypto') throw bad();
  const what = expandKeyword(w1, ['sa', 'isakmp']);
  if (what === undefined || rest.length > 0) throw bad();
  if (w2 === undefined) return { what: what === 'sa' ? 'sa' : 'isakmp' };
  if (
    what === 'sa' &&
    expandKeyword(w2, ['peer']) === 'peer' &&
    w3 !== undefined &&
    parseIpv4Text(w3) !== undefined
  )
    return { what: 'sa', peer: w3 };
  throw bad();
}

export function registerClear(program: Command, io: CliIo): void {
  const command = program
    .command('clear')
    .description('delete IPsec SAs (clear crypto sa) or IKE SAs (clear crypto isakmp) on a running gateway')
    .argument('<words...>', 'crypto sa [peer ADDRESS] | crypto isakmp');
  addControlOption(command).action(async (words: string[], options: { control?: string }) => {
    const { what, peer } = parseClearWords(words);
    const client = await connectControl(options.control);
    try {
      const response = await client.request(
        peer === undefined ? { op: 'clear', what } : { op: 'clear', what, peer },
      );
      if ('line' in response) return;
      if (!response.ok) throw new RuntimeFailure(`gateway: ${response.error}`);
      if (response.text !== '') io.stdout(`${response.text}\n`);
    } finally {
      client.close();
    }
  });
}
