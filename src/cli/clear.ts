// `typeswan clear crypto sa [peer A] | clear crypto isakmp [CONN-ID] | clear crypto ikev2 sa
// [peer A]`: deletes SAs on a running
// gateway, with DELETEs to the peer; `clear ip nat translation *` empties the NAT table.

import type { Command } from 'commander';
import { parseIpv4Text } from '../packet/address.js';
import type { ClearWhat } from '../gateway/controlProtocol.js';
import { addControlOption, askGateway, expandKeyword } from './controlCommand.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

const USAGE =
  'crypto sa [peer ADDRESS] | crypto isakmp [CONN-ID] | crypto ikev2 sa [peer ADDRESS] | ip nat translation *';

export function parseClearWords(words: readonly string[]): {
  what: ClearWhat;
  peer?: string;
  connId?: number;
} {
  const [w0, w1, w2, w3, ...rest] = words;
  const bad = (): UsageError =>
    new UsageError(`unknown clear command "${words.join(' ')}"; expected clear ${USAGE}`);
  if (expandKeyword(w0, ['crypto', 'ip']) === 'ip') {
    // IOS `clear ip nat translation *`: every dynamic translation.
    if (
      expandKeyword(w1, ['nat']) !== 'nat' ||
      expandKeyword(w2, ['translation']) !== 'translation' ||
      w3 !== '*' ||
      rest.length > 0
    )
      throw bad();
    return { what: 'nat' };
  }
  if (expandKeyword(w0, ['crypto']) !== 'crypto') throw bad();
  if (expandKeyword(w1, ['sa', 'isakmp', 'ikev2']) === 'ikev2') {
    const [peerWord, address, ...tail] = [w3, ...rest];
    if (expandKeyword(w2, ['sa']) !== 'sa' || tail.length > 0) throw bad();
    if (peerWord === undefined) return { what: 'ikev2' };
    if (
      expandKeyword(peerWord, ['peer']) === 'peer' &&
      address !== undefined &&
      parseIpv4Text(address) !== undefined
    )
      return { what: 'ikev2', peer: address };
    throw bad();
  }
  if (rest.length > 0) throw bad();
  const what = expandKeyword(w1, ['sa', 'isakmp']);
  if (what === undefined) throw bad();
  if (w2 === undefined) return { what };
  if (what === 'isakmp') {
    // IOS `clear crypto isakmp CONN-ID`: the conn-id `show crypto isakmp sa` prints.
    if (w3 !== undefined || !/^\d{1,9}$/.test(w2)) throw bad();
    return { what, connId: Number(w2) };
  }
  if (expandKeyword(w2, ['peer']) === 'peer' && w3 !== undefined && parseIpv4Text(w3) !== undefined)
    return { what, peer: w3 };
  throw bad();
}

export function registerClear(program: Command, io: CliIo): void {
  const command = program
    .command('clear')
    .description(
      'delete IPsec SAs (clear crypto sa) or IKE SAs (clear crypto isakmp, clear crypto ikev2 sa) on a running gateway',
    )
    .argument('<words...>', USAGE);
  addControlOption(command).action(async (words: string[], options: { control?: string }) => {
    const parsed = parseClearWords(words);
    const reply = await askGateway(options.control, { op: 'clear', ...parsed });
    if (reply.text !== '') io.stdout(`${reply.text}\n`);
  });
}
