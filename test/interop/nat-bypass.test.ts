// Example 13-30's problem and cure on a Linux host, where NAT is nftables': r1 translates its
// LAN's traffic to its WAN address on every interface but the LAN (the chapter's `ip nat
// inside source list 1 interface Ethernet0/0 overload`). Translated before it reaches the
// TUN, ha's traffic for hb no longer matches the crypto ACL and is not protected (the
// problem); the README's bypass rule (accept IPsec's interesting traffic before the
// translation) lets it cross untranslated while other traffic is still translated.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ADDR,
  announceSkip,
  countFrames,
  interopSkipReason,
  Lab,
  run,
  Typeswan,
  type Capture,
} from './harness.js';
import { iosConfig } from './ios.js';
import { ipsecCounters } from './scenario.js';

const skip = interopSkipReason({ charon: false, typeswan: true });
announceSkip('NAT bypass with nftables', skip);

const PSK = 'td-nat-9Qe2';

/** The README's rules; `bypass` false leaves out the cure. */
function natRules(bypass: boolean): string {
  return [
    'table ip td_nat {',
    ' chain post {',
    '  type nat hook postrouting priority srcnat; policy accept;',
    ...(bypass ? ['  ip saddr 10.1.0.0/24 ip daddr 10.2.0.0/24 accept'] : []),
    `  ip saddr 10.1.0.0/24 oifname != "r1-lan" snat to ${ADDR.r1Wan}`,
    ' }',
    '}',
    '',
  ].join('\n');
}

describe(
  'interop: NAT on the gateway host and the NAT bypass (Example 13-30)',
  { skip, timeout: 180_000 },
  () => {
    let lab: Lab;
    const daemons: Typeswan[] = [];
    let capture: Capture | undefined;

    async function nft(rules: string): Promise<void> {
      const file = join(lab.dir, 'td-nat.nft');
      writeFileSync(file, `flush ruleset\n${rules}`);
      const r = await run('ip', ['netns', 'exec', lab.ns('r1'), 'nft', '-f', file]);
      assert.equal(r.code, 0, r.stderr);
    }

    before(async () => {
      lab = await Lab.create({ tag: 'tdn' });
    });
    after(async () => {
      for (const d of daemons) await d.stop();
      await capture?.stop();
      await lab?.destroy();
    });

    it('translated first, ha -> hb misses the tunnel; with the bypass rule it crosses, other traffic is still translated', async () => {
      const common = { psk: PSK, transforms: 'esp-aes esp-sha-hmac' };
      const r2 = await Typeswan.start(
        lab,
        'r2',
        iosConfig({
          ...common,
          hostname: 'r2',
          lanAddress: ADDR.r2Lan,
          wanAddress: ADDR.r2Wan,
          peer: ADDR.r1Wan,
          acl: '10.2.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
        }),
        'nat-r2',
      );
      daemons.push(r2);
      const r1 = await Typeswan.start(
        lab,
        'r1',
        iosConfig({
          ...common,
          hostname: 'r1',
          lanAddress: ADDR.r1Lan,
          wanAddress: ADDR.r1Wan,
          peer: ADDR.r2Wan,
          acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
        }),
        'nat-r1',
      );
      daemons.push(r1);
      capture = await lab.startCapture('r2', 'r2-wan', 'nat-bypass');

      // The problem: NAT before crypto. The packet reaches the TUN from 192.0.2.1, which the
      // crypto ACL does not protect: no SA is asked for, nothing crosses.
      await nft(natRules(false));
      const before = await ipsecCounters(r1);
      const missed = await lab.ping('ha', ADDR.hb, 3, 0.2);
      assert.equal(missed.received, 0, missed.output);
      assert.equal((await ipsecCounters(r1)).encaps, before.encaps, 'translated traffic was encrypted');

      // The cure: IPsec's interesting traffic is accepted before the translation.
      await nft(natRules(true));
      let crossed = 0;
      for (let i = 0; i < 10 && crossed === 0; i++)
        crossed = (await lab.ping('ha', ADDR.hb, 1, 0.2)).received;
      assert.equal(crossed, 1, `no tunnel:\n${r1.log().slice(-3000)}`);
      const start = await ipsecCounters(r1);
      const ping = await lab.ping('ha', ADDR.hb, 5, 0.2);
      assert.equal(ping.received, 5, ping.output);
      const end = await ipsecCounters(r1);
      assert.equal(end.encaps - start.encaps, 5);
      assert.equal(end.decaps - start.decaps, 5);
      // The SA's proxies are the untranslated networks.
      const sa = await r1.cli(['show', 'crypto', 'ipsec', 'sa']);
      assert.match(
        sa.stdout,
        /local ident \(addr\/mask\/prot\/port\): \(10\.1\.0\.0\/255\.255\.255\.0\/0\/0\)/,
      );

      // Other traffic is still translated: ha's ping of r2's WAN address arrives from r1's.
      const other = await lab.ping('ha', ADDR.r2Wan, 3, 0.2);
      assert.equal(other.received, 3, other.output);
      const pcap = await capture.stop();
      capture = undefined;
      assert.ok(
        (await countFrames(pcap, `icmp.type == 8 && ip.src == ${ADDR.r1Wan} && ip.dst == ${ADDR.r2Wan}`)) >=
          3,
        'the ping of r2 was not translated to r1 WAN address',
      );
      assert.equal(
        await countFrames(pcap, `icmp && ip.addr == ${ADDR.ha}`),
        0,
        'ha address in the clear on the WAN',
      );
      assert.ok((await countFrames(pcap, 'esp')) >= 10, 'no ESP on the WAN');
    });
  },
);
