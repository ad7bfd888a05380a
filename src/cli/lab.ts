// `typeswan lab [SCENARIO] [--list] [--config A.cfg --config B.cfg] [--loss P]`: runs one of
// the chapter's case studies (or the user's own configurations) in an in-process virtual
// network: no root, no network. Exit 0 only if every ping crossed its IPsec tunnel.

import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { ConfigFileError, GatewayRefused, readConfigText } from '../gateway/configFile.js';
import { realEngines } from '../lab/engines.js';
import { runLabAsync } from '../lab/run.js';
import {
  DEFAULT_SCENARIO,
  findScenario,
  SCENARIOS,
  type Scenario,
  type ScenarioRouter,
} from '../lab/scenarios/index.js';
import { TopologyError } from '../lab/topology.js';
import type { DebugCategory } from '../observe/events.js';
import { openKeylog, type KeylogWriter } from '../observe/keylog.js';
import { encodePcap, LINKTYPE_RAW } from '../observe/pcap.js';
import type { IpsecSa } from '../policy/sa.js';
import { RuntimeFailure, UsageError } from './errors.js';
import type { CliIo } from './io.js';

interface LabCliOptions {
  readonly list?: boolean;
  readonly config?: string[];
  readonly loss?: string;
  readonly seed?: string;
  readonly count?: string;
  readonly debug?: boolean;
  readonly hold?: string;
  readonly aggressive?: boolean;
  readonly duplicate?: string;
  readonly reorder?: string;
  readonly pcap?: string;
  readonly keylog?: string;
}

/** The scenario names' column in --list and --help. */
const NAME_WIDTH = Math.max(...SCENARIOS.map((s) => s.name.length)) + 1;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** "20", "20%" (percent) or "0.2" (fraction) -> 0.2. */
export function parseLoss(text: string, option = '--loss'): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const value = Number(percent ? trimmed.slice(0, -1) : trimmed);
  if (!Number.isFinite(value) || value < 0)
    throw new UsageError(`${option} ${text}: expected a percentage like 20 or 20% (or a fraction like 0.2)`);
  const fraction = percent || value > 1 ? value / 100 : value;
  if (fraction >= 1) throw new UsageError(`${option} ${text}: must be below 100 %`);
  return fraction;
}

function parseCount(text: string | undefined, name: string, fallback: number, max: number, min = 1): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`${name} ${text}: expected a whole number from ${min} to ${max}`);
  return value;
}

export function registerLab(program: Command, io: CliIo): void {
  program
    .command('lab')
    .description(
      "run one of the chapter's case studies in an in-process virtual network (no root, no network)",
    )
    .argument('[scenario]', `scenario name (default ${DEFAULT_SCENARIO}; see --list)`)
    .option('--list', 'list the scenarios')
    .option('-c, --config <file>', 'run your own router configurations instead (give two or more)', collect)
    .option('--loss <percent>', 'make the WAN lossy: 20 or 20% (or 0.2) of packets lost')
    .option('--seed <n>', 'seed of the virtual network and the routers (default 1)')
    .option('--count <n>', 'echoes per ping (IOS repeat count, default 5)')
    .option(
      '--hold <n>',
      'hold up to n packets per SA request while IKE runs (default 0: dropped as IOS does, so the first echo times out)',
    )
    .option('--duplicate <percent>', 'duplicate that share of WAN packets')
    .option('--reorder <percent>', 'hold back that share of WAN packets so later ones overtake them')
    .option('--pcap <file>', 'write the WAN traffic (IKE, ESP) to a pcap file')
    .option('--keylog <file>', 'append the ESP keys as tshark -o lines, to decrypt the --pcap (mode 0600)')
    .option('--aggressive', 'with --config: the first router initiates phase 1 in aggressive mode')
    .option('--no-debug', 'do not print the debug trace')
    .addHelpText(
      'after',
      `\nScenarios:\n${SCENARIOS.map((s) => `  ${s.name.padEnd(NAME_WIDTH)} ${s.title} (${s.source})`).join('\n')}\n\nExamples:\n  typeswan lab\n  typeswan lab one-to-many --loss 20 --count 10\n  typeswan lab --config r1.cfg --config r2.cfg`,
    )
    .action(async (name: string | undefined, options: LabCliOptions) => {
      await runLabCommand(name, options, io);
    });
}

