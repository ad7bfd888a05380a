// The IKE engine's events as IOS debug messages: debugIsakmp.ts renders the lines; here they
// are grouped into messages (a line starting with "Old State" or blanks continues the one
// before it, as IOS prints them without a timestamp) and tagged with their debug category.

import type { IkeEvent } from '../ike/events.js';
import { debugIsakmpLines } from './debugIsakmp.js';
import type { DebugCategory } from './events.js';

export interface IkeDebugMessage {
  readonly category: DebugCategory;
  readonly text: string;
}

/** `debug crypto engine` prints the engine's lines (Example 13-9), `debug crypto ipsec` IPSEC(...). */
function categoryOf(line: string): DebugCategory {
  if (line.startsWith('IPSEC(')) return 'ipsec';
  if (/^(Crypto engine \d+:|CRYPTO_ENGINE:|generate hmac context)/.test(line)) return 'engine';
  return 'isakmp';
}

export function ikeDebugMessages(event: IkeEvent): IkeDebugMessage[] {
  const messages: { category: DebugCategory; lines: string[] }[] = [];
  for (const line of debugIsakmpLines(event)) {
    const last = messages[messages.length - 1];
    if (last !== undefined && (line.startsWith('Old State') || line.startsWith(' '))) {
      last.lines.push(line);
    } else {
      messages.push({ category: categoryOf(line), lines: [line] });
    }
  }
  return messages.map((m) => ({ category: m.category, text: m.lines.join('\n') }));
}
