// A strongSwan 5.9.8 peer against a typeswan responder whose crypto map points at a dynamic map
// (`crypto map X 1 ipsec-isakmp dynamic D`, wildcard key), in network namespaces: the proxy
// network the peer brings is routed into typeswan's TUN while its SAs are installed, so pings
// pass both ways and `#pkts encaps` counts (it stayed 0: the replies were never routed).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADDR, announceSkip, interopSkipReason, type Charon, Lab, Typeswan, until } from './harness.js';
import { ipsecCounters } from './scenario.js';
import { strongSwanNetPeer } from './netPeer.js';

const skip = interopSkipReason({ charon: true, typeswan: true });
announceSkip('typeswan dynamic map <-> strongSwan', skip);

const PSK = 'interop-psk-dyn-9Wd';

const DYNAMIC_RESPONDER = `hostname r1
crypto isakmp policy 10
 encr aes
 hash sha
 authentication pre-share
 group 14
!
crypto isakmp key ${PSK} address 0.0.0.0 0.0.0.0
!
crypto ipsec transform-set ts esp-aes esp-sha-hmac
!
crypto dynamic-map D 10
 set transform-set ts
!
crypto map X 1 ipsec-isakmp dynamic D
!
interface Ethernet0/0
 ip address ${ADDR.r1Lan} 255.255.255.0
!
interface Ethernet1/0
 ip address ${ADDR.r1Wan} 255.255.255.0
 crypto map X
`;

describe('interop: typeswan dynamic map <-> strongSwan', { skip, timeout: 300_000 }, () => {
  let lab: Lab;
  let charon: Charon;
  let typeswan: Typeswan;

  before(async () => {
    lab = await Lab.create({ tag: 'dm' });
    charon = await strongSwanNetPeer(lab, PSK);
    typeswan = await Typeswan.start(lab, 'r1', DYNAMIC_RESPONDER, 'typeswan-dynamic');
  });

  after(async () => {
    await lab?.destroy();
  });

  it('the peer comes up; pings pass both ways and typeswan encrypts the replies', async () => {
    assert.match(typeswan.log(), /routes none/, 'no static route before the peer comes');
    const up = await charon.initiate('net');
    assert.equal(
      up.code,
      0,
      `swanctl --initiate:\n${up.stdout.slice(-2000)}\n${typeswan.log().slice(-2000)}`,
    );
    assert.ok(
      await until(() => /route 10\.2\.0\.0\/24 into \S+ added/.test(typeswan.log()), 5000),
      typeswan.log().slice(-2000),
    );
    const fromHb = await lab.ping('hb', ADDR.ha, 5, 0.2);
    assert.equal(fromHb.received, 5, `hb -> ha:\n${fromHb.output}\n${typeswan.log().slice(-2000)}`);
    const fromHa = await lab.ping('ha', ADDR.hb, 5, 0.2);
    assert.equal(fromHa.received, 5, `ha -> hb:\n${fromHa.output}`);
    const counters = await ipsecCounters(typeswan);
    assert.ok(counters.encaps >= 10, `#pkts encaps ${counters.encaps}`);
    assert.ok(counters.decaps >= 10, `#pkts decaps ${counters.decaps}`);
  });

  it("the peer's route goes with its SAs", async () => {
    await charon.terminate('ts');
    assert.ok(
      await until(() => /route 10\.2\.0\.0\/24 into \S+ removed/.test(typeswan.log()), 10_000),
      typeswan.log().slice(-2000),
    );
    const routes = await lab.exec('r1', ['ip', 'route', 'show', '10.2.0.0/24']);
    assert.equal(routes.stdout.trim(), '', 'no route left into the TUN');
  });
});
