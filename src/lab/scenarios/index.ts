// The lab's scenarios: the chapter's case studies as configurations plus what to ping.

import type { LabCaOptions } from '../labPki.js';
import { GRE_HA } from './greHa.js';
import { EXAMPLE_13_1_INITIATOR, EXAMPLE_13_2_RESPONDER, NAT_T_INITIATOR } from './chapterPsk.js';
import { EXAMPLE_13_23_LNS_REPAIRED, windowsClient } from './l2tp.js';
import type { LabEngines, LabOptions, LabResult } from '../run.js';
import { runL2tpLab } from '../l2tpRun.js';
import { EXAMPLE_13_7_LAB_ISDN1, EXAMPLE_13_8_LAB_ISDN } from './rsaSig.js';
import { EXAMPLE_13_13_ROUTER1, EXAMPLE_13_14_ROUTER2, EXAMPLE_13_15_ROUTER3_REPAIRED } from './oneToMany.js';
import type { LabHost } from '../topology.js';
import type { LabRemoteAccess } from '../remoteAccess.js';
import { PIX_SCENARIO, REMOTE_ACCESS_SCENARIO } from './remoteAccess.js';
import { EXAMPLE_13_24_TED_INITIATOR, EXAMPLE_13_25_TED_RESPONDER } from './ted.js';
import type { KeyObject } from 'node:crypto';
import { RSA_ENCR_SCENARIO } from './rsaEncr.js';
import { NAT_BYPASS } from './natBypass.js';

export interface ScenarioRouter {
  /** Shown as the config's file name in errors. */
  readonly file: string;
  readonly text: string;
  /** Initiate with aggressive mode instead of main mode. */
  readonly aggressiveMode?: boolean;
  /** The router's host on a LAN of its own (see LabHost) instead of on its second interface. */
  readonly host?: LabHost;
  /** The router's key store encryption keys (rsa-encr), made by the scenario. */
  readonly decryptionKeys?: readonly KeyObject[];
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
  /** VPN clients and the AAA server behind XAUTH (Examples 13-19 to 13-21); see src/lab/remoteAccess.ts. */
  readonly remoteAccess?: LabRemoteAccess;
  /** A case study with a topology and traffic of its own (the L2TP clients): runs instead of pings. */
  readonly run?: (routers: readonly ScenarioRouter[], engines: LabEngines, options: LabOptions) => LabResult;
  /** Replace the trust points' certificate chains by a lab CA's, for keys made at start (labPki.ts). */
  readonly labCa?: LabCaOptions;
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
    name: 'rsa-sig',
    title: 'Router-to-router IPsec with RSA signatures and certificates (usage keys from a lab CA)',
    source: 'Examples 13-7 to 13-9, Figure 13-46',
    routers: [
      { file: 'example-13-7 (lab-isdn1)', text: EXAMPLE_13_7_LAB_ISDN1 },
      { file: 'example-13-8 (lab-isdn)', text: EXAMPLE_13_8_LAB_ISDN },
    ],
    pings: [{ from: 0, to: 1 }],
    labCa: { usageKeys: true },
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
  REMOTE_ACCESS_SCENARIO,
  PIX_SCENARIO,
  {
    name: 'ted',
    title: 'Tunnel Endpoint Discovery: no peer configured, the probe finds it',
    source: 'Examples 13-24 to 13-29, Figures 13-53 to 13-55',
    routers: [
      { file: 'example-13-24 (TED-Initiator)', text: EXAMPLE_13_24_TED_INITIATOR },
      { file: 'example-13-25 (TED-Responder)', text: EXAMPLE_13_25_TED_RESPONDER },
    ],
    pings: [{ from: 0, to: 1 }],
  },
  {
    name: 'l2tp',
    title: 'L2TP over IPsec transport mode to an LNS, a client direct and one behind PAT',
    source: 'Example 13-23, Figure 13-52 (repaired: see EXAMPLE_13_23_LNS_REPAIRED)',
    routers: [
      { file: 'example-13-23 (LNS)', text: EXAMPLE_13_23_LNS_REPAIRED },
      { file: 'windows-client-1', text: windowsClient('Client1', '10.0.0.10') },
      { file: 'windows-client-2 (behind PAT)', text: windowsClient('Client2', '172.16.1.10') },
    ],
    pings: [],
    run: runL2tpLab,
  },
  RSA_ENCR_SCENARIO,
  GRE_HA,
  NAT_BYPASS,
];

export const DEFAULT_SCENARIO = 'psk';

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
