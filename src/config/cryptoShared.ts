// Helpers shared by the crypto command parsers.

import type { SaLifetime } from '../policy/model.js';
import type { Mutable } from './builder.js';
import type { ParseContext } from './context.js';
import type { Cursor } from './cursor.js';

export const DH_GROUPS = ['1', '2', '5', '14', '15', '16', '17', '18', '19', '20', '21', '31'] as const;

/** A valid command the model has no field for: recorded (ignored + warning) so the user sees it. */
export function notModelled(ctx: ParseContext, cur: Cursor): void {
  cur.rest();
  ctx.b.ignore(cur.src.line, cur.src.text);
  ctx.b.warn(cur.src.line, `"${cur.src.text.trim()}" is not modelled and has no effect`);
}

/** `seconds N` | `kilobytes N` (cursor before the unit). */
export function lifetimeValue(cur: Cursor, into: Partial<Mutable<SaLifetime>>): void {
  const unit = cur.keyword(['seconds', 'kilobytes'] as const);
  if (unit === 'seconds') into.seconds = cur.integer(120, 86400, 'a lifetime in seconds (120-86400)');
  else into.kilobytes = cur.integer(2560, 536870912, 'a lifetime in kilobytes (2560-536870912)');
}
