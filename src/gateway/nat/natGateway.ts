// What the gateway asks of NAT: a service when the configuration translates and the adapters
// can bring the replies back (an outside tap: the lab's virtual router has one; on a Linux host
// NAT is nftables', see the README), the notices to print at start, and the show commands.

import type { OutsideTap } from '../../net/types.js';
import type { RouterConfig } from '../../policy/model.js';
import { NatService } from './natService.js';
import { formatNatStatistics, formatNatTranslations } from './natShow.js';

export type { NatService } from './natService.js';

/** Whether the configuration asks for translation at all. */
export function natWanted(config: RouterConfig): boolean {
  return NatService.wanted(config);
}

export function natFor(config: RouterConfig, tap: OutsideTap | undefined): NatService | undefined {
  return tap !== undefined && NatService.wanted(config) ? new NatService(config, tap.protocols) : undefined;
}

/** `file:line: message` for each NAT line the gateway runs around, or that it does not run at all. */
export function natNotices(config: RouterConfig, tap: OutsideTap | undefined): string[] {
  if (!NatService.wanted(config)) return [];
  const first = config.nat?.insideSources[0]?.at.line ?? config.nat?.pixNat[0]?.at.line ?? 0;
  if (tap === undefined)
    return [
      `${config.file}:${first}: NAT is not run by the gateway on this host: translate with nftables (README, "NAT on the gateway host")`,
    ];
  const notices = new NatService(config).notices.map((n) => `${config.file}:${n.line}: ${n.message}`);
  if (tap.protocols !== undefined)
    notices.push(
      `${config.file}:${first}: only IP protocol${tap.protocols.length === 1 ? '' : 's'} ${tap.protocols.join(', ')} come${tap.protocols.length === 1 ? 's' : ''} back to the gateway's NAT on this host; PAT of other traffic is dropped, counted: translate it with nftables (README)`,
    );
  return notices;
}

export function natShow(
  nat: NatService | undefined,
  what: 'ip nat translations' | 'ip nat statistics',
  now: number,
): { readonly text: string; readonly data: unknown } {
  if (nat === undefined) return { text: '', data: { translations: [] } };
  if (what === 'ip nat translations')
    return { text: formatNatTranslations(nat, now), data: { translations: nat.table.entries() } };
  const c = nat.counters;
  return {
    text: formatNatStatistics(nat, now),
    data: {
      hits: c.hits,
      misses: c.misses,
      inbound: c.inbound,
      untranslated: c.untranslated,
      expired: nat.table.expired,
      drops: Object.fromEntries(c.drops),
      active: nat.table.size,
    },
  };
}
