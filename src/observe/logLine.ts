// The daemon's log lines: IOS timestamps as `service timestamps debug|log ...` says, a
// severity (IOS levels, `logging buffered LEVEL`), and three layouts: `text` (IOS, a debug
// message's continuation lines as IOS prints them), `journal` (one line per message with an
// sd-daemon(3) `<N>` priority prefix, so journald records the level) and `json` (one object per
// line). No colour in any of them.

import { LOG_LEVELS, type TimestampStyle } from '../policy/model.js';
import { iosUptime } from './debug.js';

export type LogFormat = 'text' | 'journal' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'journal', 'json'];

export interface LogEntry {
  /** IOS severity: 0 emergencies .. 7 debugging. */
  readonly severity: number;
  /** Debug messages use `service timestamps debug`, the others `service timestamps log`. */
  readonly kind: 'debug' | 'log';
  readonly text: string;
  /** Seconds since the daemon started. */
  readonly uptime: number;
  readonly date: Date;
  readonly category?: string;
  readonly router?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IOS `datetime`: "Mar  1 00:27:23.279" (the day padded as syslog pads it), UTC unless `localtime`. */
function datetime(style: Extract<TimestampStyle, { kind: 'datetime' }>, date: Date): string {
  const local = style.localtime;
  const two = (n: number): string => String(n).padStart(2, '0');
  const month = MONTHS[local ? date.getMonth() : date.getUTCMonth()] ?? '';
  const day = String(local ? date.getDate() : date.getUTCDate()).padStart(2, ' ');
  const year = style.year ? ` ${local ? date.getFullYear() : date.getUTCFullYear()}` : '';
  const h = local ? date.getHours() : date.getUTCHours();
  const m = local ? date.getMinutes() : date.getUTCMinutes();
  const s = local ? date.getSeconds() : date.getUTCSeconds();
  const ms = style.msec ? `.${String(date.getMilliseconds()).padStart(3, '0')}` : '';
  const zone = style.showTimezone ? ` ${local ? localZone(date) : 'UTC'}` : '';
  return `${month} ${day}${year} ${two(h)}:${two(m)}:${two(s)}${ms}${zone}`;
}

function localZone(date: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** The stamp IOS puts before a message ("00:04:10", "Mar  1 00:27:23.279"); '' for none. */
export function iosTimestamp(style: TimestampStyle, uptime: number, date: Date): string {
  switch (style.kind) {
    case 'none':
      return '';
    case 'uptime':
      return iosUptime(uptime);
    case 'datetime':
      return datetime(style, date);
  }
}

export function formatLogEntry(
  entry: LogEntry,
  format: LogFormat,
  timestamps: { readonly debug: TimestampStyle; readonly log: TimestampStyle },
): string {
  const style = entry.kind === 'debug' ? timestamps.debug : timestamps.log;
  const stamp = iosTimestamp(style, entry.uptime, entry.date);
  if (format === 'json')
    return `${JSON.stringify({
      time: entry.date.toISOString(),
      uptime: Math.round(entry.uptime * 1000) / 1000,
      ...(stamp !== '' ? { timestamp: stamp } : {}),
      level: LOG_LEVELS[entry.severity] ?? 'debugging',
      severity: entry.severity,
      ...(entry.router !== undefined ? { router: entry.router } : {}),
      ...(entry.category !== undefined ? { category: entry.category } : {}),
      message: entry.text,
    })}\n`;
  const prefix = stamp === '' ? '' : `${stamp}: `;
  if (format === 'journal') {
    const oneLine = entry.text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join(' ');
    return `<${entry.severity}>${prefix}${oneLine}\n`;
  }
  return `${prefix}${entry.text}\n`;
}
