// `typeswan check -c FILE [--json]`: parse and cross-check a configuration, run nothing.
// Prints what was found (policies, keys by peer, transform sets, crypto map entries with
// their ACLs, how many other lines were ignored, warnings and inert lines) and exits 0, or 2
// with file:line:column and a caret under the column on an error, as IOS marks invalid
// input. A configuration `typeswan start` would refuse is an error too: both read it through
// loadConfiguration.

import type { Command } from 'commander';
import {
  isRedacted,
  loadConfiguration,
  redactSecrets,
  warningText,
  type ConfigError,
  type ConfigLoad,
} from '../config/index.js';
import { aclEntryText, formatIsakmpPolicy, transformText } from '../observe/show/configViews.js';
import { cryptoMapEntries } from '../policy/cryptoMap.js';
import type { RouterConfig, Warning } from '../policy/model.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

interface CheckOptions {
  readonly config: string;
  readonly json?: boolean;
}

/** Errors printed before "and N more": enough to see a pattern, bounded for a garbage file. */
const MAX_ERRORS_SHOWN = 20;

export function registerCheck(program: Command, io: CliIo): void {
  program
    .command('check')
    .description('parse and cross-check an IOS/PIX configuration (or its JSON model) without running it')
    .requiredOption(
      '-c, --config <file>',
      'configuration file: IOS or PIX text, a terminal capture, or .json',
    )
    .option('--json', 'print the parsed model as JSON (pre-shared keys redacted)')
    .action((options: CheckOptions) => {
      runCheck(options, io);
    });
}

export function runCheck(options: CheckOptions, io: CliIo): void {
  const load = loadConfiguration(options.config);
  // A model start would refuse is still printed (exit 2 all the same): it reads back as is.
  if (options.json === true && load.model !== undefined) {
    const output = {
      config: redactSecrets(load.model),
      gatewayWouldRefuse: load.ok ? [] : load.refused,
      inert: load.ok ? load.inert : [],
    };
    io.stdout(`${JSON.stringify(output, null, 2)}\n`);
  }
  if (!load.ok) throw new UsageError(failureText(load));
  if (options.json === true) return;
  io.stdout(summary(options.config, load.model, load.warnings).join('\n'));
  io.stdout('\n');
}

function failureText(load: ConfigLoad & { ok: false }): string {
  const out: string[] = [];
  for (const e of load.errors.slice(0, MAX_ERRORS_SHOWN)) out.push(...errorLines(e));
  const more = load.errors.length - Math.min(load.errors.length, MAX_ERRORS_SHOWN);
  if (more > 0) out.push(`... and ${more} more error${more === 1 ? '' : 's'} not shown`);
  if (load.stoppedAtLine !== undefined)
    out.push(`reading stopped at line ${load.stoppedAtLine} after ${load.errors.length} errors`);
  if (load.refused.length > 0) {
    const file = load.model?.file ?? '';
    for (const r of load.refused) out.push(`${file}:${r.line}: ${r.command}: ${r.reason}`);
    out.push('typeswan start would refuse this configuration (not supported by the gateway yet)');
  }
  return out.join('\n');
}

/** The error, then (IOS style) the line as written and a caret under the column. */
function errorLines(e: ConfigError): string[] {
  if (e.source === undefined || e.column < 1) return [e.message];
  const width = 120;
  const start = e.column > width ? e.column - 1 - width / 2 : 0;
  const shown = e.source.slice(start, start + width);
  const before = shown.slice(0, e.column - 1 - start).replace(/[^\t]/g, ' ');
  return [e.message, `  ${shown}`, `  ${before}^`, "% Invalid input detected at '^' marker."];
}

function summary(file: string, config: RouterConfig, warnings: readonly Warning[]): string[] {
  const lines: string[] = [];
  lines.push(
    `${file}: ${config.dialect.toUpperCase()} configuration of ${config.hostname || '(no hostname)'}: OK`,
  );
  lines.push('');
  lines.push('ISAKMP policies:');
  for (const line of formatIsakmpPolicy(config.isakmpPolicies).trimEnd().split('\n')) lines.push(`  ${line}`);
  lines.push('');
  lines.push('Pre-shared keys (by peer):');
  if (config.presharedKeys.length === 0) lines.push('  none');
  for (const k of config.presharedKeys) {
    const who =
      k.hostname !== undefined
        ? `hostname ${k.hostname}`
        : `address ${k.address ?? '?'}${k.netmask !== undefined && k.netmask !== '255.255.255.255' ? ` netmask ${k.netmask}` : ''}`;
    const flags = [k.noXauth ? 'no-xauth' : '', k.noConfigMode ? 'no-config-mode' : '']
      .filter((f) => f !== '')
      .join(' ');
    lines.push(
      `  ${who}: ${isRedacted(k.key) ? 'key redacted' : `key of ${k.key.length} characters`}${flags === '' ? '' : ` (${flags})`}${k.at !== undefined ? ` [line ${k.at.line}]` : ''}`,
    );
  }
  lines.push('');
  lines.push('Transform sets:');
  if (config.transformSets.length === 0) lines.push('  none');
  for (const t of config.transformSets)
    lines.push(
      `  ${t.name}: { ${transformText(t)} } ${t.mode}${t.at !== undefined ? ` [line ${t.at.line}]` : ''}`,
    );
  lines.push('');
  lines.push('Crypto map entries:');
  const maps = [...new Set(config.cryptoMaps.map((e) => e.map))];
  if (maps.length === 0) lines.push('  none');
  for (const map of maps) {
    const interfaces = config.interfaces
      .filter((i) => i.cryptoMap === map)
      .map((i) => `${i.name}${i.address !== undefined ? ` ${i.address}` : ''}`);
    lines.push(`  crypto map ${map} on ${interfaces.length === 0 ? 'no interface' : interfaces.join(', ')}`);
    for (const e of cryptoMapEntries(config, map)) {
      const kind =
        e.dynamic !== undefined
          ? ` dynamic ${e.dynamic.name} ${e.dynamic.seq}${e.dynamic.discover ? ' discover' : ''}`
          : '';
      lines.push(
        `    ${e.seq}${kind}: peer ${e.peers.length === 0 ? 'any' : e.peers.join(', ')}; transform-set ${e.transformSets.join(', ') || 'none'}; lifetime ${e.lifetime.seconds} s / ${e.lifetime.kilobytes} KB${e.pfsGroup !== undefined ? `; pfs group${e.pfsGroup}` : ''}`,
      );
      if (e.acl !== undefined) {
        const acl = e.acl;
        lines.push(`      match address ${acl.name}:`);
        for (const entry of acl.entries) lines.push(`        ${aclEntryText(acl, entry)}`);
      } else if (e.matchAddress !== undefined) {
        lines.push(`      match address ${e.matchAddress} (not defined)`);
      } else {
        lines.push('      no match address');
      }
    }
  }
  lines.push('');
  const ignored = config.ignored.length;
  lines.push(`${ignored} line${ignored === 1 ? '' : 's'} of other commands ignored (not about IPsec)`);
  if (warnings.length > 0) {
    lines.push('');
    lines.push('Warnings:');
    for (const w of warnings) lines.push(`  ${warningText(config.file, w)}`);
  }
  return lines;
}
