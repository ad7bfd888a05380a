// The Linux host adapters against the real kernel, inside namespaces this test creates: TUN
// read/write round trip (the kernel's own ping gets its reply from us), raw ESP and AH between
// two namespaces, UDP endpoints, interface lookup. Needs root; skipped with a message otherwise.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostRawIpEndpoint, IPPROTO_AH, IPPROTO_ESP } from '../../src/net/host/raw.js';
import { HostTunnel } from '../../src/net/host/tunnel.js';
import { HostUdpEndpoint } from '../../src/net/host/udp.js';
import {
  findInterfaceByAddress,
  forwardingWarning,
  InterfaceNotFoundError,
} from '../../src/net/host/interfaces.js';
import { hostSkipReason, ip, Netns, uniqueName, waitFor } from './hostNetns.js';

const skip = hostSkipReason();
if (skip) console.log(`\n*** SKIPPING host adapter tests (test/net/host.test.ts): ${skip} ***\n`);

/** RFC 1071 Internet checksum. */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  if (bytes.length % 2 === 1) sum += (bytes[bytes.length - 1] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Turns an IPv4 ICMP echo request into the echo reply (RFC 792), fixing both checksums. */
function echoReply(request: Uint8Array): Uint8Array {
  const reply = Uint8Array.from(request);
  const ihl = ((reply[0] ?? 0) & 0x0f) * 4;
  reply.set(request.subarray(16, 20), 12);
  reply.set(request.subarray(12, 16), 16);
  reply[10] = 0;
  reply[11] = 0;
  const ipSum = checksum(reply.subarray(0, ihl));
  reply[10] = ipSum >> 8;
  reply[11] = ipSum & 0xff;
  reply[ihl] = 0; // type 0: echo reply
  reply[ihl + 2] = 0;
  reply[ihl + 3] = 0;
  const icmpSum = checksum(reply.subarray(ihl));
  reply[ihl + 2] = icmpSum >> 8;
  reply[ihl + 3] = icmpSum & 0xff;
  return reply;
}

function ipv4Packet(protocol: number, src: string, dst: string, payload: Uint8Array): Uint8Array {
  const packet = new Uint8Array(20 + payload.length);
  packet[0] = 0x45;
  packet[2] = packet.length >> 8;
  packet[3] = packet.length & 0xff;
  packet[8] = 64;
  packet[9] = protocol;
  packet.set(src.split('.').map(Number), 12);
  packet.set(dst.split('.').map(Number), 16);
  const sum = checksum(packet.subarray(0, 20));
  packet[10] = sum >> 8;
  packet[11] = sum & 0xff;
  packet.set(payload, 20);
  return packet;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout });
    });
  });
}

