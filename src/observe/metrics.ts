// Metrics counters fed by the event bus: per router, how many IKE messages went each way,
// retransmissions, IKE and IPsec SAs created and deleted, authentication failures, drops by
// reason, negotiations started/completed/failed (negotiations.ts), DPD messages and rekeys.
// Rendered as a JSON snapshot or the Prometheus text format, together with what only the
// running gateway knows (SAs by state, per-SA and per-peer traffic), handed in as `LiveState`.

import type { EventBus } from './bus.js';
import type { TypeswanEvent } from './events.js';
import { NegotiationLog } from './negotiations.js';

export interface RouterMetrics {
  ikePacketsSent: number;
  ikePacketsReceived: number;
  ikeRetransmissions: number;
  ikeSasCreated: number;
  ikeSasDeleted: number;
  ipsecSasInstalled: number;
  ipsecSasRemoved: number;
  authenticationFailures: number;
  acquires: number;
  drops: Record<string, number>;
  /** `R_U_THERE/sent` → count. */
  dpd: Record<string, number>;
  deadPeers: number;
  rekeys: { ipsec: number; isakmp: number };
  /** XAUTH credential checks by result (`accepted`, `rejected`) and final status (`ok`, `fail`). */
  xauth: Record<string, number>;
  /** Traffic of removed SAs per `peer/protocol/direction` (live SAs come with `LiveState`). */
  retiredTraffic: Record<string, { packets: number; bytes: number }>;
}

/** One installed IPsec SA and its data-plane counters. */
export interface SaTraffic {
  readonly peer: string;
  readonly spi: number;
  readonly protocol: 'esp' | 'ah';
  readonly direction: 'inbound' | 'outbound';
  readonly transform: string;
  /** Packets encapsulated (outbound) or decapsulated (inbound). */
  readonly packets: number;
  readonly bytes: number;
}

/** What the running gateway reports at scrape time. */
export interface LiveState {
  readonly ikeSas: readonly { readonly state: string }[];
  readonly ipsecSas: readonly SaTraffic[];
  /** Mode Config address pools (`ip local pool`): size and addresses leased now. */
  readonly pools?: readonly { readonly name: string; readonly size: number; readonly leased: number }[];
}

/** Distinct drop reasons kept per router; more are counted as "other". */
const DROP_REASONS_LIMIT = 64;
const RETIRED_PEERS_LIMIT = 1024;

function empty(): RouterMetrics {
  return {
    ikePacketsSent: 0,
    ikePacketsReceived: 0,
    ikeRetransmissions: 0,
    ikeSasCreated: 0,
    ikeSasDeleted: 0,
    ipsecSasInstalled: 0,
    ipsecSasRemoved: 0,
    authenticationFailures: 0,
    acquires: 0,
    drops: {},
    dpd: {},
    deadPeers: 0,
    rekeys: { ipsec: 0, isakmp: 0 },
    xauth: {},
    retiredTraffic: {},
  };
}

/**
 * An IKE drop reason as a label value: the text before any colon, numbers and addresses as N.
 * The engine's reasons quote what the peer sent (message IDs, SPIs, decoder messages); the
 * label must not let a peer mint new series.
 */
export function dropReasonLabel(reason: string): string {
  const head = reason.split(':')[0] ?? reason;
  return head
    .replace(/0x[0-9a-f]+|\d+(\.\d+)*/gi, 'N')
    .trim()
    .slice(0, 80);
}

function traffic(direction: 'inbound' | 'outbound'): string {
  return direction === 'inbound' ? 'in' : 'out';
}

interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Prometheus text exposition format 0.0.4: HELP, TYPE, then one line per sample. */
function family(name: string, type: 'counter' | 'gauge', help: string, samples: readonly Sample[]): string[] {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const s of samples) {
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    lines.push(`${name}{${labels}} ${s.value}`);
  }
  return lines;
}

export class Metrics {
  private readonly routers = new Map<string, RouterMetrics>();
  private readonly unsubscribe: () => void;
  /** Negotiations started, completed and failed; the last failures with what mismatched. */
  readonly negotiations = new NegotiationLog();

  constructor(bus: EventBus) {
    this.unsubscribe = bus.subscribe((event) => this.count(event));
  }

  close(): void {
    this.unsubscribe();
  }

  private of(router: string): RouterMetrics {
    let m = this.routers.get(router);
    if (m === undefined) {
      m = empty();
      this.routers.set(router, m);
    }
    return m;
  }

  private drop(m: RouterMetrics, reason: string): void {
    const known = reason in m.drops || Object.keys(m.drops).length < DROP_REASONS_LIMIT;
    const key = known ? reason : 'other';
    m.drops[key] = (m.drops[key] ?? 0) + 1;
  }

