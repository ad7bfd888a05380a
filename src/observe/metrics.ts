// Metrics counters fed by the event bus: per router, how many IKE messages went each way,
// retransmissions, IKE and IPsec SAs created and deleted, authentication failures, and drops
// by reason. Rendered as a JSON snapshot or the Prometheus text format.

import type { EventBus } from './bus.js';
import type { TypeswanEvent } from './events.js';

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
}

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
  };
}

export class Metrics {
  private readonly routers = new Map<string, RouterMetrics>();
  private readonly unsubscribe: () => void;

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
    m.drops[reason] = (m.drops[reason] ?? 0) + 1;
  }

  private count(event: TypeswanEvent): void {
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
          this.drop(m, `ike: ${e.reason}`);
          break;
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
      case 'saRemoved':
        m.ipsecSasRemoved++;
        break;
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
    for (const [router, m] of this.routers) out[router] = { ...m, drops: { ...m.drops } };
    return out;
  }

  /** Prometheus text exposition format (version 0.0.4). */
  prometheus(): string {
    const lines: string[] = [];
    const label = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    const series: [string, string, (m: RouterMetrics) => [string, number][]][] = [
      [
        'typeswan_ike_packets_total',
        'IKE messages by direction',
        (m) => [
          ['direction="sent"', m.ikePacketsSent],
          ['direction="received"', m.ikePacketsReceived],
        ],
      ],
      ['typeswan_ike_retransmissions_total', 'IKE retransmissions', (m) => [['', m.ikeRetransmissions]]],
      ['typeswan_ike_sas_created_total', 'IKE SAs established', (m) => [['', m.ikeSasCreated]]],
      ['typeswan_ike_sas_deleted_total', 'IKE SAs deleted', (m) => [['', m.ikeSasDeleted]]],
      [
        'typeswan_ipsec_sas_installed_total',
        'IPsec SAs installed (each direction counts)',
        (m) => [['', m.ipsecSasInstalled]],
      ],
      ['typeswan_ipsec_sas_removed_total', 'IPsec SAs removed', (m) => [['', m.ipsecSasRemoved]]],
      [
        'typeswan_auth_failures_total',
        'phase 1 authentication failures',
        (m) => [['', m.authenticationFailures]],
      ],
      ['typeswan_acquires_total', 'SA requests triggered by traffic', (m) => [['', m.acquires]]],
      [
        'typeswan_drops_total',
        'packets dropped by reason',
        (m) => Object.entries(m.drops).map(([r, n]) => [`reason="${label(r)}"`, n]),
      ],
    ];
    for (const [name, help, values] of series) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [router, m] of this.routers) {
        for (const [extra, value] of values(m)) {
          const labels = [`router="${label(router)}"`, ...(extra === '' ? [] : [extra])].join(',');
          lines.push(`${name}{${labels}} ${value}`);
        }
      }
    }
    return `${lines.join('\n')}\n`;
  }
}
