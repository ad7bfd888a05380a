// Client groups: IOS `crypto isakmp client configuration group NAME` with dns, wins, domain,
// pool, acl and key, and the PIX 6.x `vpngroup NAME ...` lines; errors name file, line and
// column (counted by hand in the texts below).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfigError,
  loadConfigJson,
  parseConfig,
  planRun,
  validateConfigModel,
} from '../../src/config/index.js';
import { modeConfigOffer, clientGroupNamed } from '../../src/policy/remoteAccess.js';

const IOS = `hostname Concentrator
crypto isakmp client configuration address-pool local mypool
crypto isakmp client configuration group vpngroup
 key group-secret
 dns 10.1.0.10 10.1.0.11
 wins 10.1.0.20
 domain example.com
 pool grouppool
 acl 110
 save-password
access-list 110 permit ip 10.1.0.0 0.0.0.255 any
access-list 110 deny ip any any
access-list 110 permit ip host 10.2.0.5 any
ip local pool mypool 10.1.10.1 10.1.10.254
ip local pool grouppool 10.1.20.1 10.1.20.10
`;

test('IOS: the group sub-commands are read into the group, its key into the pre-shared keys', () => {
  const c = parseConfig(IOS, 'ra.cfg');
  const g = clientGroupNamed(c, 'vpngroup');
  assert.ok(g);
  assert.deepEqual(g.dns, ['10.1.0.10', '10.1.0.11']);
  assert.deepEqual(g.wins, ['10.1.0.20']);
  assert.equal(g.domain, 'example.com');
  assert.equal(g.pool, 'grouppool');
  assert.equal(g.splitAcl, '110');
  assert.equal(g.savePassword, true);
  assert.deepEqual(g.at, { file: 'ra.cfg', line: 3 });
  const key = c.presharedKeys.find((k) => k.group === 'vpngroup');
  assert.equal(key?.key, 'group-secret');
  assert.equal(key?.at?.line, 4);
  // The split networks are the permit entries' sources; the deny entry is not one.
  assert.deepEqual(modeConfigOffer(c, g), {
    group: 'vpngroup',
    dns: ['10.1.0.10', '10.1.0.11'],
    wins: ['10.1.0.20'],
    domain: 'example.com',
    splitInclude: [
      { address: '10.1.0.0', mask: '255.255.255.0' },
      { address: '10.2.0.5', mask: '255.255.255.255' },
    ],
    splitAcl: '110',
    savePassword: true,
  });
  // Group names are compared as the client sends its ID_KEY_ID.
  assert.equal(clientGroupNamed(c, 'VPNGROUP'), undefined);
});

test('PIX 6.x: vpngroup address-pool, dns-server, wins-server, default-domain, split-tunnel, password', () => {
  const c = parseConfig(
    `PIX Version 6.3(3)
nameif ethernet0 outside security0
hostname PIX
access-list 80 permit ip 10.1.1.0 255.255.255.0 10.1.100.0 255.255.255.0
ip local pool vpnpool 10.1.100.240-10.1.100.250
vpngroup vpn3000 address-pool vpnpool
vpngroup vpn3000 dns-server 10.1.1.2
vpngroup vpn3000 wins-server 10.1.1.3 10.1.1.4
vpngroup vpn3000 default-domain cisco.com
vpngroup vpn3000 split-tunnel 80
vpngroup vpn3000 idle-time 1800
vpngroup vpn3000 password ********
vpngroup other password k2
`,
    'pix.cfg',
  );
  assert.equal(c.dialect, 'pix');
  // A numbered PIX list is extended whatever its number (IOS would read 80 as standard).
  assert.deepEqual(
    c.accessLists.find((a) => a.name === '80')?.entries.map((e) => [e.source, e.destination]),
    [
      [
        { address: '10.1.1.0', wildcard: '0.0.0.255' },
        { address: '10.1.100.0', wildcard: '0.0.0.255' },
      ],
    ],
  );
  const g = clientGroupNamed(c, 'vpn3000');
  assert.ok(g);
  assert.equal(g.pool, 'vpnpool');
  assert.deepEqual(g.dns, ['10.1.1.2']);
  assert.deepEqual(g.wins, ['10.1.1.3', '10.1.1.4']);
  assert.equal(g.domain, 'cisco.com');
  assert.equal(g.idleSeconds, 1800);
  assert.deepEqual(modeConfigOffer(c, g).splitInclude, [{ address: '10.1.1.0', mask: '255.255.255.0' }]);
  assert.deepEqual(
    c.presharedKeys.map((k) => [k.group, k.key, k.at?.line]),
    [
      ['vpn3000', '********', 12],
      ['other', 'k2', 13],
    ],
  );
  // idle-time is read, and the gateway says it has no effect, naming the line.
  const plan = planRun(c);
  assert.ok(
    plan.inert.some((w) => w.line === 11 && /vpngroup vpn3000 idle-time 1800 is inert/.test(w.message)),
    JSON.stringify(plan.inert),
  );
});

