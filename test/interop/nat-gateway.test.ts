// Example 13-13's NAT on the typeswan gateway itself, strongSwan 5.9.8 the VPN peer: r1 runs
// `ip nat inside source route-map nonat interface Ethernet1/0 overload` with access-list 150
// denying the VPN networks. ha's pings of hb cross ESP from 10.1.0.10 (untranslated, seen on
// hb's LAN); ha's pings of r2's WAN address (the "Internet") leave r1 as 192.0.2.1, PAT onto
// the outside interface, and the replies come back to ha (seen on the WAN by tshark).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ADDR,
  announceSkip,
  Charon,
  countFrames,
  interopSkipReason,
  Lab,
  run,
  Typeswan,
  type Capture,
} from './harness.js';
import { iosConfig } from './ios.js';
import { ipsecCounters, triggerFromHa } from './scenario.js';
import { swanctlConf } from './swanctl.js';

const skip = interopSkipReason({ charon: true, typeswan: true });
announceSkip('NAT on the typeswan gateway', skip);

const PSK = 'tng-nat-4Rw8';
const TUN = 'tng0';

const NAT_LINES = `interface Ethernet0/0
 ip nat inside
interface Ethernet1/0
 ip nat outside
access-list 150 deny ip 10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255
access-list 150 permit ip 10.1.0.0 0.0.0.255 any
route-map nonat permit 10
 match ip address 150
ip nat inside source route-map nonat interface Ethernet1/0 overload
`;

describe('interop: NAT in the typeswan gateway, strongSwan the VPN peer', { skip, timeout: 240_000 }, () => {
  let lab: Lab;
  let charon: Charon | undefined;
  let typeswan: Typeswan | undefined;
  const captures: Capture[] = [];

  before(async () => {
    lab = await Lab.create({ tag: 'tng' });
  });
  after(async () => {
    await typeswan?.stop();
    for (const c of captures) await c.stop();
    await charon?.stop();
    await lab?.destroy();
  });

  it('VPN traffic crosses ESP untranslated; Internet traffic leaves as the outside address', async () => {
    charon = await Charon.start(lab, 'r2', 'tng');
    await charon.load(
      swanctlConf({
        name: 'tng',
        localAddress: ADDR.r2Wan,
        remoteAddress: ADDR.r1Wan,
        aggressive: false,
        proposals: 'aes128-sha1-modp2048',
        psk: PSK,
        children: [{ name: 'net', localTs: '10.2.0.0/24', remoteTs: '10.1.0.0/24', esp: 'aes128-sha1' }],
      }),
    );
    const config = `${iosConfig({
      hostname: 'r1',
      lanAddress: ADDR.r1Lan,
      wanAddress: ADDR.r1Wan,
      peer: ADDR.r2Wan,
      psk: PSK,
      isakmp: { encr: 'aes', hash: 'sha', group: 14 },
      transforms: 'esp-aes esp-sha-hmac',
      acl: '10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
    })}${NAT_LINES}`;
    typeswan = await Typeswan.start(lab, 'r1', config, 'nat-gateway', ['--tun', TUN]);
    // Everything from the LAN goes through the gateway (it routes, translates and encrypts);
    // its own raw sockets' packets are local, so they leave by the main table.
    const r1 = lab.ns('r1');
    for (const args of [
      ['rule', 'add', 'iif', 'r1-lan', 'lookup', '7461', 'pref', '200'],
      ['route', 'add', 'default', 'dev', TUN, 'table', '7461'],
    ]) {
      const r = await run('ip', ['-n', r1, ...args]);
      assert.equal(r.code, 0, r.stderr);
    }
    const wan = await lab.startCapture('r2', 'r2-wan', 'nat-gateway-wan');
    captures.push(wan);
    const remoteLan = await lab.startCapture('hb', 'hb-lan', 'nat-gateway-hb');
    captures.push(remoteLan);

    assert.ok(await triggerFromHa(lab), `no tunnel:\n${typeswan.log().slice(-3000)}`);
    const start = await ipsecCounters(typeswan);
    const vpn = await lab.ping('ha', ADDR.hb, 5, 0.2);
    assert.equal(vpn.received, 5, vpn.output);
    const end = await ipsecCounters(typeswan);
    assert.equal(end.encaps - start.encaps, 5);

    const internet = await lab.ping('ha', ADDR.r2Wan, 3, 0.2);
    assert.equal(internet.received, 3, `${internet.output}\n${typeswan.log().slice(-2000)}`);
    const translations = await typeswan.cli(['show', 'ip', 'nat', 'translations']);
    assert.match(
      translations.stdout,
      /^icmp 192\.0\.2\.1:\d+ +10\.1\.0\.10:\d+ +192\.0\.2\.2:\d+ +192\.0\.2\.2:\d+$/m,
    );
    const stats = await typeswan.cli(['show', 'ip', 'nat', 'statistics']);
    assert.match(stats.stdout, /Misses: [1-9]/);

    const wanPcap = await wan.stop();
    const hbPcap = await remoteLan.stop();
    captures.length = 0;
    assert.ok(
      (await countFrames(wanPcap, `icmp.type == 8 && ip.src == ${ADDR.r1Wan} && ip.dst == ${ADDR.r2Wan}`)) >=
        3,
      'the ping of r2 did not leave as r1 WAN address',
    );
    assert.equal(
      await countFrames(wanPcap, `icmp && ip.addr == ${ADDR.ha}`),
      0,
      'ha address in the clear on the WAN',
    );
    assert.ok((await countFrames(wanPcap, 'esp')) >= 5, 'no ESP on the WAN');
    assert.ok(
      (await countFrames(hbPcap, `icmp.type == 8 && ip.src == ${ADDR.ha} && ip.dst == ${ADDR.hb}`)) >= 5,
      'hb did not see ha untranslated',
    );
    const cleared = await typeswan.cli(['clear', 'ip', 'nat', 'translation', '*']);
    assert.match(cleared.stdout, /[1-9]\d* translations cleared/);
  });
});
