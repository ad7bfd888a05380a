// Wireshark's IKEv1 key table (the `ikev1_decryption_table` UAT file): one entry per line,
// `<initiator cookie hex>,<encryption key hex>`, `#` starts a comment line. Wireshark writes the
// hex fields unquoted (quoted, tshark 4.0 rejects the cookie); quotes are accepted here anyway.
// Lines of a `typeswan start --keylog` file (`uat:ikev1_decryption_table:<cookie>,<key>`, the
// form tshark takes with `-o`) are read too; its other `uat:` lines (ESP SAs) are skipped.

export class KeyFileError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'KeyFileError';
  }
}

/** Encryption keys (Ka) by initiator cookie (16 lower-case hex digits). */
export type Ikev1KeyTable = ReadonlyMap<string, Uint8Array>;

const UAT_PREFIX = 'uat:ikev1_decryption_table:';
const COOKIE_LENGTH = 8;
const MAX_KEY_LENGTH = 64;
const MAX_LINES = 100_000;

export function parseIkev1KeyTable(text: string): Ikev1KeyTable {
  const keys = new Map<string, Uint8Array>();
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) throw new KeyFileError(MAX_LINES, `more than ${MAX_LINES} lines`);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith(UAT_PREFIX)) line = line.slice(UAT_PREFIX.length);
    else if (line.startsWith('uat:')) return;
    const fields = line.split(',').map((field) => unquote(field.trim()));
    if (fields.length !== 2) {
      throw new KeyFileError(
        lineNumber,
        `expected "<initiator cookie>,<encryption key>" (2 fields), found ${fields.length}`,
      );
    }
    const cookie = parseHex(fields[0]!, lineNumber, 'initiator cookie');
    if (cookie.length !== COOKIE_LENGTH) {
      throw new KeyFileError(
        lineNumber,
        `initiator cookie must be ${COOKIE_LENGTH} bytes (16 hex digits), found ${cookie.length}`,
      );
    }
    const key = parseHex(fields[1]!, lineNumber, 'encryption key');
    if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
      throw new KeyFileError(
        lineNumber,
        `encryption key must be 1 to ${MAX_KEY_LENGTH} bytes, found ${key.length}`,
      );
    }
    keys.set(Buffer.from(cookie).toString('hex'), key);
  });
  return keys;
}

function unquote(field: string): string {
  if (field.length >= 2 && field.startsWith('"') && field.endsWith('"')) return field.slice(1, -1).trim();
  return field;
}

function parseHex(field: string, line: number, what: string): Uint8Array {
  const digits = field.replace(/^0x/i, '').replace(/[:\s]/g, '');
  if (digits === '') throw new KeyFileError(line, `${what} is empty`);
  if (!/^[0-9a-fA-F]+$/.test(digits)) throw new KeyFileError(line, `${what} is not hexadecimal: "${field}"`);
  if (digits.length % 2 !== 0) throw new KeyFileError(line, `${what} has an odd number of hex digits`);
  return Uint8Array.from(Buffer.from(digits, 'hex'));
}
