// `service timestamps debug|log uptime|datetime [msec] [localtime] [year] [show-timezone]`,
// `no service timestamps [debug|log]` and `logging buffered [SIZE] [LEVEL]`: how the daemon
// stamps and filters its log lines. Other `service` and `logging` commands are accepted and
// counted as ignored, as before.

import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';
import { LOG_LEVELS, type TimestampStyle } from '../policy/model.js';

function timestampStyle(cur: Cursor): TimestampStyle {
  const kind = cur.optionalKeyword(['uptime', 'datetime']) ?? 'uptime';
  if (kind === 'uptime') {
    cur.end();
    return { kind };
  }
  const flags = new Set<string>();
  while (!cur.atEnd()) flags.add(cur.keyword(['msec', 'localtime', 'year', 'show-timezone']));
  return {
    kind,
    msec: flags.has('msec'),
    localtime: flags.has('localtime'),
    year: flags.has('year'),
    showTimezone: flags.has('show-timezone'),
  };
}

/** `service ...`: true when it was `service timestamps` (handled), false for other services. */
export function serviceCommand(ctx: ParseContext, cur: Cursor, negated: boolean): boolean {
  cur.word('service');
  if (cur.optionalKeyword(['timestamps']) === undefined) return false;
  const which = cur.optionalKeyword(['debug', 'log']);
  let style: TimestampStyle = { kind: 'none' };
  if (negated) cur.end();
  else style = timestampStyle(cur);
  // `service timestamps` alone is the debug one; `no service timestamps` alone turns off both.
  const debug = which !== 'log';
  const log = which === 'log' || (which === undefined && negated);
  const current = ctx.b.logging.timestamps;
  ctx.b.logging = {
    ...ctx.b.logging,
    timestamps: { debug: debug ? style : current.debug, log: log ? style : current.log },
  };
  ctx.b.loggingSet = true;
  return true;
}

/** `logging buffered [SIZE] [LEVEL]`: true when handled, false for other `logging` commands. */
export function loggingCommand(ctx: ParseContext, cur: Cursor): boolean {
  cur.word('logging');
  if (cur.optionalKeyword(['buffered']) === undefined) return false;
  if (/^\d{4,}$/.test(cur.peek()?.text ?? '')) cur.integer(4096, 2147483647, 'a buffer size');
  let level: number = LOG_LEVELS.indexOf('debugging');
  if (!cur.atEnd()) {
    const token = cur.peek()?.text ?? '';
    level = /^[0-7]$/.test(token) ? cur.integer(0, 7) : LOG_LEVELS.indexOf(cur.keyword(LOG_LEVELS));
  }
  cur.end();
  ctx.b.logging = { ...ctx.b.logging, level };
  ctx.b.loggingSet = true;
  return true;
}
