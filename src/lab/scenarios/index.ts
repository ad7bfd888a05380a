// The lab's scenarios: the chapter's case studies as configurations plus what to ping.

import type { LabEngines, LabOptions, LabResult } from '../run.js';
import { GRE_HA } from './greHa.js';
import { EXAMPLE_13_1_INITIATOR, EXAMPLE_13_2_RESPONDER, NAT_T_INITIATOR } from './chapterPsk.js';
import { EXAMPLE_13_13_ROUTER1, EXAMPLE_13_14_ROUTER2, EXAMPLE_13_15_ROUTER3_REPAIRED } from './oneToMany.js';

export interface ScenarioRouter {
  /** Shown as the config's file name in errors. */
  readonly file: string;
  readonly text: string;
  /** Initiate with aggressive mode instead of main mode. */
  readonly aggressiveMode?: boolean;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly source: string;
  readonly routers: readonly ScenarioRouter[];
  /** Host behind router `from` pings the host behind router `to` (indexes into routers). */
  readonly pings: readonly { readonly from: number; readonly to: number }[];
  /** Put one router behind a PAT box (NAT traversal, RFC 3947/3948). */
  readonly nat?: { readonly router: number; readonly outsideAddress: string };
  /**
   * A scenario with its own topology and script (links cut mid-run, several tunnels per
   * router): it runs instead of the pings above and says itself whether traffic crossed.
   */
  readonly run?: (engines: LabEngines, options: LabOptions) => LabResult;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'psk',
    title: 'Router-to-router IPsec with pre-shared keys',
    source: 'Examples 13-1 to 13-6, Figure 13-45',
    routers: [
      { file: 'example-13-1 (Initiator)', text: EXAMPLE_13_1_INITIATOR },
      { file: 'example-13-2 (Responder)', text: EXAMPLE_13_2_RESPONDER },
    ],
    pings: [{ from: 0, to: 1 }],
  },
  {
    name: 'aggressive',
    title: 'The same pair negotiating phase 1 in aggressive mode',
    source: 'Examples 13-1 and 13-2; aggressive mode as described in the chapter (Figures 13-21 to 13-23)',
    routers: [
      { file: 'example-13-1 (Initiator)', text: EXAMPLE_13_1_INITIATOR, aggressiveMode: true },
      { file: 'example-13-2 (Responder)', text: EXAMPLE_13_2_RESPONDER },
    ],
    pings: [{ from: 0, to: 1 }],
  },
  {
    name: 'nat-t',
    title: 'The same pair with the Initiator behind a PAT box: NAT traversal, ESP in UDP 4500',
    source: 'Examples 13-1 and 13-2; Initiator readdressed behind NAT (see NAT_T_INITIATOR)',
    routers: [
      { file: 'example-13-1 behind PAT (Initiator)', text: NAT_T_INITIATOR },
      { file: 'example-13-2 (Responder)', text: EXAMPLE_13_2_RESPONDER },
    ],
    pings: [{ from: 0, to: 1 }],
    nat: { router: 0, outsideAddress: '172.16.172.10' },
  },
  {
    name: 'one-to-many',
    title: 'One-to-many router IPsec, three routers fully meshed',
    source: 'Examples 13-13 to 13-15, Figure 13-48',
    routers: [
      { file: 'example-13-13 (router1)', text: EXAMPLE_13_13_ROUTER1 },
      { file: 'example-13-14 (router2)', text: EXAMPLE_13_14_ROUTER2 },
      { file: 'example-13-15 (router3)', text: EXAMPLE_13_15_ROUTER3_REPAIRED },
    ],
    pings: [
      { from: 0, to: 1 },
      { from: 0, to: 2 },
      { from: 1, to: 2 },
    ],
  },
  GRE_HA,
];

export const DEFAULT_SCENARIO = 'psk';

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
