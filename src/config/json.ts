// The model as JSON: `typeswan` accepts a RouterConfig written by hand or saved from
// parseConfig. Validation is explicit (no schema library) so that every error names the
// JSON path, the value found and what was expected.

import { netmaskPrefix, parseIpv4 } from '../policy/ipv4.js';
import {
  DEFAULT_ISAKMP_POLICY,
  DEFAULT_SA_LIFETIME,
  type RouterConfig,
  type TimestampStyle,
} from '../policy/model.js';
import type {
  Ikev2IdentityConfig,
  Ikev2Keyring,
  Ikev2KeyringPeer,
  Ikev2PolicyConfig,
  Ikev2ProfileConfig,
  Ikev2ProposalConfig,
  Ikev2Settings,
} from '../policy/ikev2Model.js';
import type {
  NatConfig,
  NatDynamicSource,
  NatInsideSource,
  NatStaticSource,
  NatTimeout,
  NatTimeouts,
  PixGlobal,
  PixNat,
  RouteMapEntry,
} from '../policy/natModel.js';
import { checkReferences } from './crossCheck.js';
import { ConfigError } from './errors.js';

type Check<T> = (value: unknown, path: string) => T;

class JsonModelError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${path}: expected ${expected}; found ${found}`);
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

const fail = (path: string, expected: string, value: unknown): never => {
  throw new JsonModelError(path, expected, show(value));
};

const str: Check<string> = (v, p) => (typeof v === 'string' ? v : fail(p, 'a string', v));
const bool: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'true or false', v));

function int(min: number, max: number): Check<number> {
  return (v, p) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? v
      : fail(p, `an integer from ${min} to ${max}`, v);
}

const ipv4: Check<string> = (v, p) =>
  typeof v === 'string' && parseIpv4(v) !== undefined ? v : fail(p, 'an IPv4 address like "10.1.1.1"', v);

const netmask: Check<string> = (v, p) => {
  const n = typeof v === 'string' ? parseIpv4(v) : undefined;
  return n !== undefined && netmaskPrefix(n) !== undefined && typeof v === 'string'
    ? v
    : fail(p, 'a netmask like "255.255.255.0"', v);
};

function oneOf<const T extends string | number>(values: readonly T[]): Check<T> {
  return (v, p) => {
    const found = values.find((x) => x === v);
    return found !== undefined
      ? found
      : fail(p, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
  };
}

function either<A, B>(a: Check<A>, b: Check<B>, expected: string): Check<A | B> {
  return (v, p) => {
    try {
      return a(v, p);
    } catch {
      try {
        return b(v, p);
      } catch {
        return fail(p, expected, v);
      }
    }
  };
}

function arr<T>(item: Check<T>): Check<T[]> {
  return (v, p) =>
    Array.isArray(v) ? v.map((x: unknown, i) => item(x, `${p}[${i}]`)) : fail(p, 'an array', v);
}

function opt<T>(check: Check<T>): Check<T | undefined> {
  const wrapped: Check<T | undefined> = (v, p) => (v === undefined ? undefined : check(v, p));
  optionals.add(wrapped);
  return wrapped;
}
const optionals = new WeakSet<Check<unknown>>();

/** A field a hand-written model may leave out; the IOS default is filled in. */
function orDefault<T>(check: Check<T>, fallback: () => T): Check<T> {
  const wrapped: Check<T> = (v, p) => (v === undefined ? fallback() : check(v, p));
  optionals.add(wrapped);
  return wrapped;
}

/** An object with exactly these keys (optional ones may be absent; unknown ones are refused). */
function obj<T>(spec: { [K in keyof T]-?: Check<T[K]> }): Check<T> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'an object', v);
    const input = v as Record<string, unknown>;
    const checks = spec as Record<string, Check<unknown>>;
    for (const key of Object.keys(input)) {
      if (!(key in checks))
        fail(`${p}.${key}`, `no such field (known: ${Object.keys(checks).join(', ')})`, input[key]);
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(checks)) {
      if (!(key in input) && !optionals.has(check))
        fail(`${p}.${key}`, 'a value (required field)', undefined);
      const value = check(input[key], `${p}.${key}`);
      if (value !== undefined) out[key] = value;
    }
    return out as T;
  };
}

const sourceRef = obj<{ file: string; line: number }>({ file: str, line: int(0, 10_000_000) });
const dhGroup = oneOf([1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 31] as const);
const lifetime = obj<{ seconds?: number; kilobytes?: number }>({
  seconds: opt(int(120, 86400)),
  kilobytes: opt(int(2560, 536870912)),
});
const aclAddress = obj<{ address: string; wildcard: string }>({ address: ipv4, wildcard: ipv4 });
const port = int(0, 65535);
const portMatch: Check<
  { op: 'eq' | 'neq' | 'lt' | 'gt'; port: number } | { op: 'range'; from: number; to: number }
> = (v, p) =>
  typeof v === 'object' && v !== null && 'op' in v && (v as { op: unknown }).op === 'range'
    ? obj<{ op: 'range'; from: number; to: number }>({ op: oneOf(['range'] as const), from: port, to: port })(
        v,
        p,
      )
    : obj<{ op: 'eq' | 'neq' | 'lt' | 'gt'; port: number }>({
        op: oneOf(['eq', 'neq', 'lt', 'gt'] as const),
        port,
      })(v, p);

const timestampStyle: Check<TimestampStyle> = either(
  obj<{ kind: 'none' | 'uptime' }>({ kind: oneOf(['none', 'uptime'] as const) }),
  obj<Extract<TimestampStyle, { kind: 'datetime' }>>({
    kind: oneOf(['datetime'] as const),
    msec: bool,
    localtime: bool,
    year: bool,
    showTimezone: bool,
  }),
  'a timestamp style: {"kind":"none"|"uptime"} or {"kind":"datetime","msec":..,"localtime":..,"year":..,"showTimezone":..}',
);

const natTimeout: Check<NatTimeout> = (v, p) => (v === 'never' ? 'never' : int(0, 536870)(v, p));

const natConfig = obj<NatConfig>({
  insideSources: orDefault(
    arr(
      either<NatInsideSource, NatInsideSource>(
        obj<NatStaticSource>({ kind: oneOf(['static'] as const), local: ipv4, global: ipv4, at: sourceRef }),
        obj<NatDynamicSource>({
          kind: oneOf(['dynamic'] as const),
          acl: opt(str),
          routeMap: opt(str),
          interface: str,
          at: sourceRef,
        }),
        'a NAT inside source: {"kind":"static","local":..,"global":..} or {"kind":"dynamic","acl"|"routeMap":..,"interface":..}',
      ),
    ),
    () => [],
  ),
  timeouts: orDefault(
    obj<NatTimeouts>({
      timeout: opt(natTimeout),
      tcp: opt(natTimeout),
      udp: opt(natTimeout),
      icmp: opt(natTimeout),
      dns: opt(natTimeout),
      finrst: opt(natTimeout),
      syn: opt(natTimeout),
    }),
    () => ({}),
  ),
  pixNat: orDefault(
    arr(
      obj<PixNat>({
        interface: str,
        id: int(0, 65535),
        acl: opt(str),
        network: opt(ipv4),
        mask: opt(ipv4),
        at: sourceRef,
      }),
    ),
    () => [],
  ),
  pixGlobal: orDefault(
    arr(
      obj<PixGlobal>({
        interface: str,
        id: int(1, 65535),
        address: (v, p) => (v === 'interface' ? 'interface' : ipv4(v, p)),
        last: opt(ipv4),
        at: sourceRef,
      }),
    ),
    () => [],
  ),
});

const mapEntryFields = {
  map: str,
  seq: int(1, 65535),
  peers: orDefault(arr(ipv4), () => []),
  transformSets: orDefault(arr(str), () => []),
  pfsGroup: opt(dhGroup),
  lifetime: opt(lifetime),
  matchAddress: opt(str),
  ikev2Profile: opt(str),
  at: opt(sourceRef),
};

const ikev2Integrity = oneOf(['md5', 'sha1', 'sha256', 'sha384', 'sha512'] as const);
const ikev2Identity: Check<Ikev2IdentityConfig & { mask?: string }> = (v, p) => {
  const kind = typeof v === 'object' && v !== null && 'kind' in v ? (v as { kind: unknown }).kind : undefined;
  if (kind === 'address') {
    return obj<{ kind: 'address'; address: string; mask?: string }>({
      kind: oneOf(['address'] as const),
      address: ipv4,
      mask: opt(ipv4),
    })(v, p);
  }
  return obj<{ kind: 'fqdn' | 'email'; name: string }>({
    kind: oneOf(['fqdn', 'email'] as const),
    name: str,
  })(v, p);
};
const ikev2Settings = obj<Ikev2Settings>({
  proposals: orDefault(
    arr(
      obj<Ikev2ProposalConfig>({
        name: str,
        encryption: arr(
          oneOf(['aes-cbc-128', 'aes-cbc-192', 'aes-cbc-256', '3des', 'aes-gcm-128', 'aes-gcm-256'] as const),
        ),
        integrity: orDefault(arr(ikev2Integrity), () => []),
        prf: orDefault(arr(ikev2Integrity), () => []),
        groups: arr(dhGroup),
        at: opt(sourceRef),
      }),
    ),
    () => [],
  ),
  policies: orDefault(
    arr(
      obj<Ikev2PolicyConfig>({
        name: str,
        proposals: arr(str),
        matchLocalAddresses: orDefault(arr(ipv4), () => []),
        at: opt(sourceRef),
      }),
    ),
    () => [],
  ),
  keyrings: orDefault(
    arr(
      obj<Ikev2Keyring>({
        name: str,
        peers: arr(
          obj<Ikev2KeyringPeer>({
            name: str,
            address: opt(ipv4),
            mask: opt(ipv4),
            identity: opt(ikev2Identity),
            localKey: opt(str),
            remoteKey: opt(str),
            at: opt(sourceRef),
          }),
        ),
        at: opt(sourceRef),
      }),
    ),
    () => [],
  ),
  profiles: orDefault(
    arr(
      obj<Ikev2ProfileConfig>({
        name: str,
        matchRemote: orDefault(arr(ikev2Identity), () => []),
        localIdentity: opt(ikev2Identity),
        authenticationLocal: opt(oneOf(['pre-share', 'rsa-sig'] as const)),
        authenticationRemote: orDefault(arr(oneOf(['pre-share', 'rsa-sig'] as const)), () => []),
        keyring: opt(str),
        lifetimeSeconds: opt(int(120, 86400)),
        at: opt(sourceRef),
      }),
    ),
    () => [],
  ),
});

const routerConfig = (defaultFile: string): Check<RouterConfig> =>
  obj<RouterConfig>({
    dialect: orDefault(oneOf(['ios', 'pix'] as const), () => 'ios' as const),
    ikev2: opt(ikev2Settings),
    file: orDefault(str, () => defaultFile),
    hostname: orDefault(str, () => ''),
    isakmpPolicies: orDefault(
      arr(
        obj({
          priority: int(1, 65535),
          encryption: orDefault(
            oneOf(['des', '3des', 'aes', 'aes192', 'aes256'] as const),
            () => DEFAULT_ISAKMP_POLICY.encryption,
          ),
          hash: orDefault(
            oneOf(['md5', 'sha', 'sha256', 'sha384', 'sha512'] as const),
            () => DEFAULT_ISAKMP_POLICY.hash,
          ),
          authentication: orDefault(
            oneOf(['pre-share', 'rsa-sig', 'rsa-encr', 'rsa-encr-revised'] as const),
            () => DEFAULT_ISAKMP_POLICY.authentication,
          ),
          group: orDefault(dhGroup, () => DEFAULT_ISAKMP_POLICY.group),
          lifetimeSeconds: orDefault(int(60, 86400), () => DEFAULT_ISAKMP_POLICY.lifetimeSeconds),
          at: opt(sourceRef),
        }),
      ),
      () => [],
    ),
    presharedKeys: orDefault(
      arr(
        obj({
          key: str,
          address: opt(ipv4),
          netmask: opt(netmask),
          hostname: opt(str),
          group: opt(str),
          noXauth: orDefault(bool, () => false),
          noConfigMode: orDefault(bool, () => false),
          at: opt(sourceRef),
        }),
      ),
      () => [],
    ),
    isakmp: orDefault<RouterConfig['isakmp']>(
      obj({
        identity: orDefault(oneOf(['address', 'hostname', 'dn'] as const), () => 'address' as const),
        keepalive: opt(
          obj({
            seconds: int(10, 3600),
            retry: int(2, 60),
            mode: opt(oneOf(['periodic', 'on-demand'] as const)),
          }),
        ),
        clientAddressPool: opt(str),
        enabledInterfaces: orDefault(arr(str), () => []),
        clientAddressPoolInterface: opt(str),
        sourceLines: opt(
          obj({
            identity: opt(int(0, 10_000_000)),
            keepalive: opt(int(0, 10_000_000)),
            clientAddressPool: opt(int(0, 10_000_000)),
          }),
        ),
      }),
      () => ({ identity: 'address', enabledInterfaces: [] }),
    ),
    transformSets: orDefault(
      arr(
        obj({
          name: str,
          ah: opt(
            oneOf([
              'ah-md5-hmac',
              'ah-sha-hmac',
              'ah-sha256-hmac',
              'ah-sha384-hmac',
              'ah-sha512-hmac',
            ] as const),
          ),
          espEncryption: opt(oneOf(['esp-des', 'esp-3des', 'esp-aes', 'esp-gcm', 'esp-null'] as const)),
          espKeyBits: opt(oneOf([128, 192, 256] as const)),
          espIntegrity: opt(
            oneOf([
              'esp-md5-hmac',
              'esp-sha-hmac',
              'esp-sha256-hmac',
              'esp-sha384-hmac',
              'esp-sha512-hmac',
            ] as const),
          ),
          compression: opt(oneOf(['comp-lzs', 'comp-deflate'] as const)),
          mode: orDefault(oneOf(['tunnel', 'transport'] as const), () => 'tunnel' as const),
          at: opt(sourceRef),
        }),
      ),
      () => [],
    ),
    globalSaLifetime: orDefault(obj({ seconds: int(120, 86400), kilobytes: int(2560, 536870912) }), () => ({
      ...DEFAULT_SA_LIFETIME,
    })),
    accessLists: orDefault(
      arr(
        obj({
          name: str,
          entries: arr(
            obj({
              action: oneOf(['permit', 'deny'] as const),
              protocol: either(
                oneOf(['ip', 'tcp', 'udp', 'icmp', 'gre', 'esp', 'ahp'] as const),
                int(0, 255),
                'a protocol name (ip, tcp, udp, icmp, gre, esp, ahp) or number 0-255',
              ),
              source: aclAddress,
              sourcePort: opt(portMatch),
              destination: aclAddress,
              destinationPort: opt(portMatch),
              at: opt(sourceRef),
            }),
          ),
        }),
      ),
      () => [],
    ),
    cryptoMaps: orDefault(
      arr(
        obj({
          ...mapEntryFields,
          kind: orDefault(oneOf(['ipsec-isakmp', 'dynamic'] as const), () => 'ipsec-isakmp' as const),
          dynamicMap: opt(str),
          discover: opt(bool),
        }),
      ),
      () => [],
    ),
    cryptoMapSettings: orDefault(
      arr(
        obj({
          name: str,
          localAddressInterface: opt(str),
          clientAuthenticationList: opt(str),
          clientConfiguration: opt(oneOf(['initiate', 'respond'] as const)),
          isakmpAuthorizationList: opt(str),
          clientConfigurationModes: opt(arr(oneOf(['initiate', 'respond'] as const))),
          clientAuthenticationServer: opt(str),
          sourceLines: opt(
            obj({
              localAddress: opt(int(0, 10_000_000)),
              clientAuthentication: opt(int(0, 10_000_000)),
              clientConfiguration: opt(int(0, 10_000_000)),
              isakmpAuthorization: opt(int(0, 10_000_000)),
            }),
          ),
        }),
      ),
      () => [],
    ),
    dynamicMaps: orDefault(arr(obj({ ...mapEntryFields, name: str })), () => []),
    interfaces: orDefault(
      arr(
        obj({
          name: str,
          address: opt(ipv4),
          netmask: opt(netmask),
          cryptoMap: opt(str),
          tunnel: opt(
            obj({
              source: opt(str),
              destination: opt(ipv4),
              mode: opt(str),
              key: opt(int(0, 4294967295)),
              sequenceDatagrams: opt(bool),
              checksum: opt(bool),
            }),
          ),
          keepalive: opt(obj({ period: int(1, 32767), retries: int(1, 255) })),
          ipMtu: opt(int(68, 65535)),
          tcpAdjustMss: opt(int(500, 1460)),
          shutdown: orDefault(bool, () => false),
          at: opt(sourceRef),
          hardware: opt(str),
          securityLevel: opt(int(0, 100)),
          unnumbered: opt(str),
          peerPool: opt(str),
          pppAuthentication: opt(arr(oneOf(['chap', 'ms-chap'] as const))),
          nat: opt(oneOf(['inside', 'outside'] as const)),
          policyRouteMap: opt(str),
        }),
      ),
      () => [],
    ),
    localPools: orDefault(arr(obj({ name: str, first: ipv4, last: ipv4 })), () => []),
    clientGroups: opt(
      arr(
        obj({
          name: str,
          dns: opt(arr(ipv4)),
          wins: opt(arr(ipv4)),
          domain: opt(str),
          pool: opt(str),
          splitAcl: opt(str),
          savePassword: opt(bool),
          includeLocalLan: opt(bool),
          maxUsers: opt(int(1, 65535)),
          idleSeconds: opt(int(60, 86400)),
          at: opt(sourceRef),
          sourceLines: opt(
            obj({
              pool: opt(int(0, 10_000_000)),
              splitAcl: opt(int(0, 10_000_000)),
              includeLocalLan: opt(int(0, 10_000_000)),
              maxUsers: opt(int(0, 10_000_000)),
              idleSeconds: opt(int(0, 10_000_000)),
            }),
          ),
        }),
      ),
    ),
    users: orDefault(arr(obj({ name: str, password: str, passwordType: opt(int(0, 9)) })), () => []),
    trustpoints: orDefault(
      arr(
        obj({
          name: str,
          enrollmentUrl: opt(str),
          crlOptional: opt(bool),
          enrollmentMode: opt(str),
          enrollmentRetryCount: opt(int(1, 100)),
          kind: opt(oneOf(['identity', 'trustpoint'] as const)),
          rsakeypair: opt(str),
        }),
      ),
      () => [],
    ),
    certificates: orDefault(
      arr(
        obj({
          trustpoint: str,
          serial: str,
          role: oneOf(['ca', 'router', 'ra', 'unknown'] as const),
          der: opt(hex),
          at: opt(sourceRef),
        }),
      ),
      () => [],
    ),
    publicKeys: orDefault(
      arr(
        obj({
          kind: oneOf(['named-key', 'addressed-key'] as const),
          name: str,
          address: opt(ipv4),
          usage: opt(oneOf(['encryption', 'signature'] as const)),
          der: opt(hex),
          at: opt(sourceRef),
        }),
      ),
      () => [],
    ),
    aaa: orDefault(arr(obj({ list: str, methods: arr(str), service: opt(str) })), () => []),
    radiusServers: orDefault(
      arr(
        obj({
          host: ipv4,
          key: opt(str),
          authPort: opt(int(0, 65535)),
          timeout: opt(int(1, 1000)),
          retransmit: opt(int(0, 100)),
        }),
      ),
      () => [],
    ),
    radiusTimeout: opt(int(1, 1000)),
    radiusRetransmit: opt(int(0, 100)),
    tacacsServers: opt(
      arr(obj({ host: ipv4, key: opt(str), port: opt(int(1, 65535)), timeout: opt(int(1, 1000)) })),
    ),
    tacacsTimeout: opt(int(1, 1000)),
    ignored: orDefault(arr(obj({ line: int(0, 10_000_000), text: str })), () => []),
    warnings: orDefault(arr(obj({ line: int(0, 10_000_000), message: str })), () => []),
    aaaServers: opt(
      arr(
        obj({
          tag: str,
          protocol: opt(str),
          hosts: arr(obj({ interface: str, host: ipv4, key: opt(str), timeout: opt(int(1, 3600)) })),
        }),
      ),
    ),
    aaaGroupServers: opt(
      arr(
        obj({
          name: str,
          protocol: oneOf(['radius', 'tacacs+'] as const),
          servers: arr(
            obj({
              host: ipv4,
              private: bool,
              port: opt(int(0, 65535)),
              key: opt(str),
              timeout: opt(int(1, 1000)),
              retransmit: opt(int(0, 100)),
            }),
          ),
        }),
      ),
    ),
    hosts: opt(arr(obj({ name: str, address: ipv4 }))),
    staticRoutes: opt(
      arr(
        obj({
          network: ipv4,
          mask: netmask,
          interface: opt(str),
          nextHop: opt(ipv4),
          distance: orDefault(int(1, 255), () => 1),
          at: opt(sourceRef),
        }),
      ),
    ),
    domainName: opt(str),
    vpdn: opt(
      obj({
        enabled: bool,
        groups: arr(
          obj({
            name: str,
            acceptDialin: opt(obj({ protocol: oneOf(['l2tp'] as const), virtualTemplate: int(0, 65535) })),
            tunnelAuthentication: bool,
            hello: opt(int(0, 1000)),
            localName: opt(str),
            at: opt(sourceRef),
          }),
        ),
      }),
    ),
    nat: opt(natConfig),
    routeMaps: opt(
      arr(
        obj<RouteMapEntry>({
          name: str,
          action: oneOf(['permit', 'deny'] as const),
          seq: int(0, 65535),
          matchAcls: orDefault(arr(str), () => []),
          setNextHops: orDefault(arr(ipv4), () => []),
          setInterfaces: orDefault(arr(str), () => []),
          at: sourceRef,
        }),
      ),
    ),
    logging: opt(
      obj({ timestamps: obj({ debug: timestampStyle, log: timestampStyle }), level: opt(int(0, 7)) }),
    ),
  });

function hex(v: unknown, p: string): string {
  return typeof v === 'string' && /^([0-9a-f]{2})*$/.test(v) ? v : fail(p, 'lowercase hex bytes', v);
}

/** What `typeswan check --json` prints around the model; read back as the model it holds. */
const CHECK_OUTPUT_FIELDS = ['config', 'gatewayWouldRefuse', 'inert'];

function isCheckOutput(value: unknown): value is { config: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'config' in value &&
    Object.keys(value).every((k) => CHECK_OUTPUT_FIELDS.includes(k))
  );
}

/**
 * Checks a parsed JSON value against the model (or `check --json` output, whose `config` is
 * the model); throws ConfigError naming the JSON path.
 */
export function validateConfigModel(value: unknown, file: string): RouterConfig {
  try {
    if (isCheckOutput(value)) return routerConfig(file)(value.config, '$.config');
    return routerConfig(file)(value, '$');
  } catch (err) {
    if (err instanceof JsonModelError) {
      throw new ConfigError({
        file,
        line: 0,
        column: 0,
        found: err.found,
        expected: err.expected,
        path: err.path,
        message: `expected ${err.expected}; found ${err.found}`,
      });
    }
    throw err;
  }
}

/** IOS always ends its policy list with the default policy 65535; so does a loaded model. */
function withDefaultPolicy(config: RouterConfig): RouterConfig {
  const policies = [...config.isakmpPolicies].sort((a, b) => a.priority - b.priority);
  if (!policies.some((p) => p.priority === DEFAULT_ISAKMP_POLICY.priority))
    policies.push({ ...DEFAULT_ISAKMP_POLICY });
  return { ...config, isakmpPolicies: policies };
}

/**
 * Loads a model saved as JSON (e.g. `JSON.stringify(parseConfig(...))`), validates every
 * field and the cross-references. A hand-written model may leave out lists (empty), the
 * dialect (ios), hostname, `isakmp` and `globalSaLifetime` (IOS defaults); the default
 * policy 65535 is appended when missing. A saved model comes back deep-equal.
 */
export function loadConfigJson(text: string, file: string): RouterConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : -1;
    const before = offset >= 0 ? text.slice(0, offset) : '';
    const line = offset >= 0 ? before.split('\n').length : 0;
    const column = offset >= 0 ? offset - before.lastIndexOf('\n') : 0;
    throw new ConfigError({
      file,
      line,
      column,
      found: text.charAt(offset),
      expected: 'valid JSON',
      message: `not valid JSON: ${message}`,
    });
  }
  const config = withDefaultPolicy(validateConfigModel(value, file));
  const first = checkReferences(config)[0];
  if (first) throw first;
  return config;
}
