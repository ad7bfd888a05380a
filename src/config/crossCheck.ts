// References between parts of a configuration, checked once everything is read (IOS lets
// a crypto map name a transform set defined further down). Each problem names the line of
// the referencing command and, when the parser recorded it, the column of the name.

import { aclRules, PolicyError, proxyIdProblem, type AclRule } from '../policy/index.js';
import { ipv4ToNumber, netmaskPrefix, parseIpv4, wildcardPrefix } from '../policy/ipv4.js';
import { MAX_SPLIT_NETWORKS } from '../policy/remoteAccess.js';
import type { AclEntry, RouterConfig, SourceRef, Warning } from '../policy/model.js';
import type { AclProblem } from './builder.js';
import { isDomainName } from './clientGroupCommands.js';
import { ConfigError } from './errors.js';
import { natReferenceErrors } from './natCheck.js';

/** Where the parser saw each reference, keyed `owner|kind|name`; JSON models have none. */
export interface ReferenceLocations {
  get(key: string): { readonly line: number; readonly column: number } | undefined;
}

const NOWHERE: ReferenceLocations = { get: () => undefined };

/** Every broken reference, in line order (empty when the configuration holds together). */
export function checkReferences(
  config: RouterConfig,
  locations: ReferenceLocations = NOWHERE,
  aclProblems: readonly AclProblem[] = [],
): ConfigError[] {
  const errors: ConfigError[] = [];
  const file = config.file;
  const fail: ReferenceFailure = (owner, at, kind, name, expected, message) => {
    const where = locations.get(`${owner}|${kind}|${name}`);
    const line = where?.line ?? at?.line ?? 0;
    const column = where?.column ?? (line > 0 ? 1 : 0);
    errors.push(new ConfigError({ file, line, column, found: name, expected, message }));
  };
  const transformSets = new Set(config.transformSets.map((t) => t.name));
  const acls = new Set(config.accessLists.map((a) => a.name));
  const dynamicMaps = new Set(config.dynamicMaps.map((d) => d.name));
  const mapNames = new Set(config.cryptoMaps.map((m) => m.map));
  const interfaces = new Set(config.interfaces.map((i) => i.name.toLowerCase()));
  const usedAcls = new Set<string>();

  const entryRefs = (
    owner: string,
    what: string,
    e: { transformSets: readonly string[]; matchAddress?: string | undefined; at?: SourceRef | undefined },
  ): void => {
    for (const ts of e.transformSets) {
      if (!transformSets.has(ts)) {
        fail(
          owner,
          e.at,
          'transform-set',
          ts,
          'a defined transform set',
          `${what} names transform set "${ts}", which is not defined`,
        );
      }
    }
    if (e.matchAddress !== undefined) {
      usedAcls.add(e.matchAddress);
      if (!acls.has(e.matchAddress)) {
        fail(
          owner,
          e.at,
          'acl',
          e.matchAddress,
          'a defined access list',
          `${what} matches access list ${e.matchAddress}, which is not defined`,
        );
      }
    }
  };

  for (const e of config.cryptoMaps) {
    const what = `crypto map ${e.map} ${e.seq}`;
    if (e.kind === 'dynamic') {
      const d = e.dynamicMap ?? '';
      if (!dynamicMaps.has(d))
        fail(
          `map:${e.map}:${e.seq}`,
          e.at,
          'dynamic-map',
          d,
          'a defined dynamic map',
          `${what} refers to dynamic map "${d}", which is not defined`,
        );
    } else {
      entryRefs(`map:${e.map}:${e.seq}`, what, e);
    }
  }
  for (const d of config.dynamicMaps)
    entryRefs(`dynamic:${d.name}:${d.seq}`, `crypto dynamic-map ${d.name} ${d.seq}`, d);
  ikev2References(config, fail);

  for (const i of config.interfaces) {
    const source = i.tunnel?.source;
    if (source !== undefined && parseIpv4(source) === undefined && !interfaces.has(source.toLowerCase()))
      fail(
        `interface:${i.name.toLowerCase()}`,
        i.at,
        'tunnel-source',
        source,
        'a defined interface or an address',
        `interface ${i.name}: tunnel source ${source} is not a defined interface`,
      );
  }
  for (const r of config.staticRoutes ?? []) {
    if (r.interface !== undefined && !interfaces.has(r.interface.toLowerCase()))
      fail(
        `route:${r.at?.line ?? 0}`,
        r.at,
        'interface',
        r.interface,
        'a defined interface',
        `ip route ${r.network} ${r.mask} names interface ${r.interface}, which is not defined`,
      );
  }
  for (const i of config.interfaces) {
    if (i.cryptoMap !== undefined && !mapNames.has(i.cryptoMap)) {
      fail(
        `interface:${i.name.toLowerCase()}`,
        i.at,
        'crypto-map',
        i.cryptoMap,
        'a defined crypto map',
        `interface ${i.name} applies crypto map "${i.cryptoMap}", which has no entries`,
      );
    }
  }
  for (const s of config.cryptoMapSettings) {
    const at = (line: number | undefined): SourceRef | undefined =>
      line === undefined ? undefined : { file, line };
    if (s.localAddressInterface !== undefined && !interfaces.has(s.localAddressInterface.toLowerCase())) {
      fail(
        `settings:${s.name}`,
        at(s.sourceLines?.localAddress),
        'interface',
        s.localAddressInterface,
        'a defined interface',
        `crypto map ${s.name} local-address names interface ${s.localAddressInterface}, which is not defined`,
      );
    }
    if (
      s.clientAuthenticationList !== undefined &&
      !config.aaa.some((a) => a.list === s.clientAuthenticationList)
    ) {
      fail(
        `settings:${s.name}`,
        at(s.sourceLines?.clientAuthentication),
        'aaa-list',
        s.clientAuthenticationList,
        'an `aaa authentication login` list',
        `crypto map ${s.name} client authentication list "${s.clientAuthenticationList}" is not defined by aaa authentication login`,
      );
    }
    if (
      s.clientAuthenticationServer !== undefined &&
      !(config.aaaServers ?? []).some((g) => g.tag === s.clientAuthenticationServer)
    ) {
      fail(
        `settings:${s.name}`,
        at(s.sourceLines?.clientAuthentication),
        'aaa-server',
        s.clientAuthenticationServer,
        'an aaa-server group',
        `crypto map ${s.name} client authentication names aaa-server "${s.clientAuthenticationServer}", which is not defined`,
      );
    }
  }
  for (const g of config.clientGroups ?? []) {
    const owner = `group:${g.name}`;
    const line = (n: number | undefined): SourceRef | undefined =>
      n === undefined ? g.at : { file, line: n };
    if (g.pool !== undefined && !config.localPools.some((p) => p.name === g.pool))
      fail(
        owner,
        line(g.sourceLines?.pool),
        'pool',
        g.pool,
        'an `ip local pool`',
        `client group ${g.name}: address pool "${g.pool}" is not defined by ip local pool`,
      );
    // A JSON model is not read by the parser: the bounds the parser keeps are checked here too.
    for (const [what, list] of [
      ['DNS', g.dns],
      ['WINS', g.wins],
    ] as const)
      if ((list ?? []).length > 2)
        fail(
          owner,
          g.at,
          'servers',
          what,
          'at most two servers',
          `client group ${g.name}: ${(list ?? []).length} ${what} servers; a client takes at most two`,
        );
    if (g.domain !== undefined && !isDomainName(g.domain))
      fail(
        owner,
        g.at,
        'domain',
        g.domain,
        'a domain name',
        `client group ${g.name}: ${JSON.stringify(g.domain)} is not a domain name of at most 255 characters`,
      );
    if (g.splitAcl === undefined) continue;
    const acl = config.accessLists.find((a) => a.name === g.splitAcl);
    const at = line(g.sourceLines?.splitAcl);
    if (!acl) {
      fail(
        owner,
        at,
        'acl',
        g.splitAcl,
        'a defined access list',
        `client group ${g.name}: split tunnel access list ${g.splitAcl} is not defined`,
      );
      continue;
    }
    const permits = acl.entries.filter((e) => e.action === 'permit');
    const bent = permits.find((e) => wildcardPrefix(ipv4ToNumber(e.source.wildcard)) === undefined);
    if (bent)
      fail(
        owner,
        at,
        'acl',
        g.splitAcl,
        'an access list of networks',
        `client group ${g.name}: split tunnel access list ${g.splitAcl} permits ${bent.source.address} ${bent.source.wildcard}, which is not a network (line ${bent.at?.line ?? '?'})`,
      );
    if (permits.length > MAX_SPLIT_NETWORKS)
      fail(
        owner,
        at,
        'acl',
        g.splitAcl,
        `at most ${MAX_SPLIT_NETWORKS} permit entries`,
        `client group ${g.name}: split tunnel access list ${g.splitAcl} has ${permits.length} permit entries; a client takes at most ${MAX_SPLIT_NETWORKS}`,
      );
  }
  const pool = config.isakmp.clientAddressPool;
  if (pool !== undefined && !config.localPools.some((p) => p.name === pool)) {
    const line = config.isakmp.sourceLines?.clientAddressPool;
    fail(
      'isakmp',
      line === undefined ? undefined : { file, line },
      'pool',
      pool,
      'an `ip local pool`',
      `address pool "${pool}" is not defined by ip local pool`,
    );
  }
  for (const p of aclProblems) {
    if (!usedAcls.has(p.acl)) continue;
    const { acl: _acl, ...detail } = p;
    errors.push(new ConfigError({ file, ...detail }));
  }
  for (const k of config.presharedKeys) {
    const mask = k.netmask === undefined ? undefined : parseIpv4(k.netmask);
    if (mask !== undefined && netmaskPrefix(mask) === undefined) {
      fail(
        'key',
        k.at,
        'netmask',
        k.netmask ?? '',
        'a netmask like 255.255.255.0',
        `netmask ${k.netmask ?? ''} of the key for ${k.address ?? ''} is not contiguous`,
      );
    }
  }
  errors.push(...natReferenceErrors(config, locations));
  return errors.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Warnings IOS itself prints for incomplete entries ("peer not set", "no ACL"). */
export function incompleteEntries(config: RouterConfig): { line: number; message: string }[] {
  const out: { line: number; message: string }[] = [];
  for (const e of config.cryptoMaps) {
    if (e.kind === 'dynamic') continue;
    const what = `crypto map ${e.map} ${e.seq}`;
    const line = e.at?.line ?? 0;
    if (e.peers.length === 0) out.push({ line, message: `${what}: peer not set; the entry stays inactive` });
    if (e.transformSets.length === 0)
      out.push({ line, message: `${what}: no transform set; the entry stays inactive` });
    if (e.matchAddress === undefined)
      out.push({ line, message: `${what}: no match address; the entry stays inactive` });
  }
  return out;
}

/**
 * Permit lines of a static entry's crypto ACL whose ports are a range (`neq`, `lt`, `gt`,
 * `range`): the SPD protects their traffic, but no quick mode can be started for it, since an
 * IKEv1 proxy ID carries one port or any (RFC 2407 §4.6.2) and asking for any port would ask
 * the peer for more than the line protects. One warning a line, naming the first such range.
 */
export function portRangeLines(config: RouterConfig): Warning[] {
  const out: Warning[] = [];
  const seen = new Set<string>();
  for (const e of config.cryptoMaps) {
    if (e.kind !== 'ipsec-isakmp' || e.matchAddress === undefined || seen.has(e.matchAddress)) continue;
    seen.add(e.matchAddress);
    const acl = config.accessLists.find((a) => a.name === e.matchAddress);
    if (acl === undefined) continue;
    let rules: AclRule[];
    try {
      rules = aclRules(acl);
    } catch (error) {
      if (error instanceof PolicyError) continue; // the cross-check names such a line
      throw error;
    }
    const warned = new Set<AclEntry>();
    for (const r of rules) {
      const problem = r.action === 'protect' ? proxyIdProblem(r.selector) : undefined;
      if (problem === undefined || warned.has(r.entry)) continue;
      warned.add(r.entry);
      out.push({
        line: r.entry.at?.line ?? 0,
        message: `access list ${acl.name} (crypto map ${e.map} ${e.seq}): ${problem}; typeswan protects this traffic but, as initiator, cannot start a quick mode for it`,
      });
    }
  }
  return out;
}

/** Records that `owner` names `name` of `kind`, which is not defined. */
type ReferenceFailure = (
  owner: string,
  at: SourceRef | undefined,
  kind: string,
  name: string,
  expected: string,
  message: string,
) => void;

/** `set ikev2-profile`, a profile's `keyring local` and a policy's `proposal` name defined blocks. */
function ikev2References(config: RouterConfig, fail: ReferenceFailure): void {
  const v2 = config.ikev2;
  const profiles = new Set(v2?.profiles.map((p) => p.name));
  const keyrings = new Set(v2?.keyrings.map((k) => k.name));
  const proposals = new Set(v2?.proposals.map((p) => p.name));
  for (const e of config.cryptoMaps) {
    if (e.ikev2Profile !== undefined && !profiles.has(e.ikev2Profile))
      fail(
        `map:${e.map}:${e.seq}`,
        e.at,
        'ikev2-profile',
        e.ikev2Profile,
        'a defined crypto ikev2 profile',
        `crypto map ${e.map} ${e.seq} names IKEv2 profile "${e.ikev2Profile}", which is not defined`,
      );
  }
  for (const p of v2?.profiles ?? []) {
    if (p.keyring !== undefined && !keyrings.has(p.keyring))
      fail(
        `ikev2-profile:${p.name}`,
        p.at,
        'ikev2-keyring',
        p.keyring,
        'a defined crypto ikev2 keyring',
        `crypto ikev2 profile ${p.name} names keyring "${p.keyring}", which is not defined`,
      );
  }
  for (const p of v2?.policies ?? []) {
    for (const name of p.proposals) {
      if (!proposals.has(name))
        fail(
          `ikev2-policy:${p.name}`,
          p.at,
          'ikev2-proposal',
          name,
          'a defined crypto ikev2 proposal',
          `crypto ikev2 policy ${p.name} names proposal "${name}", which is not defined`,
        );
    }
  }
}
