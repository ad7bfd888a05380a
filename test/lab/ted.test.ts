// `typeswan lab ted`: Examples 13-24 and 13-25 as they are (no peer on either router). The
// probe crosses the WAN from the host's address to the destination's, the responder answers,
// main mode and quick mode run to the discovered peer, and the ping crosses the tunnel.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLab } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { findScenario } from '../../src/lab/scenarios/index.js';
import { decodeDatagram } from '../../src/ike/message.js';
import { ExchangeType } from '../../src/ike/constants.js';
import { IPPROTO_UDP, ipv4ToText, parseIpv4, parseUdp } from '../../src/packet/index.js';

const scenario = findScenario('ted');

test('lab ted: the probe finds the responder and the ping crosses the tunnel (Examples 13-26 to 13-29)', () => {
  assert.ok(scenario);
  const out: string[] = [];
  const result = runLab(scenario, scenario.routers, realEngines, { out: (l) => out.push(l), capture: true });
  const text = out.join('\n');
  assert.equal(result.ok, true, text.slice(-3000));
  const order = [
    /TED-Initiator: \S+ IPSEC\(tunnel discover request\): ,/,
    /TED-Initiator: \S+ ISAKMP \(0:1\): sending packet to 12\.12\.12\.\d+ \(I\) PEER_DISCOVERY/,
    /TED-Responder: \S+ ISAKMP \(1\): responding to peer discovery probe!/,
    /TED-Responder: \S+ peer's address is 11\.11\.11\.1/,
    /TED-Initiator: \S+ ISAKMP \(1\): ID_IPV4_ADDR_SUBNET dst 12\.12\.12\.0\/255\.255\.255\.0 prot 0 port 0/,
    /TED-Initiator: \S+ ISAKMP: initiating IKE to 11\.11\.11\.2 in response to probe\./,
    /TED-Initiator: \S+ ISAKMP \(0:2\): sending packet to 11\.11\.11\.2 \(I\) MM_NO_STATE/,
    /TED-Initiator: \S+ ISAKMP \(0:2\): SA has been authenticated with 11\.11\.11\.2/,
  ];
  let at = 0;
  for (const re of order) {
    const m = re.exec(text.slice(at));
    assert.ok(m, `${re} after offset ${at}`);
    at += m.index + m[0].length;
  }
  // Example 13-27: the initiator's flow names the discovered peer under crypto map tedtag.
  const flows = result.gateways[0]!.ipsecFlows('11.11.11.2');
  assert.equal(flows.length, 1);
  assert.equal(flows[0]!.currentPeer, '11.11.11.2');
  assert.match(text, /Crypto map tag: tedtag, local addr\. 11\.11\.11\.1/);
  // On the WAN: the probe from the host to the destination and the answer back, both TED.
  const ted = result.frames.flatMap((f) => {
    const ip = parseIpv4(f.data);
    if (ip.protocol !== IPPROTO_UDP) return [];
    const udp = parseUdp(ip.payload);
    const msg = decodeDatagram(udp.payload);
    return msg.exchangeType === ExchangeType.TED
      ? [`${ipv4ToText(ip.source)}:${udp.sourcePort} > ${ipv4ToText(ip.destination)}:${udp.destinationPort}`]
      : [];
  });
  assert.deepEqual(ted, ['13.13.13.1:500 > 12.12.12.1:500', '12.12.12.1:500 > 13.13.13.1:500']);
});

test('lab ted without a discover responder: the probe goes unanswered and says so', () => {
  assert.ok(scenario);
  const routers = [
    scenario.routers[0]!,
    {
      ...scenario.routers[1]!,
      text: scenario.routers[1]!.text.replace('dynamic ted-map discover', 'dynamic ted-map'),
    },
  ];
  const out: string[] = [];
  const result = runLab(scenario, routers, realEngines, { out: (l) => out.push(l), count: 10 });
  const text = out.join('\n');
  assert.equal(result.ok, false);
  assert.match(
    text,
    /%CRYPTO-4-TED_NO_PEER: no IPsec gateway answered the peer discovery probe toward 12\.12\.12\.1 \(4 transmissions\)/,
  );
  assert.match(text, /negotiation with 12\.12\.12\.1 failed, crypto map tedtag 10 may try again in/);
  assert.doesNotMatch(text, /MM_NO_STATE/);
});
