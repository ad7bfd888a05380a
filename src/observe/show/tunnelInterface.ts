// `show interfaces TunnelN`, the IOS 12.x layout for a GRE tunnel:
//   Tunnel0 is up, line protocol is up
//     Hardware is Tunnel
//     Internet address is 10.4.1.1/24
//     MTU 1514 bytes, BW 9 Kbit, DLY 500000 usec,
//     Encapsulation TUNNEL, loopback not set
//     Keepalive set (10 sec), retries 3
//     Tunnel source 172.18.31.1, destination 172.18.45.1
//     Tunnel protocol/transport GRE/IP, key disabled, sequencing disabled
//     Checksumming of packets disabled
//     Last input 00:00:02, output 00:00:02, output hang never
//        5 packets input, 520 bytes, 0 no buffer
//        5 packets output, 520 bytes, 0 underruns
// (IOS prints the MTU of the tunnel's frame; typeswan prints the IP MTU it runs with.)

import type { GreTunnelView } from '../../ipsec/gre.js';
import { ipv4TextToNumber, netmaskPrefix } from '../../packet/address.js';
import { iosUptime } from '../debug.js';

export interface TunnelInterfaceView extends GreTunnelView {
  readonly netmask?: string;
  /** `crypto map` applied to the tunnel interface. */
  readonly cryptoMap?: string;
}

function since(now: number, at: number | undefined): string {
  return at === undefined ? 'never' : iosUptime(now - at);
}

export function formatTunnelInterface(v: TunnelInterfaceView, now: number): string[] {
  const s = v.spec;
  const admin = s.shutdown === true ? 'administratively down' : 'up';
  const lines = [`${s.name} is ${admin}, line protocol is ${v.lineProtocolUp ? 'up' : 'down'}`];
  lines.push('  Hardware is Tunnel');
  if (s.address !== undefined) {
    const prefix = v.netmask === undefined ? undefined : netmaskPrefix(ipv4TextToNumber(v.netmask) ?? 0);
    lines.push(`  Internet address is ${s.address}${prefix === undefined ? '' : `/${prefix}`}`);
  }
  lines.push(`  MTU ${s.mtu} bytes, BW 9 Kbit, DLY 500000 usec,`);
  lines.push('  Encapsulation TUNNEL, loopback not set');
  lines.push(
    s.keepalive === undefined
      ? '  Keepalive not set'
      : `  Keepalive set (${s.keepalive.period} sec), retries ${s.keepalive.retries}`,
  );
  lines.push(`  Tunnel source ${s.source}, destination ${s.destination}`);
  lines.push(
    `  Tunnel protocol/transport GRE/IP, key ${s.key === undefined ? 'disabled' : `0x${s.key.toString(16).toUpperCase()}`}, sequencing ${s.sequenceDatagrams === true ? 'enabled' : 'disabled'}`,
  );
  lines.push(`  Checksumming of packets ${s.checksum === true ? 'enabled' : 'disabled'}`);
  if (s.tcpAdjustMss !== undefined) lines.push(`  TCP MSS adjusted to ${s.tcpAdjustMss}`);
  if (v.cryptoMap !== undefined) lines.push(`  Crypto map ${v.cryptoMap} (the GRE packets are protected)`);
  lines.push(
    `  Last input ${since(now, v.lastInput)}, output ${since(now, v.lastOutput)}, output hang never`,
  );
  if (v.changedAt !== undefined)
    lines.push(`  Line protocol last changed ${iosUptime(now - v.changedAt)} ago`);
  const c = v.counters;
  lines.push(`     ${c.packetsIn} packets input, ${c.bytesIn} bytes, 0 no buffer`);
  lines.push(`     ${c.packetsOut} packets output, ${c.bytesOut} bytes, 0 underruns`);
  lines.push(
    `     ${c.keepalivesSent} keepalives sent, ${c.keepalivesAnswered} answered, ${v.unanswered} unanswered now; ${c.drops} drops, ${c.outOfOrder} out of sequence`,
  );
  return lines;
}

export function formatTunnelInterfaces(views: readonly TunnelInterfaceView[], now: number): string {
  return views.length === 0
    ? 'no tunnel interfaces\n'
    : `${views.flatMap((v) => [...formatTunnelInterface(v, now), '']).join('\n')}`;
}
