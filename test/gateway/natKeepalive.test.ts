// RFC 3948 §2.3: a NAT-keepalive is one 0xFF byte in UDP 4500 with no non-ESP marker, while
// every IKE message on 4500 carries the 4-byte zero marker (§2.2). The gateway frames what the
// IKE engine sends accordingly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Gateway } from '../../src/gateway/gateway.js';
import { DataPlaneAdapter } from '../../src/gateway/dataPlaneAdapter.js';
import { EventBus } from '../../src/observe/bus.js';
import { VirtualNetwork } from '../../src/net/virtual/network.js';
import type { UdpDatagram, UdpEndpoint } from '../../src/net/types.js';
import type { IkeAction } from '../../src/ike/types.js';
import { FakeIke, INITIATOR } from './helpers.js';

class RecordingUdp implements UdpEndpoint {
  readonly sent: { dstAddress: string; dstPort: number; data: Uint8Array }[] = [];
  constructor(
    readonly localAddress: string,
    readonly localPort: number,
  ) {}
  send(dstAddress: string, dstPort: number, data: Uint8Array): void {
    this.sent.push({ dstAddress, dstPort, data: Uint8Array.from(data) });
  }
  onReceive(_handler: (datagram: UdpDatagram) => void): void {}
  close(): void {}
}

/** Sends one NAT-keepalive and one IKE message on 4500 at its first tick. */
class KeepaliveIke extends FakeIke {
  private fired = false;
  override nextDeadline(): number | undefined {
    return this.fired ? undefined : 1;
  }
  override tick(_now: number): IkeAction[] {
    if (this.fired) return [];
    this.fired = true;
    const common = { srcAddress: '172.16.172.10', srcPort: 4500, dstAddress: '172.16.172.20', dstPort: 4500 };
    return [
      { kind: 'send', ...common, data: Uint8Array.of(0xff), natKeepalive: true },
      { kind: 'send', ...common, data: Uint8Array.of(1, 2, 3) },
    ];
  }
}

test('NAT-keepalive goes out as the single byte 0xFF; IKE on 4500 gets the non-ESP marker', () => {
  const net = new VirtualNetwork({ seed: 1 });
  const udp500 = new RecordingUdp('172.16.172.10', 500);
  const udp4500 = new RecordingUdp('172.16.172.10', 4500);
  const gateway = new Gateway({
    config: INITIATOR,
    adapters: {
      udp: [udp500, udp4500],
      raw: [],
      tunnel: {
        name: 'lan',
        writePacket: () => undefined,
        onPacket: () => undefined,
        close: () => undefined,
      },
    },
    scheduler: net.scheduler,
    bus: new EventBus(),
    ike: new KeepaliveIke('172.16.172.10', 0x1000),
    dataPlane: new DataPlaneAdapter(),
  });
  gateway.start();
  net.scheduler.run(5);
  assert.deepEqual(
    udp4500.sent.map((d) => [...d.data]),
    [[0xff], [0, 0, 0, 0, 1, 2, 3]],
  );
  assert.equal(udp500.sent.length, 0);
  gateway.stop();
});
