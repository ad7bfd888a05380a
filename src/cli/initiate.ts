// `typeswan initiate crypto map M N | initiate peer A`: brings a tunnel up without traffic.
// The gateway asks IKE for the entry's proxy IDs as interesting traffic would; the command
// waits until an IPsec SA with the peer is installed (exit 0) or the negotiation fails or
// times out (exit 1), like `swanctl --initiate`.

import type { Command } from 'commander';
import { isRecord, type InitiateTarget } from '../gateway/controlProtocol.js';
import { parseIpv4Text } from '../packet/address.js';
import { addControlOption, connectControl, expandKeyword } from './controlCommand.js';
import { RuntimeFailure, UsageError } from './errors.js';
import type { CliIo } from './io.js';

const USAGE = 'crypto map NAME SEQ | peer ADDRESS';

export function parseInitiateWords(words: readonly string[]): InitiateTarget {
  const [w0, w1, w2, w3, ...rest] = words;
  const bad = (): UsageError =>
    new UsageError(`unknown initiate command "${words.join(' ')}"; expected initiate ${USAGE}`);
  if (rest.length > 0) throw bad();
  const first = expandKeyword(w0, ['crypto', 'peer']);
  if (first === 'peer' && w1 !== undefined && w2 === undefined && parseIpv4Text(w1) !== undefined)
    return { peer: w1 };
  if (
    first === 'crypto' &&
    expandKeyword(w1, ['map']) === 'map' &&
    w2 !== undefined &&
    w3 !== undefined &&
    /^\d{1,5}$/.test(w3)
  )
    return { map: w2, seq: Number(w3) };
  throw bad();
}

interface InitiateOptions {
  readonly control?: string;
  readonly wait?: boolean;
  readonly timeout?: string;
}

/** What an event line means for a pending initiate toward `peers`: up, failed, or nothing. */
export function initiateOutcome(line: string, peers: readonly string[]): 'up' | string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  const event = isRecord(parsed) ? parsed['event'] : undefined;
  if (!isRecord(event)) return undefined;
  if (
    event['type'] === 'saInstalled' &&
    event['direction'] === 'outbound' &&
    peers.includes(String(event['remote']))
  )
    return 'up';
  if (event['type'] === 'acquireReleased' && peers.includes(String(event['peer'])))
    return `negotiation with ${String(event['peer'])} failed`;
  return undefined;
}

export function registerInitiate(program: Command, io: CliIo): void {
  const command = program
    .command('initiate')
    .description('bring a tunnel up without traffic: IKE for a crypto map entry or a peer')
    .argument('<words...>', USAGE)
    .option('--no-wait', 'return once IKE is asked, without waiting for the IPsec SA')
    .option('--timeout <seconds>', 'how long to wait for the IPsec SA', '30');
  addControlOption(command).action(async (words: string[], options: InitiateOptions) => {
    const target = parseInitiateWords(words);
    const seconds = Number(options.timeout ?? '30');
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new UsageError(`--timeout ${options.timeout}: expected seconds`);
    const client = await connectControl(options.control);
    try {
      let settle: ((outcome: string) => void) | undefined;
      let peers: readonly string[] = [];
      const lines: string[] = [];
      const outcome = new Promise<string>((resolve) => (settle = resolve));
      if (options.wait !== false) {
        const events = await client.request({ op: 'events' }, (line) => {
          const o = initiateOutcome(line, peers);
          if (o !== undefined) settle?.(o);
          else if (peers.length === 0) lines.push(line);
        });
        if (!events.ok) throw new RuntimeFailure(`gateway: ${events.error}`);
      }
      const reply = await client.request({ op: 'initiate', ...target });
      if (!reply.ok) throw new RuntimeFailure(`gateway: ${reply.error}`);
      io.stdout(`${reply.text}\n`);
      if (options.wait === false) return;
      const data = reply.data;
      peers =
        typeof data === 'object' && data !== null && 'peers' in data && Array.isArray(data.peers)
          ? data.peers.map(String)
          : [];
      for (const line of lines) {
        const o = initiateOutcome(line, peers);
        if (o !== undefined) settle?.(o);
      }
      client.onClose(() => settle?.('the gateway closed the control connection'));
      const timer = setTimeout(() => settle?.(`no IPsec SA within ${seconds} s`), seconds * 1000);
      const result = await outcome;
      clearTimeout(timer);
      if (result !== 'up') throw new RuntimeFailure(result);
      io.stdout(`IPsec SA with ${peers.join(', ')} established\n`);
    } finally {
      client.close();
    }
  });
}