  private count(event: TypeswanEvent): void {
    this.negotiations.observe(event);
    const m = this.of(event.router);
    if (event.source === 'ike') {
      const e = event.event;
      switch (e.type) {
        case 'packet':
          if (e.direction === 'sent') m.ikePacketsSent++;
          else m.ikePacketsReceived++;
          break;
        case 'retransmit':
          m.ikeRetransmissions++;
          break;
        case 'ikeSaCreated':
          m.ikeSasCreated++;
          break;
        case 'ikeSaDeleted':
          m.ikeSasDeleted++;
          break;
        case 'authFailed':
          m.authenticationFailures++;
          break;
        case 'drop':
          this.drop(m, `ike: ${dropReasonLabel(e.reason)}`);
          break;
        case 'dpd': {
          const key = `${e.kind}/${e.direction}`;
          m.dpd[key] = (m.dpd[key] ?? 0) + 1;
          break;
        }
        case 'peerDead':
          m.deadPeers++;
          break;
        case 'rekey':
          m.rekeys[e.what]++;
          break;
        case 'xauth': {
          // One credential check (accepted or rejected) per try; `set` carries the final status.
          const key =
            e.step === 'accepted' || e.step === 'rejected'
              ? e.step
              : e.step === 'set' && e.status !== undefined
                ? `status ${e.status.toLowerCase()}`
                : undefined;
          if (key !== undefined) m.xauth[key] = (m.xauth[key] ?? 0) + 1;
          break;
        }
        default:
          break;
      }
      return;
    }
    const e = event.event;
    switch (e.type) {
      case 'saInstalled':
        m.ipsecSasInstalled++;
        break;
      case 'saRemoved': {
        m.ipsecSasRemoved++;
        if (e.peer === undefined) break;
        const key = `${e.peer}/${e.protocol}/${traffic(e.direction ?? 'inbound')}`;
        const known = key in m.retiredTraffic || Object.keys(m.retiredTraffic).length < RETIRED_PEERS_LIMIT;
        if (!known || e.direction === undefined) break;
        const t = m.retiredTraffic[key] ?? { packets: 0, bytes: 0 };
        t.packets += e.packets ?? 0;
        t.bytes += e.bytes ?? 0;
        m.retiredTraffic[key] = t;
        break;
      }
      case 'acquire':
        m.acquires++;
        if (!e.held) this.drop(m, 'awaiting SA');
        break;
      case 'packetDropped':
        this.drop(m, e.reason);
        break;
      default:
        break;
    }
  }

  snapshot(): Record<string, RouterMetrics> {
    const out: Record<string, RouterMetrics> = {};
    for (const [router, m] of this.routers) {
      out[router] = {
        ...m,
        drops: { ...m.drops },
        dpd: { ...m.dpd },
        rekeys: { ...m.rekeys },
        xauth: { ...m.xauth },
        retiredTraffic: Object.fromEntries(Object.entries(m.retiredTraffic).map(([k, v]) => [k, { ...v }])),
      };
    }
    return out;
  }

