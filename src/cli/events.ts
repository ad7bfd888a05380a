// `typeswan events [--json]`: a running gateway's event stream, one event per line until
// interrupted: JSON objects (observe/events.ts, docs/API.md) with --json, else a summary.

import type { Command } from 'commander';
import { isRecord } from '../gateway/controlProtocol.js';
import { addControlOption, streamFromGateway } from './controlCommand.js';
import type { CliIo } from './io.js';

/** "0.500 r1 ike phase1Complete connId=1 peer=192.0.2.2" from one event's JSON. */
export function eventSummary(json: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json;
  }
  if (!isRecord(parsed) || !isRecord(parsed['event'])) return json;
  const fields = Object.entries(parsed['event'])
    .filter(([key, value]) => key !== 'type' && (typeof value !== 'object' || value === null))
    .map(([key, value]) => `${key}=${String(value)}`);
  const time = typeof parsed['time'] === 'number' ? parsed['time'].toFixed(3) : '-';
  return [
    time,
    String(parsed['router']),
    String(parsed['source']),
    String(parsed['event']['type']),
    ...fields,
  ].join(' ');
}

export function registerEvents(program: Command, io: CliIo): void {
  const command = program
    .command('events')
    .description("stream a running gateway's events (Ctrl-C to stop)")
    .option('--json', 'one JSON object per line');
  addControlOption(command).action(async (options: { control?: string; json?: boolean }) => {
    await streamFromGateway(options.control, { op: 'events' }, (line) =>
      io.stdout(`${options.json === true ? line : eventSummary(line)}\n`),
    );
  });
}
