// `typeswan lab l2tp`: Example 13-23's LNS and two Windows-style clients (L2TP LAC + PPP over
// IPsec transport mode), one on the LNS's LAN and one behind a PAT box. Each client dials,
// gets an address from `ip local pool vpdn` over IPCP, and its PC pings the server on the
// LNS's inside LAN from that address. Passes only if every ping got replies and each reply
// crossed L2TP/PPP inside IPsec: the client's ESP SAs carried it and the LNS's PPP counted it.

import type { Gateway } from '../gateway/gateway.js';
import { EventBus } from '../observe/bus.js';
import type { DebugCategory } from '../observe/events.js';
import { DEFAULT_PING, type PingResult } from '../net/virtual/host.js';
import { VirtualNetwork } from '../net/virtual/network.js';
import { pingTranscript } from './ping.js';
import {
  collectDebug,
  tunnelCounters,
  type LabEngines,
  type LabOptions,
  type LabResult,
  type PingOutcome,
} from './run.js';
import type { ScenarioRouter } from './scenarios/index.js';
import type { LabRouter } from './topology.js';

const START_SECONDS = 250;
const SERVER = '192.168.0.2';
const PPP_USER = { username: 'munchkin', password: 'ozgreen' } as const;

interface Client {
  readonly index: number;
  readonly lab: LabRouter;
  readonly address: string;
}