  /** Prometheus text exposition format (version 0.0.4); `live` per router name. */
  prometheus(live: ReadonlyMap<string, LiveState> = new Map()): string {
    const routers = [...new Set([...this.routers.keys(), ...live.keys()])].sort();
    const per = (fn: (router: string, m: RouterMetrics) => Sample[]): Sample[] =>
      routers.flatMap((router) => fn(router, this.of(router)));
    /** A count per router and one or more labels, kept as "a/b" keys. */
    const keyed = (
      names: readonly string[],
      counts: (router: string, m: RouterMetrics) => Iterable<[string | number, number]>,
    ): Sample[] =>
      per((router, m) =>
        [...counts(router, m)].map(([key, value]) => {
          const parts = String(key).split('/');
          return {
            labels: { router, ...Object.fromEntries(names.map((n, i) => [n, parts[i] ?? ''])) },
            value,
          };
        }),
      );
    const tally = <T>(items: readonly T[], key: (item: T) => string): Map<string, number> => {
      const counts = new Map<string, number>();
      for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
      return counts;
    };
    const ipsecSas = (router: string): readonly SaTraffic[] => live.get(router)?.ipsecSas ?? [];
    const simple: [string, string, (m: RouterMetrics) => number][] = [
      ['typeswan_ike_retransmissions_total', 'IKE retransmissions', (m) => m.ikeRetransmissions],
      ['typeswan_ike_sas_created_total', 'IKE SAs established', (m) => m.ikeSasCreated],
      ['typeswan_ike_sas_deleted_total', 'IKE SAs deleted', (m) => m.ikeSasDeleted],
      [
        'typeswan_ipsec_sas_installed_total',
        'IPsec SAs installed (each direction counts)',
        (m) => m.ipsecSasInstalled,
      ],
      ['typeswan_ipsec_sas_removed_total', 'IPsec SAs removed', (m) => m.ipsecSasRemoved],
      ['typeswan_auth_failures_total', 'phase 1 authentication failures', (m) => m.authenticationFailures],
      ['typeswan_dpd_dead_peers_total', 'peers declared dead by DPD', (m) => m.deadPeers],
      ['typeswan_acquires_total', 'SA requests triggered by traffic', (m) => m.acquires],
    ];
    const families: [string, 'counter' | 'gauge', string, Sample[]][] = [
      [
        'typeswan_ike_packets_total',
        'counter',
        'IKE messages by direction',
        keyed(['direction'], (_r, m) => [
          ['sent', m.ikePacketsSent],
          ['received', m.ikePacketsReceived],
        ]),
      ],
      ...simple.map(([name, help, fn]): [string, 'counter', string, Sample[]] => [
        name,
        'counter',
        help,
        per((router, m) => [{ labels: { router }, value: fn(m) }]),
      ]),
      [
        'typeswan_ike_sas',
        'gauge',
        'IKE SAs by show crypto isakmp sa state',
        keyed(['state'], (router) => tally(live.get(router)?.ikeSas ?? [], (sa) => sa.state)),
      ],
      [
        'typeswan_ipsec_sas',
        'gauge',
        'IPsec SAs installed now',
        keyed(['protocol', 'direction'], (router) =>
          tally(ipsecSas(router), (sa) => `${sa.protocol}/${traffic(sa.direction)}`),
        ),
      ],
      [
        'typeswan_ipsec_sa_packets_total',
        'counter',
        'packets protected (out) or accepted (in) by each installed IPsec SA',
        per((router) => saSamples(router, ipsecSas(router), 'packets')),
      ],
      [
        'typeswan_ipsec_sa_bytes_total',
        'counter',
        'protected payload bytes of each installed IPsec SA',
        per((router) => saSamples(router, ipsecSas(router), 'bytes')),
      ],
      [
        'typeswan_peer_packets_total',
        'counter',
        'packets through the IPsec SAs of each peer, removed SAs included',
        keyed(['peer', 'protocol', 'direction'], (router, m) => peerSums(m, ipsecSas(router), 'packets')),
      ],
      [
        'typeswan_peer_bytes_total',
        'counter',
        'protected payload bytes through the IPsec SAs of each peer, removed SAs included',
        keyed(['peer', 'protocol', 'direction'], (router, m) => peerSums(m, ipsecSas(router), 'bytes')),
      ],
      [
        'typeswan_negotiations_started_total',
        'counter',
        'phase 1 and phase 2 negotiations started, by our role',
        keyed(['phase', 'role'], (router) => this.negotiations.of(router).started),
      ],
      [
        'typeswan_negotiations_completed_total',
        'counter',
        'phase 1 and phase 2 negotiations completed',
        keyed(['phase'], (router) => this.negotiations.of(router).completed),
      ],
      [
        'typeswan_negotiations_failed_total',
        'counter',
        'phase 1 and phase 2 negotiations failed, by reason',
        keyed(['phase', 'reason'], (router) => this.negotiations.of(router).failed),
      ],
      [
        'typeswan_dpd_messages_total',
        'counter',
        'dead peer detection messages (RFC 3706) by kind and direction',
        keyed(['kind', 'direction'], (_r, m) => Object.entries(m.dpd)),
      ],
      [
        'typeswan_rekeys_total',
        'counter',
        'rekeys started, IPsec and ISAKMP',
        keyed(['sa'], (_r, m) => Object.entries(m.rekeys)),
      ],
      [
        'typeswan_xauth_results_total',
        'counter',
        'XAUTH credential checks (accepted, rejected) and final status sent (status ok, status fail)',
        keyed(['result'], (_r, m) => Object.entries(m.xauth)),
      ],
      [
        'typeswan_pool_addresses',
        'gauge',
        'addresses of each Mode Config pool (ip local pool), leased and free',
        keyed(['pool', 'state'], (router) =>
          (live.get(router)?.pools ?? []).flatMap((p): [string, number][] => [
            [`${p.name}/leased`, p.leased],
            [`${p.name}/free`, p.size - p.leased],
          ]),
        ),
      ],
      [
        'typeswan_drops_total',
        'counter',
        'packets dropped by reason',
        per((router, m) =>
          Object.entries(m.drops).map(([reason, value]) => ({ labels: { router, reason }, value })),
        ),
      ],
    ];
    const lines = families.flatMap(([name, type, help, samples]) => family(name, type, help, samples));
    return `${lines.join('\n')}\n`;
  }
}

function saSamples(router: string, sas: readonly SaTraffic[], what: 'packets' | 'bytes'): Sample[] {
  return sas.map((sa) => ({
    labels: {
      router,
      peer: sa.peer,
      spi: `0x${sa.spi.toString(16).padStart(8, '0')}`,
      protocol: sa.protocol,
      direction: traffic(sa.direction),
    },
    value: sa[what],
  }));
}

/** Per `peer/protocol/direction`: removed SAs' traffic plus the live SAs'. */
function peerSums(
  m: RouterMetrics,
  sas: readonly SaTraffic[],
  what: 'packets' | 'bytes',
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const [k, t] of Object.entries(m.retiredTraffic)) sums.set(k, t[what]);
  for (const sa of sas) {
    const k = `${sa.peer}/${sa.protocol}/${traffic(sa.direction)}`;
    sums.set(k, (sums.get(k) ?? 0) + sa[what]);
  }
  return sums;
}
