// `show crypto isakmp sa`, the layout of Example 13-4:
//   dst          src          state          conn-id    slot
//   172.16.172.20 172.16.172.10 QM_IDLE        1          0

import type { IsakmpSaView } from './views.js';

function row(dst: string, src: string, state: string, connId: string, slot: string): string {
  return `${dst.padEnd(12)} ${src.padEnd(12)} ${state.padEnd(15)}${connId.padEnd(11)}${slot}`;
}

export function formatIsakmpSa(sas: readonly IsakmpSaView[]): string {
  const lines = [row('dst', 'src', 'state', 'conn-id', 'slot')];
  for (const sa of sas) lines.push(row(sa.dst, sa.src, sa.state, String(sa.connId), String(sa.slot)));
  return `${lines.join('\n')}\n`;
}
