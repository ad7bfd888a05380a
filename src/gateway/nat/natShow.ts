// `show ip nat translations` and `show ip nat statistics` as IOS 12 prints them:
//
//   Pro Inside global      Inside local       Outside local      Outside global
//   icmp 1.1.1.2:1          10.1.1.3:1         1.1.1.100:1        1.1.1.100:1
//   --- 100.1.1.3          10.1.1.2           ---                ---

import { IPPROTO_ICMP } from '../../packet/icmp.js';
import { IPPROTO_TCP } from '../../packet/tcp.js';
import { IPPROTO_UDP } from '../../packet/udp.js';
import type { NatService } from './natService.js';

const PROTOCOLS: Readonly<Record<number, string>> = {
  [IPPROTO_ICMP]: 'icmp',
  [IPPROTO_TCP]: 'tcp',
  [IPPROTO_UDP]: 'udp',
};

function row(pro: string, cells: readonly [string, string, string, string]): string {
  // IOS pads the protocol and inside global together, so `icmp` pushes nothing to the right.
  const [global, local, outsideLocal, outsideGlobal] = cells;
  return `${`${pro} ${global}`.padEnd(22)} ${local.padEnd(18)} ${outsideLocal.padEnd(18)} ${outsideGlobal}`;
}

export function formatNatTranslations(nat: NatService, now: number): string {
  nat.sweep(now);
  const lines = [row('Pro', ['Inside global', 'Inside local', 'Outside local', 'Outside global'])];
  for (const t of nat.table.entries()) {
    const outsidePort = t.protocol === IPPROTO_ICMP ? t.insideLocalPort : t.outsidePort;
    lines.push(
      row(PROTOCOLS[t.protocol] ?? String(t.protocol), [
        `${t.insideGlobal}:${t.insideGlobalPort}`,
        `${t.insideLocal}:${t.insideLocalPort}`,
        `${t.outside}:${outsidePort}`,
        `${t.outside}:${outsidePort}`,
      ]),
    );
  }
  for (const [local, global] of nat.policy.statics) lines.push(row('---', [global, local, '---', '---']));
  return `${lines.join('\n')}\n`;
}

export function formatNatStatistics(nat: NatService, now: number): string {
  nat.sweep(now);
  const statics = nat.policy.statics.size;
  const dynamic = nat.table.size;
  const c = nat.counters;
  const lines = [
    `Total active translations: ${statics + dynamic} (${statics} static, ${dynamic} dynamic; ${dynamic} extended)`,
    'Outside interfaces:',
    ...nat.policy.outsideInterfaces.map((i) => `  ${i}`),
    'Inside interfaces:',
    ...nat.policy.insideInterfaces.map((i) => `  ${i}`),
    `Hits: ${c.hits}  Misses: ${c.misses}`,
    `Expired translations: ${nat.table.expired}`,
    'Dynamic mappings:',
    '-- Inside Source',
    ...nat.policy.dynamicRules.map(
      (r) => `${r} refcount ${nat.table.entries().filter((t) => t.rule === r).length}`,
    ),
  ];
  const drops = [...c.drops].map(([reason, n]) => `${reason} ${n}`).join(', ');
  lines.push(
    `Untranslated (bypassed or no rule): ${c.untranslated}${drops === '' ? '' : `; dropped: ${drops}`}`,
  );
  return `${lines.join('\n')}\n`;
}
