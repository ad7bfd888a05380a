// The files for running typeswan as a service (service/): the systemd unit passes
// `systemd-analyze verify` (with its ExecStart pointed at this build) and asks for what
// `start` checks (the three capabilities, a reload by SIGHUP); the man page renders with
// `man -l` and every command it names exists in the CLI; the bash completion, sourced in bash,
// completes commands, IOS words and option values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../util/fixtures.js';
import { cliMissing, cliPath, runTypeswan } from './runCli.js';
import { parseShowWords } from '../../src/cli/show.js';
import { parseInitiateWords } from '../../src/cli/initiate.js';

const service = (name: string): string => join(projectRoot, 'service', name);
const has = (command: string): boolean => spawnSync('bash', ['-c', `command -v ${command}`]).status === 0;
const missing = cliMissing();

test('the unit: instance configuration, restart, reload by SIGHUP, capabilities, a service user', () => {
  const unit = readFileSync(service('typeswan@.service'), 'utf8');
  const value = (key: string): string | undefined => new RegExp(`^${key}=(.*)$`, 'm').exec(unit)?.[1];
  assert.equal(
    value('ExecStart'),
    '/usr/bin/typeswan start -c /etc/typeswan/%i.cfg --control /run/typeswan/%i.sock --debug none --log-format journal',
  );
  assert.equal(value('ExecReload'), '/bin/kill -HUP $MAINPID');
  assert.equal(value('Restart'), 'on-failure');
  assert.equal(value('User'), 'typeswan');
  // What start.ts checks before it runs (missingCapabilities), and nothing more.
  for (const key of ['AmbientCapabilities', 'CapabilityBoundingSet'])
    assert.equal(value(key), 'CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE', key);
  assert.match(readFileSync(service('typeswan.sysusers'), 'utf8'), /^u typeswan - /m);
});

test(
  'systemd-analyze verify accepts the unit',
  { skip: !has('systemd-analyze') ? 'systemd-analyze is not installed' : missing },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsop-unit-'));
    try {
      // The unit as installed, with ExecStart on this build (verify checks that it is executable).
      const unit = readFileSync(service('typeswan@.service'), 'utf8').replace(
        '/usr/bin/typeswan',
        `${process.execPath} ${cliPath}`,
      );
      writeFileSync(join(dir, 'typeswan@r1.service'), unit);
      // Documentation=man:typeswan(8) is checked too: the man page is found on MANPATH.
      mkdirSync(join(dir, 'man', 'man8'), { recursive: true });
      writeFileSync(join(dir, 'man', 'man8', 'typeswan.8'), readFileSync(service('typeswan.8')));
      const result = spawnSync('systemd-analyze', ['verify', join(dir, 'typeswan@r1.service')], {
        encoding: 'utf8',
        env: { ...process.env, MANPATH: join(dir, 'man') },
      });
      const ours = result.stderr
        .split('\n')
        .filter((l) => l.includes('typeswan'))
        .join('\n');
      assert.equal(result.status, 0, ours);
      assert.equal(ours, '', 'no complaint about the unit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'man -l renders the man page; every command it names exists',
  { skip: !has('man') ? 'man is not installed' : missing },
  () => {
    const rendered = spawnSync('man', ['-l', service('typeswan.8')], {
      encoding: 'utf8',
      env: { ...process.env, MANWIDTH: '100', MAN_KEEP_FORMATTING: '', LC_ALL: 'C.UTF-8' },
    });
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.equal(rendered.stderr, '');
    const text = rendered.stdout;
    for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'LOGGING', 'EXIT STATUS'])
      assert.match(text, new RegExp(`^${section}$`, 'm'), section);
    const synopsis = text.slice(text.indexOf('SYNOPSIS'), text.indexOf('DESCRIPTION'));
    const commands = [...synopsis.matchAll(/^ +typeswan +([a-z-]+)/gm)].map((m) => m[1] ?? '');
    assert.deepEqual(commands, [
      'start',
      'check',
      'lab',
      'decode',
      'show',
      'clear',
      'debug',
      'undebug',
      'initiate',
      'list-sas',
      'counters',
      'events',
      'reload',
    ]);
    for (const command of commands)
      assert.equal(runTypeswan([command, '--help']).status, 0, `${command} --help`);
    // The show commands of COMMANDS and the EXAMPLES' show and initiate lines parse.
    const shows = [...text.matchAll(/^ {7}show (crypto [a-z -]+?|debug)(?: \[|,|$)/gm)].map(
      (m) => m[1] ?? '',
    );
    assert.ok(shows.length >= 6, shows.join(' | '));
    for (const words of shows) assert.doesNotThrow(() => parseShowWords(words.trim().split(' ')), words);
    assert.deepEqual(parseInitiateWords(['crypto', 'map', 'vpn', '10']), { map: 'vpn', seq: 10 });
    assert.match(text, /^ +typeswan initiate crypto map vpn 10 --control \/run\/typeswan\/r1\.sock$/m);
    for (const option of [...synopsis.matchAll(/(--[a-z-]+)/g)].map((m) => m[1] ?? '')) {
      const owners = commands.filter((c) => runTypeswan([c, '--help']).stdout.includes(option));
      assert.ok(owners.length > 0, `${option} is an option of some command`);
    }
  },
);

function complete(words: readonly string[]): string[] {
  const script = [
    `source ${JSON.stringify(service('typeswan.bash'))}`,
    `COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_typeswan',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.split('\n').filter((l) => l !== '');
}

test('bash completion: commands, IOS words, option values', () => {
  assert.deepEqual(complete(['typeswan', 's']), ['start', 'show']);
  assert.deepEqual(complete(['typeswan', 'show', 'crypto', '']), [
    'isakmp',
    'ipsec',
    'map',
    'session',
    'engine',
    'ca',
    'key',
  ]);
  assert.deepEqual(complete(['typeswan', 'show', 'crypto', 'engine', 'c']), ['connections']);
  assert.deepEqual(complete(['typeswan', 'show', 'crypto', 'key', 'mypubkey', '']), ['rsa']);
  assert.deepEqual(complete(['typeswan', 'show', '--control', '/run/x.sock', 'crypto', 'ses']), ['session']);
  assert.deepEqual(complete(['typeswan', 'clear', 'crypto', '']), ['sa', 'isakmp']);
  assert.deepEqual(complete(['typeswan', 'debug', 'crypto', 'isakmp', 'e']), ['engine']);
  assert.deepEqual(complete(['typeswan', 'undebug', '']), ['all']);
  assert.deepEqual(complete(['typeswan', 'initiate', 'crypto', '']), ['map']);
  assert.deepEqual(complete(['typeswan', 'start', '--log-format', 'j']), ['journal', 'json']);
  assert.deepEqual(complete(['typeswan', 'start', '--log-l']), ['--log-level']);
  assert.deepEqual(complete(['typeswan', 'lab', 'n']), ['nat-t']);
  // Every command it offers is one of the CLI's.
  for (const command of complete(['typeswan', '']).filter((c) => !c.startsWith('-')))
    if (missing === undefined) assert.equal(runTypeswan([command, '--help']).status, 0, command);
});