function throwsAt(text: string, line: number, column: number, found: string, expected: RegExp): void {
  assert.throws(
    () => parseConfig(text, 'g.cfg'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.file, 'g.cfg');
      assert.equal(err.line, line, err.message);
      assert.equal(err.column, column, err.message);
      assert.equal(err.found, found);
      assert.match(err.expected, expected);
      assert.ok(err.message.startsWith(`g.cfg:${line}:${column}: `), err.message);
      return true;
    },
  );
}

const GROUP = 'crypto isakmp client configuration group g\n';

test('IOS group errors name the file, line and column', () => {
  throwsAt(`${GROUP} dns 10.1.0.300\n`, 2, 6, '10.1.0.300', /DNS server address/);
  throwsAt(`${GROUP} dns 10.1.0.1 10.1.0.2 10.1.0.3\n`, 2, 24, '10.1.0.3', /end of line/);
  throwsAt(`${GROUP} wins\n`, 2, 7, '', /WINS server address/);
  throwsAt(`${GROUP} domain bad_name!\n`, 2, 9, 'bad_name!', /domain name/);
  throwsAt(`${GROUP} domain ${'a'.repeat(64)}.com\n`, 2, 9, `${'a'.repeat(64)}.com`, /domain name/);
  throwsAt(`${GROUP} max-users 0\n`, 2, 12, '0', /1-5000/);
  throwsAt(`${GROUP} dnss 10.1.0.1\n`, 2, 2, 'dnss', /dns, wins, domain, pool, acl/);
  // References are checked after reading: the name in the referencing line.
  throwsAt(`${GROUP} pool nopool\n`, 2, 7, 'nopool', /ip local pool/);
  throwsAt(`${GROUP} acl 150\n`, 2, 6, '150', /access list/);
  throwsAt(`${GROUP} acl 120\naccess-list 120 permit ip 10.0.0.0 0.255.0.255 any\n`, 2, 6, '120', /network/);
  const many = Array.from(
    { length: 65 },
    (_, i) => `access-list 130 permit ip host 10.9.0.${i + 1} any`,
  ).join('\n');
  throwsAt(`${GROUP} acl 130\n${many}\n`, 2, 6, '130', /at most 64/);
});

test('PIX vpngroup errors name the file, line and column', () => {
  const pix = 'PIX Version 6.3(3)\nnameif ethernet0 outside security0\n';
  throwsAt(`${pix}vpngroup v dns-server 10.1.1.1 x\n`, 3, 32, 'x', /second DNS server/);
  throwsAt(`${pix}vpngroup v idle-time 5\n`, 3, 22, '5', /60-86400/);
  throwsAt(`${pix}vpngroup v split-tunel 80\n`, 3, 12, 'split-tunel', /split-tunnel/);
  throwsAt(`${pix}vpngroup v address-pool nopool\n`, 3, 25, 'nopool', /ip local pool/);
});

test('include-local-lan is read and refused by the gateway, naming its line; max-users runs', () => {
  const c = parseConfig(`${GROUP} key k\n include-local-lan\n max-users 10\n`, 'g.cfg');
  const g = clientGroupNamed(c, 'g');
  assert.equal(g?.includeLocalLan, true);
  assert.equal(g?.maxUsers, 10);
  const refused = planRun(c).refused.map((r) => [r.line, r.command, r.reason]);
  assert.deepEqual(refused, [
    [
      3,
      'crypto isakmp client configuration group g (include-local-lan)',
      'this client group setting is not supported by this gateway yet',
    ],
  ]);
});

test('a group model survives JSON: the loader knows its fields and checks its bounds', () => {
  const c = parseConfig(IOS, 'ra.cfg');
  const back = validateConfigModel(JSON.parse(JSON.stringify(c)), 'ra.json');
  assert.deepEqual(back.clientGroups, c.clientGroups);
  const group = { name: 'g', dns: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] };
  const load = (groups: unknown[]): unknown =>
    loadConfigJson(JSON.stringify({ ...c, clientGroups: groups }), 'ra.json');
  assert.throws(() => load([group]), /3 DNS servers/);
  const domain = { name: 'g', domain: 'x'.repeat(300) };
  assert.throws(() => load([domain]), /not a domain name/);
});
