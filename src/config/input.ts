// The bytes of a configuration file to text, refusing what is no text at all: a capture,
// an image, random data. A configuration is printable ASCII in practice (UTF-8 allowed).

import { ConfigError } from './errors.js';

/** Magic numbers of files people give by mistake (`-c capture.pcapng`). */
const MAGIC: readonly { readonly bytes: readonly number[]; readonly what: string }[] = [
  { bytes: [0x0a, 0x0d, 0x0d, 0x0a], what: 'a pcapng capture (read it with `typeswan decode`)' },
  { bytes: [0xd4, 0xc3, 0xb2, 0xa1], what: 'a pcap capture (read it with `typeswan decode`)' },
  { bytes: [0xa1, 0xb2, 0xc3, 0xd4], what: 'a pcap capture (read it with `typeswan decode`)' },
  { bytes: [0x4d, 0x3c, 0xb2, 0xa1], what: 'a pcap capture (read it with `typeswan decode`)' },
  { bytes: [0xa1, 0xb2, 0x3c, 0x4d], what: 'a pcap capture (read it with `typeswan decode`)' },
  { bytes: [0x1f, 0x8b], what: 'a gzip file' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a zip file' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an ELF executable' },
];

function refuse(file: string, what: string): ConfigError {
  return new ConfigError({
    file,
    line: 0,
    column: 0,
    found: what,
    expected: 'an IOS or PIX configuration (text)',
    message: `not a configuration: ${what}`,
  });
}

/** The text of a configuration file; throws ConfigError for binary input. */
export function configText(bytes: Uint8Array, file: string): string {
  for (const m of MAGIC) {
    if (m.bytes.length <= bytes.length && m.bytes.every((b, i) => bytes[i] === b)) throw refuse(file, m.what);
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw refuse(file, `binary data (a NUL byte at offset ${nul})`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw refuse(file, 'binary data (not valid UTF-8)');
  }
}