describe('host adapters (Linux, root)', { skip }, () => {
  let a: Netns;
  let b: Netns;

  before(() => {
    a = new Netns(uniqueName('ha'));
    b = new Netns(uniqueName('hb'));
    // 198.51.100.0/24 between the two namespaces (RFC 5737 documentation range).
    ip('link', 'add', 'tswva', 'netns', a.name, 'type', 'veth', 'peer', 'name', 'tswvb', 'netns', b.name);
    ip('-n', a.name, 'addr', 'add', '198.51.100.1/24', 'dev', 'tswva');
    ip('-n', b.name, 'addr', 'add', '198.51.100.2/24', 'dev', 'tswvb');
    ip('-n', a.name, 'link', 'set', 'tswva', 'up');
    ip('-n', b.name, 'link', 'set', 'tswvb', 'up');
  });

  after(() => {
    a?.delete();
    b?.delete();
  });

  it('TUN: the kernel ping arrives on the device and our written reply completes it', async () => {
    const tun = a.enter(() => new HostTunnel({ name: 'tswtun0', mtu: 1400 }));
    try {
      ip('-n', a.name, 'addr', 'add', '10.200.0.1/24', 'dev', tun.name);
      // `ip` runs as a child of this thread, so inside the namespace too.
      a.enter(() => tun.addRoute('10.201.0.0/24'));
      assert.match(ip('-n', a.name, 'route', 'show', '10.201.0.0/24'), /dev tswtun0/);
      const seen: Uint8Array[] = [];
      tun.onPacket((packet) => {
        seen.push(packet);
        if (packet[9] === 1 && packet[20] === 8) tun.writePacket(echoReply(packet));
      });
      const ping = await run(
        'ip',
        ['netns', 'exec', a.name, 'ping', '-c', '3', '-i', '0.2', '-W', '2', '10.201.0.7'],
        15_000,
      );
      const requests = seen.filter((p) => p[9] === 1 && p[20] === 8);
      assert.ok(requests.length >= 3, `echo requests seen on the TUN: ${requests.length}`);
      assert.deepEqual([...(requests[0]?.subarray(16, 20) ?? [])], [10, 201, 0, 7]);
      assert.equal(ping.code, 0, `ping through the TUN failed:\n${ping.stdout}`);
      assert.match(ping.stdout, /3 received/);
    } finally {
      a.enter(() => tun.close());
    }
    // Closing removed the route and the device.
    assert.doesNotMatch(ip('-n', a.name, 'link', 'show'), /tswtun0/);
  });

  it('raw sockets: ESP and AH packets sent in one batch arrive intact in the other namespace', async () => {
    const sender = a.enter(() => new HostRawIpEndpoint('198.51.100.1'));
    const receiver = b.enter(() => new HostRawIpEndpoint('198.51.100.2'));
    try {
      const received: Uint8Array[] = [];
      receiver.onPacket((packet) => received.push(Uint8Array.from(packet)));
      const sent: Uint8Array[] = [];
      for (let i = 0; i < 100; i++) {
        const body = new Uint8Array(40 + i);
        const view = new DataView(body.buffer);
        view.setUint32(0, 0x1000 + (i % 2)); // SPI
        view.setUint32(4, i + 1); // sequence number
        body.fill(i, 8);
        const protocol = i % 10 === 9 ? IPPROTO_AH : IPPROTO_ESP;
        const packet = ipv4Packet(protocol, '198.51.100.1', '198.51.100.2', body);
        sent.push(packet);
        sender.sendPacket(packet); // queued: leaves in one sendmmsg per protocol
      }
      const ok = await waitFor(() => received.length >= sent.length, 5000);
      assert.ok(ok, `received ${received.length} of ${sent.length} packets`);
      const key = (p: Uint8Array): string => `${p[9]}:${Buffer.from(p.subarray(20)).toString('hex')}`;
      assert.deepEqual(new Set(received.map(key)), new Set(sent.map(key)));
      const first = received[0];
      assert.ok(first);
      assert.deepEqual([...first.subarray(12, 20)], [198, 51, 100, 1, 198, 51, 100, 2]);
      assert.equal(sender.dropped, 0);
    } finally {
      sender.close();
      receiver.close();
    }
  });

  it('raw socket bound to one address does not see ESP for another', async () => {
    ip('-n', b.name, 'addr', 'add', '198.51.100.3/24', 'dev', 'tswvb');
    const sender = a.enter(() => new HostRawIpEndpoint('198.51.100.1', [IPPROTO_ESP]));
    const other = b.enter(() => new HostRawIpEndpoint('198.51.100.3', [IPPROTO_ESP]));
    const mine = b.enter(() => new HostRawIpEndpoint('198.51.100.2', [IPPROTO_ESP]));
    try {
      let toOther = 0;
      let toMine = 0;
      other.onPacket(() => toOther++);
      mine.onPacket(() => toMine++);
      sender.sendPacket(ipv4Packet(IPPROTO_ESP, '198.51.100.1', '198.51.100.2', new Uint8Array(32).fill(7)));
      assert.ok(await waitFor(() => toMine === 1, 3000));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(toOther, 0);
    } finally {
      sender.close();
      other.close();
      mine.close();
    }
  });

  it('UDP endpoints exchange datagrams and report both ends', async () => {
    const first = await a.enterAsync(() => HostUdpEndpoint.bind('198.51.100.1', 500));
    const second = await b.enterAsync(() => HostUdpEndpoint.bind('198.51.100.2', 4500));
    try {
      const got: { src: string; srcPort: number; dstPort: number; text: string }[] = [];
      second.onReceive((d) =>
        got.push({
          src: d.srcAddress,
          srcPort: d.srcPort,
          dstPort: d.dstPort,
          text: Buffer.from(d.data).toString(),
        }),
      );
      first.send('198.51.100.2', 4500, Buffer.from('hello'));
      assert.ok(await waitFor(() => got.length === 1, 3000));
      assert.deepEqual(got[0], { src: '198.51.100.1', srcPort: 500, dstPort: 4500, text: 'hello' });
      await assert.rejects(
        a.enterAsync(() => HostUdpEndpoint.bind('198.51.100.1', 500)),
        /cannot bind UDP 198\.51\.100\.1:500/,
      );
    } finally {
      first.close();
      second.close();
    }
  });

  it('interface lookup finds the veth holding an address and names both when none does', () => {
    const found = a.enter(() => findInterfaceByAddress('Serial0', '198.51.100.1'));
    assert.deepEqual(found, { name: 'tswva', address: '198.51.100.1', prefixLength: 24 });
    assert.throws(
      () => a.enter(() => findInterfaceByAddress('Ethernet1', '203.0.113.9')),
      (error: unknown) =>
        error instanceof InterfaceNotFoundError &&
        /interface Ethernet1 has IPv4 address 203\.0\.113\.9, but no Linux interface holds 203\.0\.113\.9/.test(
          error.message,
        ) &&
        /tswva 198\.51\.100\.1\/24/.test(error.message),
    );
  });
});

describe('forwarding check', () => {
  it('warns when ip_forward is 0 and stays quiet when it is 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsw-fwd-'));
    try {
      const path = join(dir, 'ip_forward');
      writeFileSync(path, '0\n');
      assert.match(forwardingWarning(path) ?? '', /IPv4 forwarding is off/);
      writeFileSync(path, '1\n');
      assert.equal(forwardingWarning(path), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
