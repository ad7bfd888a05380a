// `show ip local pool` in the IOS layout: one line per pool (begin, end, free, in use), then
// for each pool the addresses in use and who holds them (here: the client's IKE peer address).

export interface LocalPoolView {
  readonly name: string;
  readonly first: string;
  readonly last: string;
  readonly size: number;
  readonly leases: readonly { readonly address: string; readonly client: string }[];
}

const pad = (s: string, n: number): string => s.padEnd(n);
const num = (v: number, n: number): string => String(v).padStart(n);

export function formatLocalPools(pools: readonly LocalPoolView[]): string {
  const lines = ['', ' Pool                     Begin           End             Free  In use'];
  for (const p of pools)
    lines.push(
      ` ${pad(p.name, 24)} ${pad(p.first, 15)} ${pad(p.last, 15)}${num(p.size - p.leases.length, 5)}${num(p.leases.length, 8)}`,
    );
  for (const p of pools) {
    if (p.leases.length === 0) continue;
    lines.push('', `Pool ${p.name} : Inuse addresses:`);
    for (const l of p.leases) lines.push(`  ${pad(l.address, 17)} ${l.client}`);
  }
  return `${lines.join('\n')}\n`;
}
