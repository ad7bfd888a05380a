// The host adapters alone, no IPsec: one process holds a TUN device in r1's namespace and one
// in r2's and relays packets between them (TUN read batch -> TUN write batch), so iperf3
// ha -> hb measures what the N-API addon and the event loop cost per packet, without crypto.
// Usage (root, after npm install): npx tsx bench/hostio.ts [seconds]
// Prints one JSON line: {"relay_gbps": ..., "plain_gbps": ..., "relay_cpu_s": ..., "packets": ...}

import { execFileSync, spawn } from 'node:child_process';
import { nativeAddon } from '../src/net/host/native.js';
import { HostTunnel } from '../src/net/host/tunnel.js';

const seconds = Number(process.argv[2] ?? '5');
const prefix = `tswio${process.pid}`;
const ns = (role: string): string => `${prefix}-${role}`;
const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
const inNs = <T>(role: string, fn: () => T): T => {
  const addon = nativeAddon();
  const previous = addon.setNetns(`/run/netns/${ns(role)}`);
  try {
    return fn();
  } finally {
    addon.restoreNetns(previous);
  }
};

function iperf(): Promise<{ gbps: number }> {
  return new Promise((resolve) => {
    const server = spawn('ip', ['netns', 'exec', ns('hb'), 'iperf3', '-s', '-1'], { stdio: 'ignore' });
    setTimeout(() => {
      const client = spawn(
        'ip',
        ['netns', 'exec', ns('ha'), 'iperf3', '-c', '10.2.0.10', '-t', String(seconds), '-J'],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      let out = '';
      client.stdout.on('data', (d: Buffer) => (out += d.toString()));
      client.on('exit', () => {
        server.kill();
        try {
          const parsed = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
          resolve({ gbps: parsed.end.sum_received.bits_per_second / 1e9 });
        } catch {
          resolve({ gbps: 0 });
        }
      });
    }, 500);
  });
}

const roles = ['ha', 'r1', 'r2', 'hb'];
try {
  for (const role of roles) {
    ip('netns', 'add', ns(role));
    ip('-n', ns(role), 'link', 'set', 'lo', 'up');
  }
  ip('link', 'add', 'ha-lan', 'netns', ns('ha'), 'type', 'veth', 'peer', 'name', 'r1-lan', 'netns', ns('r1'));
  ip('link', 'add', 'hb-lan', 'netns', ns('hb'), 'type', 'veth', 'peer', 'name', 'r2-lan', 'netns', ns('r2'));
  ip('link', 'add', 'r1-wan', 'netns', ns('r1'), 'type', 'veth', 'peer', 'name', 'r2-wan', 'netns', ns('r2'));
  const addr: [string, string, string][] = [
    ['ha', 'ha-lan', '10.1.0.10/24'],
    ['r1', 'r1-lan', '10.1.0.1/24'],
    ['hb', 'hb-lan', '10.2.0.10/24'],
    ['r2', 'r2-lan', '10.2.0.1/24'],
    ['r1', 'r1-wan', '192.0.2.1/24'],
    ['r2', 'r2-wan', '192.0.2.2/24'],
  ];
  for (const [role, dev, cidr] of addr) {
    ip('-n', ns(role), 'addr', 'add', cidr, 'dev', dev);
    ip('-n', ns(role), 'link', 'set', dev, 'up');
  }
  ip('-n', ns('ha'), 'route', 'add', 'default', 'via', '10.1.0.1');
  ip('-n', ns('hb'), 'route', 'add', 'default', 'via', '10.2.0.1');
  for (const role of ['r1', 'r2'])
    execFileSync('ip', ['netns', 'exec', ns(role), 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  await new Promise((r) => setTimeout(r, 1000));

  ip('-n', ns('r1'), 'route', 'add', '10.2.0.0/24', 'via', '192.0.2.2');
  ip('-n', ns('r2'), 'route', 'add', '10.1.0.0/24', 'via', '192.0.2.1');
  const plain = await iperf();
  ip('-n', ns('r1'), 'route', 'del', '10.2.0.0/24', 'via', '192.0.2.2');
  ip('-n', ns('r2'), 'route', 'del', '10.1.0.0/24', 'via', '192.0.2.1');

  const a = inNs('r1', () => new HostTunnel({ name: 'tswioa', mtu: 1400 }));
  const b = inNs('r2', () => new HostTunnel({ name: 'tswiob', mtu: 1400 }));
  let packets = 0;
  a.onPacket((p) => {
    packets++;
    b.writePacket(p);
  });
  b.onPacket((p) => {
    packets++;
    a.writePacket(p);
  });
  inNs('r1', () => a.addRoute('10.2.0.0/24'));
  inNs('r2', () => b.addRoute('10.1.0.0/24'));
  const cpu0 = process.cpuUsage();
  const relay = await iperf();
  const cpu = process.cpuUsage(cpu0);
  inNs('r1', () => a.close());
  inNs('r2', () => b.close());
  console.log(
    JSON.stringify({
      relay_gbps: Number(relay.gbps.toFixed(3)),
      plain_gbps: Number(plain.gbps.toFixed(3)),
      relay_cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      packets,
    }),
  );
} finally {
  for (const role of roles) {
    try {
      ip('netns', 'del', ns(role));
    } catch {
      // not created
    }
  }
}
