// IOS or PIX? PIX configurations announce themselves (`PIX Version`, `nameif`), write
// ISAKMP commands without the `crypto` prefix and give interface addresses by name.

export type Dialect = 'ios' | 'pix';

const PIX_SIGNS: readonly RegExp[] = [
  /^\s*PIX Version\b/im,
  /^\s*nameif\s+\S+\s+\S+\s+security\d+/im,
  /^\s*isakmp\s+(policy|key|enable|identity|client)\b/im,
  /^\s*fixup\s+protocol\b/im,
  /^\s*ip address\s+[a-z]\w*\s+\d+\.\d+\.\d+\.\d+\s+\d+\.\d+\.\d+\.\d+\s*$/im,
];

export function detectDialect(text: string): Dialect {
  return PIX_SIGNS.some((re) => re.test(text)) ? 'pix' : 'ios';
}
