// Parsers for the tables in the strongSwan fixture READMEs (test/fixtures/strongswan-ikev1/*/README.md).

import { ExchangeType } from '../../src/wire/index.js';

export interface FlowRow {
  frame: number;
  srcPort: number;
  dstPort: number;
  exchange: string;
  messageId: string;
  encrypted: boolean;
  payloads: string[];
  notes: string;
}

export function flowRows(text: string): FlowRow[] {
  const rows: FlowRow[] = [];
  const re =
    /^\| (\d+) \| [\d.]+ \| r\d→r\d \| (\d+)→(\d+) \| ([^|]+?) \| ([^|]+?) \| (yes|no) \| ([^|]*?) \|([^|]*)\|/gm;
  for (const m of text.matchAll(re)) {
    rows.push({
      frame: Number(m[1]),
      srcPort: Number(m[2]),
      dstPort: Number(m[3]),
      exchange: m[4]!,
      messageId: m[5]!,
      encrypted: m[6] === 'yes',
      payloads: m[7]!.split(' ').filter(Boolean),
      notes: m[8]!.trim(),
    });
  }
  return rows;
}

export const EXCHANGES: Record<string, number> = {
  'Main Mode (ID_PROT)': ExchangeType.IDENTITY_PROTECTION,
  Aggressive: ExchangeType.AGGRESSIVE,
  'Quick Mode': ExchangeType.QUICK,
  Informational: ExchangeType.INFORMATIONAL,
  'Transaction (Mode Config/XAUTH)': ExchangeType.TRANSACTION,
};

// charon's abbreviations (README tables) -> RFC 2408 names as payloadTypeName spells them.
export const PAYLOAD_ABBREV: Record<string, string> = { No: 'NONCE', V: 'VID' };
