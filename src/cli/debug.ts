// `typeswan debug crypto isakmp|ipsec|engine...`: streams a running gateway's IOS-style debug
// lines until interrupted (or the gateway goes away).

import type { Command } from 'commander';
import type { DebugCategory } from '../observe/events.js';
import { addControlOption, connectControl, expandKeyword } from './controlCommand.js';
import { RuntimeFailure, UsageError } from './errors.js';
import type { CliIo } from './io.js';

export function parseDebugWords(words: readonly string[]): DebugCategory[] {
  const [w0, ...rest] = words;
  const bad = (): UsageError =>
    new UsageError(
      `unknown debug command "${words.join(' ')}"; expected debug crypto isakmp|ipsec|engine (one or more)`,
    );
  if (expandKeyword(w0, ['crypto']) !== 'crypto' || rest.length === 0) throw bad();
  const categories: DebugCategory[] = [];
  for (const word of rest) {
    const c = expandKeyword(word, ['isakmp', 'ipsec', 'engine']);
    if (c !== 'isakmp' && c !== 'ipsec' && c !== 'engine') throw bad();
    if (!categories.includes(c)) categories.push(c);
  }
  return categories;
}

export function registerDebug(program: Command, io: CliIo): void {
  const command = program
    .command('debug')
    .description('stream IOS-style debug lines of a running gateway (Ctrl-C to stop)')
    .argument('<words...>', 'crypto isakmp | crypto ipsec | crypto engine (categories may be combined)');
  addControlOption(command).action(async (words: string[], options: { control?: string }) => {
    const categories = parseDebugWords(words);
    const client = await connectControl(options.control);
    await new Promise<void>((resolve, reject) => {
      const stop = (): void => {
        client.close();
        resolve();
      };
      process.once('SIGINT', stop);
      client.onClose(() => {
        process.off('SIGINT', stop);
        resolve();
      });
      client
        .request({ op: 'debug', categories }, (line) => io.stdout(`${line}\n`))
        .then((response) => {
          if ('line' in response) return;
          if (!response.ok) {
            client.close();
            reject(new RuntimeFailure(`gateway: ${response.error}`));
            return;
          }
          io.stdout(`${response.text}\n`);
        })
        .catch(reject);
    });
  });
}
