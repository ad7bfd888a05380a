// Property: every text either parses (known or ignored commands) or raises ConfigError;
// never another exception. Lines are random printable garbage mixed with token soup from
// the command vocabulary, so that the generator reaches deep into the command parsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConfigError, loadConfigJson, parseConfig } from '../../src/config/index.js';

const WORDS = [
  'crypto',
  'isakmp',
  'ipsec',
  'map',
  'dynamic-map',
  'policy',
  'key',
  'address',
  'netmask',
  'hostname',
  'transform-set',
  'set',
  'peer',
  'match',
  'ipsec-isakmp',
  'dynamic',
  'discover',
  'encr',
  'encryption',
  'hash',
  'group',
  'lifetime',
  'authentication',
  'pre-share',
  'aes',
  '256',
  'esp-aes',
  'esp-sha-hmac',
  'esp-gcm',
  'ah-md5-hmac',
  'mode',
  'transport',
  'interface',
  'ip',
  'access-list',
  'permit',
  'deny',
  'host',
  'any',
  'eq',
  'range',
  'tcp',
  'udp',
  'gre',
  '101',
  '10',
  '1',
  '0',
  '65535',
  '10.0.0.1',
  '0.0.0.255',
  '255.255.255.0',
  '0.0.0.0',
  'certificate',
  'ca',
  'quit',
  'key-string',
  'pubkey-chain',
  'rsa',
  'named-key',
  'addressed-key',
  'local',
  'pool',
  'client',
  'configuration',
  'authentication',
  'list',
  'aaa',
  'username',
  'password',
  'nameif',
  'security0',
  'outside',
  '!',
  ':',
  'end',
  'exit',
  'no',
  'shutdown',
  'tunnel',
  'source',
  'destination',
  'extended',
  'remark',
  '308201BC',
  'A0030201',
  'security-association',
  'seconds',
  'kilobytes',
  'pfs',
  'group14',
  'local-address',
  'radius-server',
  'aaa-server',
  'protocol',
  '(inside)',
  'trustpoint',
  'identity',
  'enrollment',
  'url',
  'chain',
];

const indent = fc.constantFrom('', ' ', '  ', '\t');
const soupLine = fc
  .tuple(indent, fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 8 }))
  .map(([i, w]) => i + w.join(' '));
const garbageLine = fc.string({
  unit: fc.constantFrom(...' !#-.0123456789:abcdefghiklmnopqrstuvwxyzABCDEF()/'.split('')),
  maxLength: 40,
});
const line = fc.oneof({ weight: 3, arbitrary: soupLine }, { weight: 1, arbitrary: garbageLine });
const config = fc.tuple(fc.constantFrom('ios', 'pix', undefined), fc.array(line, { maxLength: 25 }));

test('random configurations parse or raise ConfigError, nothing else', () => {
  fc.assert(
    fc.property(config, ([dialect, lines]) => {
      const text = lines.join('\n');
      try {
        const c = parseConfig(text, 'fuzz.cfg', dialect ? { dialect } : {});
        // whatever parses also survives the JSON round trip
        assert.deepStrictEqual(loadConfigJson(JSON.stringify(c), 'fuzz.json'), c);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        assert.ok(err.line >= 0 && err.column >= 0);
      }
    }),
    { numRuns: 400, seed: 20260528 },
  );
});

test('random printable lines alone', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ maxLength: 60 }), { maxLength: 10 }), (lines) => {
      try {
        parseConfig(lines.join('\n'), 'g.cfg');
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
      }
    }),
    { numRuns: 300, seed: 7 },
  );
});
