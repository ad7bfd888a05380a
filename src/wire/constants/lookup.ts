// Reverse lookup for the constants objects: value -> RFC name.

export type ConstTable = Readonly<Record<string, number>>;

export function reverse(table: ConstTable, rename?: (key: string) => string): ReadonlyMap<number, string> {
  const out = new Map<number, string>();
  for (const [key, value] of Object.entries(table)) {
    if (!out.has(value)) out.set(value, rename ? rename(key) : key);
  }
  return out;
}

/** The name of `value`, or `UNKNOWN(<value>)`. */
export function nameIn(map: ReadonlyMap<number, string>, value: number): string {
  return map.get(value) ?? `UNKNOWN(${value})`;
}

export const hyphenate = (key: string): string => key.replace(/_/g, '-');