export function runL2tpLab(
  routers: readonly ScenarioRouter[],
  engines: LabEngines,
  options: LabOptions,
): LabResult {
  const out = options.out;
  const seed = options.seed ?? 1;
  const loss = options.loss ?? 0;
  const configs = routers.map((r) => engines.parse(r.text, r.file));
  const net = new VirtualNetwork({ seed, startSeconds: START_SECONDS });
  const wanProfile = { loss, duplicate: options.duplicate ?? 0, reorder: options.reorder ?? 0 };
  const wan = net.segment('wan', wanProfile);
  const frames: { time: number; data: Uint8Array }[] = [];
  const describe: string[] = [];

  // The LNS: Ethernet0 on the WAN, Ethernet1 the inside LAN with the server.
  const lnsConfig = configs[0]!;
  const lnsRouter = net.router(lnsConfig.hostname);
  lnsRouter.addInterface('Ethernet0', '10.0.0.7', '255.255.255.0', wan);
  const inside = net.segment('inside', { delay: 0.001 });
  lnsRouter.addInterface('Ethernet1', '192.168.0.7', '255.255.255.0', inside);
  // `peer default ip address pool vpdn` (192.168.2.10-15): the clients are behind Virtual-Access
  lnsRouter.addTunnelRoute('192.168.2.0', '255.255.255.240');
  const server = net.host('server');
  server.addInterface('eth0', SERVER, '255.255.255.0', inside);
  server.addRoute('0.0.0.0', '0.0.0.0', '192.168.0.7');
  describe.push('LNS Ethernet0 10.0.0.7 -- WAN 10.0.0.0/24; Ethernet1 192.168.0.7 -- server 192.168.0.2');

  const clients: Client[] = [];
  const pat = net.nat('pat', 'inside', 'outside');
  pat.addInterface('outside', '10.0.0.20', '255.255.255.0', wan);
  configs.slice(1).forEach((config, i) => {
    const index = i + 1;
    const address = config.interfaces.find((f) => f.cryptoMap !== undefined)?.address ?? '';
    const router = net.router(config.hostname);
    const behindNat = !address.startsWith('10.0.0.');
    if (behindNat) {
      const home = net.segment(`home-${config.hostname}`, { delay: 0.002 });
      pat.addInterface('inside', '172.16.1.1', '255.255.255.0', home);
      router.addInterface('Ethernet0', address, '255.255.255.0', home);
      router.addRoute('0.0.0.0', '0.0.0.0', '172.16.1.1');
      describe.push(
        `${config.hostname} Ethernet0 ${address} -- PAT inside 172.16.1.1, outside 10.0.0.20 -- WAN`,
      );
    } else {
      router.addInterface('Ethernet0', address, '255.255.255.0', wan);
      describe.push(`${config.hostname} Ethernet0 ${address} -- WAN`);
    }
    // The PC's own stack sits on the PPP adapter; in the lab it is a host behind the client.
    const pcLan = net.segment(`pc-${config.hostname}`, { delay: 0 });
    router.addInterface('ppp-side', '192.168.2.1', '255.255.255.0', pcLan);
    router.addTunnelRoute('192.168.0.0', '255.255.255.0');
    const host = net.host(`pc-${config.hostname}`);
    host.addRoute('0.0.0.0', '0.0.0.0', '192.168.2.1');
    const wanIf = { name: 'Ethernet0', address, netmask: '255.255.255.0', shutdown: false };
    const lab: LabRouter = {
      config,
      router,
      wan: wanIf,
      lan: { name: 'ppp-side', address: '192.168.2.1', netmask: '255.255.255.0', shutdown: false },
      lanSegment: pcLan,
      host,
      publicAddress: behindNat ? '10.0.0.20' : address,
    };
    clients.push({ index, lab, address });
    host.addInterface('eth0', '192.168.2.254', '255.255.255.0', pcLan);
  });
  if (options.capture === true) wan.tap = (data, time) => frames.push({ time, data: Uint8Array.from(data) });

  const bus = new EventBus();
  const asked = options.debug ?? ['isakmp', 'ipsec', 'engine'];
  const categories: readonly DebugCategory[] = asked.length === 0 ? [] : [...asked, 'vpdn'];
  const debug = collectDebug(bus, categories);
  const trace = debug.trace;
  const lnsLab: LabRouter = {
    config: lnsConfig,
    router: lnsRouter,
    wan: { name: 'Ethernet0', address: '10.0.0.7', netmask: '255.255.255.0', shutdown: false },
    lan: { name: 'Ethernet1', address: '192.168.0.7', netmask: '255.255.255.0', shutdown: false },
    lanSegment: inside,
    host: server,
    publicAddress: '10.0.0.7',
  };
  const labs = [lnsLab, ...clients.map((c) => c.lab)];
  const gateways: Gateway[] = labs.map((lab, index) => {
    const address = lab.wan.address;
    return engines.createGateway({
      router: lab,
      adapters: {
        udp: [lab.router.udpEndpoint(address, 500), lab.router.udpEndpoint(address, 4500)],
        raw: [lab.router.rawEndpoint(address)],
        tunnel: lab.router.packetTunnel(),
      },
      scheduler: net.scheduler,
      bus,
      seed: seed * 1000 + index,
      aggressiveMode: false,
      holdQueueLimit: options.hold ?? 0,
      ...(index > 0 ? { l2tpClient: { server: '10.0.0.7', local: address, ...PPP_USER } } : {}),
      ...(options.onSaInstalled !== undefined ? { onSaInstalled: options.onSaInstalled } : {}),
      ...(options.onIkeKeys !== undefined ? { onIkeKeys: options.onIkeKeys } : {}),
    });
  });
  out(`typeswan lab l2tp: L2TP over IPsec to the LNS of Example 13-23, two Windows-style clients`);
  for (const line of describe) out(`  ${line}`);
  out('');

  for (const g of gateways) g.start();
  const deadline = START_SECONDS + (options.timeLimit ?? 600);
  const up = (i: number): boolean => (gateways[i]?.l2tp?.peers().length ?? 0) > 0;
  net.scheduler.run(Math.min(deadline, START_SECONDS + 120), {
    stop: () => clients.every((c) => up(c.index)),
    maxEvents: 2_000_000,
  });
  for (const line of trace.splice(0)) out(line);
  out('');

  const count = options.count ?? DEFAULT_PING.count;
  const pings: PingOutcome[] = [];
  for (const c of clients) {
    const gateway = gateways[c.index]!;
    const peer = gateway.l2tp?.peers()[0];
    if (peer === undefined) {
      out(`lab: ${c.lab.config.hostname}: the L2TP call did not come up`);
      pings.push({
        from: c.address,
        to: SERVER,
        result: noReplies(count),
        encaps: 0,
        decaps: 0,
        tunnelOk: false,
      });
      continue;
    }
    // The PPP adapter's address, as IPCP gave it, is the PC's source address.
    c.lab.host.addInterface(
      'ppp0',
      peer.localAddress,
      '255.255.255.255',
      c.lab.router.interfaceNamed('ppp-side')!.segment,
    );
    const before = tunnelCounters(gateway);
    const lnsBefore = gateways[0]!.l2tp?.counters.fromPpp ?? 0;
    let result: PingResult | undefined;
    c.lab.host.ping(SERVER, { ...DEFAULT_PING, count, source: peer.localAddress }, (r) => {
      result = r;
    });
    net.scheduler.run(deadline, { stop: () => result !== undefined, maxEvents: 2_000_000 });
    const finished = result ?? noReplies(count);
    const after = tunnelCounters(gateway);
    const encaps = after.encaps - before.encaps;
    const decaps = after.decaps - before.decaps;
    const replies = finished.replies.filter((r) => r !== undefined).length;
    const viaPpp = (gateways[0]!.l2tp?.counters.fromPpp ?? 0) - lnsBefore;
    // each reply: its echo went into PPP here and out of PPP at the LNS, both inside ESP
    const tunnelOk = replies > 0 && viaPpp >= replies && encaps >= replies && decaps >= replies;
    pings.push({ from: peer.localAddress, to: SERVER, result: finished, encaps, decaps, tunnelOk });
    const command = `${c.lab.config.hostname} (PPP ${peer.localAddress})#ping ${SERVER}`;
    for (const line of pingTranscript(command, finished, count, trace)) out(line);
  }
  net.scheduler.run(net.scheduler.now() + 1, { maxEvents: 100_000 });
  for (const line of trace.splice(0)) out(line);

  for (const g of gateways) {
    out(`${g.name}#show vpdn`);
    const vpdn = g.show('vpdn').text.trimEnd();
    if (vpdn !== '') out(vpdn);
    out(`${g.name}#show crypto ipsec sa`);
    out(g.show('ipsec sa').text.trimEnd());
    out('');
  }
  const ok = pings.length === clients.length && pings.length > 0 && pings.every((p) => p.tunnelOk);
  for (const p of pings)
    out(
      `lab: ${p.from} -> ${p.to}: ${p.result.replies.filter((r) => r !== undefined).length}/${p.result.replies.length} replies over L2TP/PPP, ESP encaps ${p.encaps} decaps ${p.decaps}: ${p.tunnelOk ? 'ok' : 'FAILED'}`,
    );
  out(
    `lab: ${ok ? 'PASS' : 'FAIL'}: ${ok ? 'every client ping crossed L2TP/PPP inside IPsec' : 'a client ping did not cross L2TP/PPP inside IPsec'}`,
  );
  for (const g of gateways) g.stop();
  return {
    ok,
    pings,
    gateways,
    virtualSeconds: net.scheduler.now() - START_SECONDS,
    debugMessages: debug.count(),
    frames,
  };
}

function noReplies(count: number): PingResult {
  return {
    destination: SERVER,
    size: DEFAULT_PING.size,
    timeout: DEFAULT_PING.timeout,
    replies: new Array<undefined>(count).fill(undefined),
  };
}
