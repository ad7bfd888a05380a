// `typeswan check -c FILE [--json]`: parse and cross-check a configuration, run nothing.
// Prints what was found (policies, keys by peer, transform sets, crypto map entries with
// their ACLs, ignored lines, warnings) and exits 0, or 2 with file:line:column on an error.

import type { Command } from 'commander';
import { ConfigError } from '../config/index.js';
import { ConfigFileError, gatewayProblems, loadRouterConfig } from '../gateway/configFile.js';
import { aclEntryText, formatIsakmpPolicy, transformText } from '../observe/show/configViews.js';
import { cryptoMapEntries } from '../policy/cryptoMap.js';
import type { RouterConfig } from '../policy/model.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

interface CheckOptions {
  readonly config: string;
  readonly json?: boolean;
}

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
  let config: RouterConfig;
  try {
    config = loadRouterConfig(options.config);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ConfigFileError) throw new UsageError(error.message);
    throw error;
  }
  const refused = gatewayProblems(config);
  if (options.json === true) {
    io.stdout(`${JSON.stringify({ config: redacted(config), gatewayWouldRefuse: refused }, null, 2)}\n`);
    return;
  }
  io.stdout(summary(config, refused).join('\n'));
  io.stdout('\n');
}

function redacted(config: RouterConfig): RouterConfig {
  return {
    ...config,
    presharedKeys: config.presharedKeys.map((k) => ({ ...k, key: '<redacted>' })),
    radiusServers: config.radiusServers.map((r) => ({
      host: r.host,
      ...(r.key !== undefined ? { key: '<redacted>' } : {}),
    })),
    users: config.users.map((u) => ({ ...u, password: '<redacted>' })),
  };
}

function summary(config: RouterConfig, refused: ReturnType<typeof gatewayProblems>): string[] {
  const lines: string[] = [];
  lines.push(
    `${config.file}: ${config.dialect.toUpperCase()} configuration of ${config.hostname || '(no hostname)'}: OK`,
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
      `  ${who}: key of ${k.key.length} characters${flags === '' ? '' : ` (${flags})`}${k.at !== undefined ? ` [line ${k.at.line}]` : ''}`,
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
  lines.push(`Ignored lines (not about IPsec): ${config.ignored.length}`);
  for (const i of config.ignored) lines.push(`  line ${i.line}: ${i.text}`);
  if (config.warnings.length > 0) {
    lines.push('');
    lines.push('Warnings:');
    for (const w of config.warnings) lines.push(`  ${config.file}:${w.line}: ${w.message}`);
  }
  if (refused.length > 0) {
    lines.push('');
    lines.push('typeswan start would refuse (not supported by the gateway yet):');
    for (const r of refused) lines.push(`  ${config.file}:${r.line}: ${r.command}: ${r.reason}`);
  }
  return lines;
}
