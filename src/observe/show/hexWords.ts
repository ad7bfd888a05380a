// DER as IOS prints it: upper-case hex in words of four bytes, eight words a line (the
// `certificate ... quit` blocks of `write terminal`, the Key Data of `show crypto key`).

export function iosHexLines(der: Uint8Array, indent = '  '): string[] {
  const words =
    Buffer.from(der)
      .toString('hex')
      .toUpperCase()
      .match(/.{1,8}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 8) lines.push(`${indent}${words.slice(i, i + 8).join(' ')}`);
  return lines;
}