export async function runLabCommand(
  name: string | undefined,
  options: LabCliOptions,
  io: CliIo,
): Promise<void> {
  if (options.list === true) {
    for (const s of SCENARIOS)
      io.stdout(
        `${s.name.padEnd(NAME_WIDTH)} ${s.title} (${s.source})${s.name === DEFAULT_SCENARIO ? ' [default]' : ''}\n`,
      );
    return;
  }
  let scenario: Scenario;
  let routers: readonly ScenarioRouter[];
  const files = options.config ?? [];
  if (files.length === 0 && options.aggressive === true) {
    throw new UsageError(
      '--aggressive applies to --config runs; the aggressive-mode case study is `typeswan lab aggressive`',
    );
  }
  if (files.length > 0) {
    if (name !== undefined) throw new UsageError('give either a scenario name or --config files, not both');
    if (files.length < 2)
      throw new UsageError('--config needs at least two router configurations (one per router)');
    routers = files.map((file, index) => {
      try {
        return {
          file,
          text: readConfigText(file),
          aggressiveMode: index === 0 && options.aggressive === true,
        };
      } catch (error) {
        if (error instanceof ConfigFileError) throw new UsageError(error.message);
        throw error;
      }
    });
    const pings: { from: number; to: number }[] = [];
    for (let i = 0; i < files.length; i++)
      for (let j = i + 1; j < files.length; j++) pings.push({ from: i, to: j });
    scenario = { name: 'custom', title: 'your configurations', source: files.join(', '), routers, pings };
  } else {
    const found = findScenario(name ?? DEFAULT_SCENARIO);
    if (found === undefined)
      throw new UsageError(
        `unknown scenario "${name ?? ''}"; scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`,
      );
    scenario = found;
    routers = found.routers;
  }
  const loss = options.loss === undefined ? 0 : parseLoss(options.loss);
  const seed = parseCount(options.seed, '--seed', 1, 2 ** 31);
  const count = parseCount(options.count, '--count', 5, 1000);
  const hold = options.hold === undefined ? 0 : parseCount(options.hold, '--hold', 0, 64, 0);
  const debug: DebugCategory[] = options.debug === false ? [] : ['isakmp', 'ipsec', 'engine'];
  const duplicate = options.duplicate === undefined ? 0 : parseLoss(options.duplicate, '--duplicate');
  const reorder = options.reorder === undefined ? 0 : parseLoss(options.reorder, '--reorder');
  let keylog: KeylogWriter | undefined;
  if (options.keylog !== undefined) {
    try {
      keylog = openKeylog(options.keylog);
    } catch (error) {
      throw new RuntimeFailure(
        `--keylog ${options.keylog}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  let ok: boolean;
  try {
    const opened = keylog;
    const result = await runLabAsync(scenario, routers, realEngines, {
      loss,
      duplicate,
      reorder,
      seed,
      count,
      debug,
      hold,
      capture: options.pcap !== undefined,
      ...(opened !== undefined
        ? { onSaInstalled: (sa: IpsecSa) => opened.ipsecSa(sa), onIkeKeys: (keys) => opened.ikeSa(keys) }
        : {}),
      out: (line) => io.stdout(`${line}\n`),
    });
    ok = result.ok;
    if (options.pcap !== undefined) writeCapture(options.pcap, result.frames);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof TopologyError) throw new UsageError(error.message);
    if (error instanceof GatewayRefused)
      throw new UsageError(`the gateway cannot run this configuration yet:\n${error.message}`);
    throw error;
  } finally {
    keylog?.close();
  }
  if (!ok) throw new RuntimeFailure(`lab ${scenario.name}: the tunnel did not carry the pings`);
}

function writeCapture(path: string, frames: readonly { time: number; data: Uint8Array }[]): void {
  try {
    writeFileSync(path, encodePcap(frames, LINKTYPE_RAW));
  } catch (error) {
    throw new RuntimeFailure(`--pcap ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
