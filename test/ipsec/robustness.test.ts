// Peer input never crashes anything: random and mangled packets into every entry point of
// the DataPlane give actions (mostly drops), never exceptions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DataPlane } from '../../src/ipsec/dataplane.js';
import { Spd } from '../../src/ipsec/spd.js';
import { ANY_TS, espPair, ping } from './helpers.js';

function setup(): { a: DataPlane; b: DataPlane; valid: Uint8Array[] } {
  const esp = espPair('aes-cbc', 'hmac-sha1-96', { udpEncapsulation: { localPort: 4500, remotePort: 4500 } });
  const ah = espPair('aes-gcm-16', 'none', { spi: 0x3000 });
  const a = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
  const b = new DataPlane({ spd: Spd.fromRules([{ action: 'protect', selector: ANY_TS }]) });
  a.installSa(esp.out, 0);
  b.installSa(esp.in, 0);
  b.installSa(ah.in, 0);
  const valid: Uint8Array[] = [];
  for (let i = 0; i < 4; i++) {
    const s = a.outbound(ping('10.1.0.1', '10.2.0.1', i, 40 + i * 300), 0)[0]!;
    if (s.kind === 'send') valid.push(s.packet);
  }
  return { a, b, valid };
}

test('random bytes into inbound, inboundUdp4500 and outbound never throw', () => {
  const { a, b } = setup();
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 200 }),
      fc.constantFrom(0x45, 0x46, 0x4f, 0x60, 0x00),
      (bytes, first) => {
        const p = Uint8Array.from(bytes);
        if (p.length > 0) p[0] = first;
        for (const actions of [
          b.inbound(p, 0),
          a.outbound(p, 0),
          b.inboundUdp4500(
            p,
            { source: '192.0.2.1', destination: '192.0.2.2', sourcePort: 4500, destinationPort: 4500 },
            0,
          ),
        ]) {
          assert.ok(Array.isArray(actions));
        }
      },
    ),
    { numRuns: 400 },
  );
});

test('valid packets truncated or with a random byte changed never throw', () => {
  const { b, valid } = setup();
  fc.assert(
    fc.property(
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 0, max: 255 }),
      fc.boolean(),
      (which, where, value, truncate) => {
        const base = valid[which % valid.length]!;
        const at = where % base.length;
        const p = truncate ? base.subarray(0, at) : Uint8Array.from(base);
        if (!truncate) p[at] = value;
        const actions = b.inbound(p, 0);
        assert.ok(actions.every((x) => x.kind === 'drop' || x.kind === 'deliver' || x.kind === 'ike'));
      },
    ),
    { numRuns: 400 },
  );
});
