// `show crypto map`, the layout of Example 13-6 (continued):
//   Crypto Map "vpn" 10 ipsec-isakmp
//     Peer = 172.16.172.10
//     Extended IP access list 101
//       access-list 101 permit ip 10.1.2.0 0.0.0.255 10.1.1.0 0.0.0.255
//     Current peer: 172.16.172.10
//     Security association lifetime: 4608000 kilobytes/3600 seconds
//     PFS (Y/N): N
//     Transform sets={ myset, }
//     Interfaces using crypto map vpn:
//       Ethernet1/0

import type { CryptoMapView } from './views.js';

export function formatCryptoMapEntry(entry: CryptoMapView): string[] {
  const kind =
    entry.kind === 'dynamic'
      ? `ipsec-isakmp\n  Dynamic map template tag: ${entry.dynamicMap ?? ''}`
      : 'ipsec-isakmp';
  const lines = [`Crypto Map "${entry.map}" ${entry.seq} ${kind}`];
  for (const peer of entry.peers) lines.push(`  Peer = ${peer}`);
  if (entry.accessList !== undefined) {
    lines.push(`  Extended IP access list ${entry.accessList.name}`);
    for (const line of entry.accessList.lines) lines.push(`    ${line}`);
  }
  if (entry.currentPeer !== undefined) lines.push(`  Current peer: ${entry.currentPeer}`);
  lines.push(
    `  Security association lifetime: ${entry.lifetimeKilobytes} kilobytes/${entry.lifetimeSeconds} seconds`,
  );
  lines.push(`  PFS (Y/N): ${entry.pfsGroup === undefined ? 'N' : 'Y'}`);
  if (entry.pfsGroup !== undefined) lines.push(`  DH group:  group${entry.pfsGroup}`);
  lines.push(`  Transform sets={ ${entry.transformSets.map((t) => `${t}, `).join('')}}`);
  lines.push(`  Interfaces using crypto map ${entry.map}:`);
  for (const iface of entry.interfaces) lines.push(`    ${iface}`);
  return lines;
}

export function formatCryptoMap(entries: readonly CryptoMapView[]): string {
  return `${entries.flatMap((e) => [...formatCryptoMapEntry(e), '']).join('\n')}`;
}
