// IOS `ping` output (Example 13-3): the banner, one character per echo ('!' reply,
// '.' timeout), and the success-rate line with round-trip times in whole milliseconds.

import type { PingResult } from '../net/virtual/host.js';

export function pingBanner(
  result: Pick<PingResult, 'destination' | 'size' | 'timeout'> & { count: number },
): string[] {
  return [
    'Type escape sequence to abort.',
    `Sending ${result.count}, ${result.size}-byte ICMP Echos to ${result.destination}, timeout is ${result.timeout} seconds:`,
  ];
}

export function pingMarks(result: PingResult): string {
  return result.replies.map((r) => (r === undefined ? '.' : '!')).join('');
}

export function pingSummary(result: PingResult): string {
  const rtts = result.replies.filter((r): r is number => r !== undefined).map((r) => Math.round(r * 1000));
  const total = result.replies.length;
  const percent = total === 0 ? 0 : Math.floor((rtts.length * 100) / total);
  const base = `Success rate is ${percent} percent (${rtts.length}/${total})`;
  if (rtts.length === 0) return base;
  const min = Math.min(...rtts);
  const max = Math.max(...rtts);
  const avg = Math.round(rtts.reduce((a, b) => a + b, 0) / rtts.length);
  return `${base}, round-trip min/avg/max = ${min}/${avg}/${max} ms`;
}

/** The `ping` command as IOS prints it, with the debug lines it set off between banner and marks. */
export function pingTranscript(
  command: string,
  result: PingResult,
  count: number,
  debug: string[],
): string[] {
  return [
    command,
    ...pingBanner({ ...result, count }),
    ...debug.splice(0),
    pingMarks(result),
    pingSummary(result),
    '',
  ];
}
