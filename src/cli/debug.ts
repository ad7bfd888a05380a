// `typeswan debug crypto isakmp|ipsec|engine...` or `debug vpdn`: streams a running gateway's IOS-style debug
// lines until interrupted (or the gateway goes away, or someone runs `undebug all`); with --log
// the gateway writes them to its own log instead. `typeswan undebug all` turns all of it off.

import type { Command } from 'commander';
import type { DebugCategory } from '../observe/events.js';
import { addControlOption, askGateway, expandKeyword, streamFromGateway } from './controlCommand.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

export function parseDebugWords(words: readonly string[]): DebugCategory[] {
  const [w0, ...rest] = words;
  const bad = (): UsageError =>
    new UsageError(
      `unknown debug command "${words.join(' ')}"; expected debug crypto isakmp|ipsec|engine (one or more), or debug vpdn`,
    );
  // IOS `debug vpdn l2x-events` / `debug ppp negotiation`: L2TP and PPP, one category here
  if (expandKeyword(w0, ['vpdn', 'ppp']) !== undefined) {
    const detail = ['events', 'l2x-events', 'negotiation', 'authentication'];
    if (rest.length > 1 || (rest[0] !== undefined && !detail.includes(rest[0]))) throw bad();
    return ['vpdn'];
  }
  if (expandKeyword(w0, ['crypto']) !== 'crypto' || rest.length === 0) throw bad();
  const categories: DebugCategory[] = [];
  for (const word of rest) {
    const c = expandKeyword(word, ['isakmp', 'ipsec', 'engine'] as const);
    if (c === undefined) throw bad();
    if (!categories.includes(c)) categories.push(c);
  }
  return categories;
}

export function registerDebug(program: Command, io: CliIo): void {
  const command = program
    .command('debug')
    .description('stream IOS-style debug lines of a running gateway (Ctrl-C to stop)')
    .argument(
      '<words...>',
      'crypto isakmp | crypto ipsec | crypto engine (categories may be combined) | vpdn',
    )
    .option('--log', "turn the categories on in the gateway's own log instead of streaming them here");
  addControlOption(command).action(async (words: string[], options: { control?: string; log?: boolean }) => {
    const categories = parseDebugWords(words);
    if (options.log === true) {
      io.stdout(`${(await askGateway(options.control, { op: 'debug-log', categories })).text}\n`);
      return;
    }
    await streamFromGateway(
      options.control,
      { op: 'debug', categories },
      (line) => io.stdout(`${line}\n`),
      (text) => io.stdout(`${text}\n`),
    );
  });

  const undebug = program
    .command('undebug')
    .description("turn off all debugging of a running gateway: its log's and every debug stream")
    .argument('<all>', 'all');
  addControlOption(undebug).action(async (word: string, options: { control?: string }) => {
    if (expandKeyword(word, ['all']) !== 'all')
      throw new UsageError(`unknown undebug command "${word}"; expected undebug all`);
    io.stdout(`${(await askGateway(options.control, { op: 'undebug' })).text}\n`);
  });
}
