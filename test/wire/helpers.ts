// Hand-built ISAKMP bytes for the wire tests.

/** A 28-byte ISAKMP header (version 1.0, Main Mode) whose Length covers `body`. */
export function message(
  nextPayload: number,
  body: readonly number[],
  flags = 0,
  exchangeType = 2,
): Uint8Array {
  const length = 28 + body.length;
  return Uint8Array.from([
    ...[1, 2, 3, 4, 5, 6, 7, 8],
    ...[0, 0, 0, 0, 0, 0, 0, 0],
    nextPayload,
    0x10,
    exchangeType,
    flags,
    ...[0, 0, 0, 0],
    ...u32(length),
    ...body,
  ]);
}

/** Generic payload header + body; `length` defaults to the real one. */
export function payload(next: number, body: readonly number[], length = 4 + body.length): number[] {
  return [next, 0, length >> 8, length & 0xff, ...body];
}

export function u16(v: number): number[] {
  return [v >> 8, v & 0xff];
}

export function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** Proposal sub-payload (RFC 2408 §3.5). */
export function proposal(
  next: number,
  num: number,
  protocol: number,
  spi: number[],
  count: number,
  transforms: number[],
): number[] {
  const body = [num, protocol, spi.length, count, ...spi, ...transforms];
  return payload(next, body);
}

/** Transform sub-payload (RFC 2408 §3.6) with raw attribute bytes. */
export function transform(next: number, num: number, id: number, attrs: number[]): number[] {
  return payload(next, [num, id, 0, 0, ...attrs]);
}
