// `typeswan show ...` (or `sh ...`, IOS abbreviations allowed): asks a running gateway over its
// control socket and prints the IOS layout, or its data with --json.

import type { Command } from 'commander';
import { parseIpv4Text } from '../packet/address.js';
import type { ShowWhat } from '../gateway/controlProtocol.js';
import { addControlOption, askGateway, expandKeyword } from './controlCommand.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

interface ShowOptions {
  readonly json?: boolean;
  readonly control?: string;
}

const USAGE =
  'show crypto isakmp sa [detail] | crypto ikev2 sa [detailed] | crypto ipsec sa [peer ADDRESS] [detail] | crypto session [detail] | ' +
  'crypto engine connections active | crypto map | crypto isakmp policy | crypto ipsec transform-set | ' +
  'crypto ipsec client ezvpn | ip local pool | ip nat translations | ip nat statistics | crypto ca certificates | interfaces [TunnelN] | ' +
  'crypto key mypubkey rsa | crypto key pubkey-chain rsa [address ADDRESS | name NAME] | debug | vpdn';

/** `detail` at the end of `words`, IOS abbreviations allowed. */
function detailOf(words: readonly string[]): { rest: readonly string[]; detail: boolean } {
  const last = words[words.length - 1];
  if (words.length > 0 && expandKeyword(last, ['detail']) === 'detail')
    return { rest: words.slice(0, -1), detail: true };
  return { rest: words, detail: false };
}

/** `words` are exactly `keywords`, each possibly abbreviated. */
function fixedWords(words: readonly string[], keywords: readonly string[]): boolean {
  return words.length === keywords.length && keywords.every((k, i) => expandKeyword(words[i], [k]) === k);
}

/** The show target and peer filter of `words` (after `show`), IOS abbreviations allowed. */
export function parseShowWords(words: readonly string[]): {
  what: ShowWhat;
  peer?: string;
  interface?: string;
  name?: string;
} {
  const bad = (): UsageError =>
    new UsageError(`unknown show command "${words.join(' ')}"; expected ${USAGE}`);
  const [first, ...after] = words;
  const top = expandKeyword(first, ['crypto', 'debugging', 'ip', 'interfaces', 'vpdn']);
  if (top === 'vpdn') {
    if (after.length > 0) throw bad();
    return { what: 'vpdn' };
  }
  if (top === 'interfaces') {
    if (after.length > 1) throw bad();
    return after[0] === undefined ? { what: 'interfaces' } : { what: 'interfaces', interface: after[0] };
  }
  if (top === 'ip') {
    const [p1, p2, p3] = after;
    if (expandKeyword(p1, ['local', 'nat']) === 'nat') {
      const which = expandKeyword(p2, ['translations', 'statistics']);
      if (which === undefined || p3 !== undefined) throw bad();
      return { what: `ip nat ${which}` };
    }
    if (
      expandKeyword(p1, ['local']) !== 'local' ||
      expandKeyword(p2, ['pool']) !== 'pool' ||
      p3 !== undefined
    )
      throw bad();
    return { what: 'ip local pool' };
  }
  if (top === 'debugging') {
    if (after.length > 0) throw bad();
    return { what: 'debug' };
  }
  if (top !== 'crypto') throw bad();
  const { rest, detail } = detailOf(after);
  const [w1, w2, w3, w4, ...more] = rest;
  const area = expandKeyword(w1, ['isakmp', 'ikev2', 'ipsec', 'map', 'session', 'engine', 'ca', 'key']);
  switch (area) {
    case 'ikev2': {
      // IOS spells it `detailed` (`detail`, a prefix of it, is read the same).
      const detailed = detail || (rest.length === 3 && expandKeyword(w3, ['detailed']) === 'detailed');
      if (!fixedWords(rest.slice(1, detailed && !detail ? -1 : undefined), ['sa'])) throw bad();
      return { what: detailed ? 'ikev2 sa detailed' : 'ikev2 sa' };
    }
    case 'key': {
      if (!detail && fixedWords(rest.slice(1), ['mypubkey', 'rsa'])) return { what: 'key mypubkey rsa' };
      if (
        detail ||
        expandKeyword(w2, ['pubkey-chain']) !== 'pubkey-chain' ||
        expandKeyword(w3, ['rsa']) !== 'rsa'
      )
        throw bad();
      const what = 'key pubkey-chain rsa';
      if (w4 === undefined) return { what };
      const [value, ...tail] = more;
      if (value === undefined || tail.length > 0) throw bad();
      const by = expandKeyword(w4, ['address', 'name']);
      if (by === 'name') return { what, name: value };
      if (by === 'address' && parseIpv4Text(value) !== undefined) return { what, peer: value };
      throw bad();
    }
    case 'ca':
      if (detail || !fixedWords(rest.slice(1), ['certificates'])) throw bad();
      return { what: 'ca certificates' };
    case 'map':
      if (w2 !== undefined || detail) throw bad();
      return { what: 'map' };
    case 'session':
      if (w2 !== undefined) throw bad();
      return { what: detail ? 'session detail' : 'session' };
    case 'engine':
      if (detail || !fixedWords(rest.slice(1), ['connections', 'active'])) throw bad();
      return { what: 'engine connections active' };
    case 'isakmp': {
      const item = expandKeyword(w2, ['sa', 'policy']);
      if (item === undefined || w3 !== undefined || (detail && item !== 'sa')) throw bad();
      if (item === 'policy') return { what: 'isakmp policy' };
      return { what: detail ? 'isakmp sa detail' : 'isakmp sa' };
    }
    case 'ipsec': {
      const item = expandKeyword(w2, ['sa', 'transform-set', 'client']);
      if (item === 'transform-set' && w3 === undefined && !detail) return { what: 'ipsec transform-set' };
      if (item === 'client') {
        if (detail || expandKeyword(w3, ['ezvpn']) !== 'ezvpn' || w4 !== undefined) throw bad();
        return { what: 'ipsec client ezvpn' };
      }
      if (item !== 'sa') throw bad();
      const what = detail ? 'ipsec sa detail' : 'ipsec sa';
      if (w3 === undefined) return { what };
      if (
        expandKeyword(w3, ['peer']) === 'peer' &&
        w4 !== undefined &&
        more.length === 0 &&
        parseIpv4Text(w4) !== undefined
      )
        return { what, peer: w4 };
      throw bad();
    }
    default:
      throw bad();
  }
}

export function registerShow(program: Command, io: CliIo): void {
  const command = program
    .command('show')
    .description('show the state of a running gateway, in the IOS layout')
    .argument('<words...>', USAGE)
    .option('--json', 'machine-readable output');
  addControlOption(command).action(async (words: string[], options: ShowOptions) => {
    const { what, peer, interface: iface, name } = parseShowWords(words);
    const reply = await askGateway(options.control, {
      op: 'show',
      what,
      ...(peer !== undefined ? { peer } : {}),
      ...(iface !== undefined ? { interface: iface } : {}),
      ...(name !== undefined ? { name } : {}),
    });
    io.stdout(options.json === true ? `${JSON.stringify(reply.data ?? null, null, 2)}\n` : reply.text);
  });
}
