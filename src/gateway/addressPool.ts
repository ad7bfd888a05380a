// `ip local pool NAME FIRST LAST` as Mode Config hands it out: one address per client,
// the same one again while the client holds it (a second IKE SA, a rekey), returned when
// the client's IKE SA and IPsec SAs are all gone. An exhausted pool refuses that client
// alone. `show ip local pool` reads the leases.

import { ipv4NumberToText, ipv4TextToNumber } from '../packet/address.js';
import type { LocalPool } from '../policy/model.js';
import type { AddressLeases } from '../ike/types.js';

export interface PoolLease {
  readonly address: string;
  readonly client: string;
  readonly since: number;
}

export interface PoolView {
  readonly name: string;
  readonly first: string;
  readonly last: string;
  readonly size: number;
  readonly leases: readonly PoolLease[];
}

interface Pool {
  readonly spec: LocalPool;
  readonly first: number;
  readonly last: number;
  /** address number -> lease */
  readonly leased: Map<number, PoolLease>;
}

export class AddressPools implements AddressLeases {
  private pools = new Map<string, Pool>();

  constructor(
    pools: readonly LocalPool[],
    private readonly clock: () => number,
  ) {
    this.configure(pools);
  }

  /** A reloaded configuration: leases inside a pool that is still there are kept. */
  configure(pools: readonly LocalPool[]): void {
    const next = new Map<string, Pool>();
    for (const spec of pools) {
      const first = ipv4TextToNumber(spec.first);
      const last = ipv4TextToNumber(spec.last);
      if (first === undefined || last === undefined || last < first) continue;
      const old = this.pools.get(spec.name);
      const leased = new Map<number, PoolLease>();
      for (const [n, lease] of old?.leased ?? []) if (n >= first && n <= last) leased.set(n, lease);
      next.set(spec.name, { spec, first, last, leased });
    }
    this.pools = next;
  }

  lease(pool: string, client: string): { readonly address: string } | { readonly error: string } {
    const p = this.pools.get(pool);
    if (!p) return { error: `ip local pool ${pool} is not configured` };
    for (const lease of p.leased.values()) if (lease.client === client) return { address: lease.address };
    for (let n = p.first; n <= p.last; n++) {
      if (p.leased.has(n)) continue;
      const lease = { address: ipv4NumberToText(n), client, since: this.clock() };
      p.leased.set(n, lease);
      return { address: lease.address };
    }
    const size = p.last - p.first + 1;
    return { error: `address pool ${pool} exhausted (all ${size} addresses in use)` };
  }

  /** The client's SAs are all gone: its addresses go back to their pools. */
  release(client: string): string[] {
    const freed: string[] = [];
    for (const p of this.pools.values())
      for (const [n, lease] of [...p.leased])
        if (lease.client === client) {
          p.leased.delete(n);
          freed.push(lease.address);
        }
    return freed;
  }

  /** Who holds leases now. */
  clients(): string[] {
    return [...new Set([...this.pools.values()].flatMap((p) => [...p.leased.values()].map((l) => l.client)))];
  }

  views(): PoolView[] {
    return [...this.pools.values()].map((p) => ({
      name: p.spec.name,
      first: p.spec.first,
      last: p.spec.last,
      size: p.last - p.first + 1,
      leases: [...p.leased.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l),
    }));
  }
}
