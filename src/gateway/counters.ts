// `typeswan counters` (swanctl --counters): the gateway's drops by reason, the IKE engine's
// retransmissions, duplicates and drops, SAs by state, and the bytes and packets of the
// installed IPsec SAs.

import type { IkeCounters } from '../ike/manager.js';
import type { SaListView } from '../observe/show/index.js';

export interface GatewayCounters {
  readonly ikeSas: number;
  readonly ikeSasByState: Readonly<Record<string, number>>;
  readonly ipsecSas: number;
  readonly inbound: { readonly bytes: number; readonly packets: number; readonly errors: number };
  readonly outbound: { readonly bytes: number; readonly packets: number; readonly errors: number };
  readonly drops: Readonly<Record<string, number>>;
  readonly ike?: Readonly<IkeCounters>;
  readonly events: number;
}

export function gatewayCounters(inputs: {
  readonly drops: ReadonlyMap<string, number>;
  readonly ike: Readonly<IkeCounters> | undefined;
  readonly sas: SaListView;
  readonly events: number;
}): GatewayCounters {
  const byState: Record<string, number> = {};
  for (const sa of inputs.sas.ike) byState[sa.state] = (byState[sa.state] ?? 0) + 1;
  const total = (key: 'inbound' | 'outbound'): GatewayCounters['inbound'] => {
    const all = inputs.sas.ipsec.flatMap((s) => s[key]);
    return {
      bytes: all.reduce((n, d) => n + d.bytes, 0),
      packets: all.reduce((n, d) => n + d.packets, 0),
      errors: all.reduce((n, d) => n + d.errors, 0),
    };
  };
  return {
    ikeSas: inputs.sas.ike.length,
    ikeSasByState: byState,
    ipsecSas: inputs.sas.ipsec.length,
    inbound: total('inbound'),
    outbound: total('outbound'),
    drops: Object.fromEntries([...inputs.drops].sort(([a], [b]) => a.localeCompare(b))),
    ...(inputs.ike !== undefined ? { ike: { ...inputs.ike } } : {}),
    events: inputs.events,
  };
}

export function formatCounters(c: GatewayCounters): string {
  const row = (name: string, value: number): string => `  ${name.padEnd(32)}${String(value).padStart(12)}`;
  const lines = [
    'ISAKMP SAs:',
    row('total', c.ikeSas),
    ...Object.entries(c.ikeSasByState).map(([state, n]) => row(state, n)),
    'IPsec SAs:',
    row('total', c.ipsecSas),
    row('inbound bytes', c.inbound.bytes),
    row('inbound packets', c.inbound.packets),
    row('inbound errors', c.inbound.errors),
    row('outbound bytes', c.outbound.bytes),
    row('outbound packets', c.outbound.packets),
    row('outbound errors', c.outbound.errors),
    'Drops:',
    ...(Object.keys(c.drops).length === 0 ? ['  none'] : Object.entries(c.drops).map(([r, n]) => row(r, n))),
  ];
  if (c.ike !== undefined)
    lines.push(
      'IKE:',
      row('retransmissions', c.ike.retransmissions),
      row('duplicates', c.ike.duplicates),
      row('drops', c.ike.drops),
      row('quick mode 1 replays', c.ike.replayedQm1),
    );
  lines.push('Events:', row('published', c.events));
  return `${lines.join('\n')}\n`;
}
