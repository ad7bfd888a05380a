// The README's install line on a fresh machine: a clone of this repository (HEAD), the
// README's `npm ci && npm install -g .` run as written, with npm's global prefix in a
// temporary folder, then `typeswan --version` and `typeswan lab --list` found on PATH.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../util/fixtures.js';

/** The README's install line: the one starting with `npm ci &&` that puts typeswan on PATH. */
function readmeInstallLine(): string {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const line = readme.split('\n').find((l) => /^npm ci && npm (install -g \.|link)(\s|$)/.test(l));
  if (line === undefined) throw new Error('README.md has no `npm ci && npm install -g .` line');
  return line.replace(/\s+#.*$/, '');
}

function skipReason(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return 'not root: the install test runs in CI as root';
  if (spawnSync('git', ['--version']).status !== 0) return 'git is not installed';
  if (!existsSync(join(projectRoot, '.git'))) return `${projectRoot} is not a git checkout`;
  return undefined;
}

const skip = skipReason();
if (skip !== undefined) console.log(`# install test skipped: ${skip}`);

test('the README install line puts a working typeswan on PATH', { skip, timeout: 600_000 }, () => {
  const line = readmeInstallLine();
  const dir = mkdtempSync(join(tmpdir(), 'tsop-install-'));
  try {
    const clone = join(dir, 'typeswan');
    const prefix = join(dir, 'prefix');
    const cloned = spawnSync('git', ['clone', '--quiet', projectRoot, clone], { encoding: 'utf8' });
    assert.equal(cloned.status, 0, cloned.stderr);
    const env = {
      ...process.env,
      npm_config_prefix: prefix,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const installed = spawnSync('bash', ['-c', line], {
      cwd: clone,
      env,
      encoding: 'utf8',
      timeout: 540_000,
    });
    assert.equal(installed.status, 0, `${line}\n${installed.stdout}\n${installed.stderr}`);

    const path = { ...env, PATH: `${join(prefix, 'bin')}:${process.env['PATH'] ?? ''}` };
    const which = spawnSync('bash', ['-c', 'command -v typeswan'], { env: path, encoding: 'utf8' });
    assert.equal(which.status, 0, 'typeswan is on PATH');
    assert.equal(
      realpathSync(which.stdout.trim()),
      join(realpathSync(clone), 'dist', 'src', 'cli', 'main.js'),
    );

    const pkg = JSON.parse(readFileSync(join(clone, 'package.json'), 'utf8')) as { version: string };
    const version = spawnSync('typeswan', ['--version'], { env: path, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), pkg.version);

    const list = spawnSync('typeswan', ['lab', '--list'], { env: path, encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    assert.match(list.stdout, /^psk\s+Router-to-router IPsec with pre-shared keys/m);
    // The native addon was built by the install script (start needs it).
    assert.ok(existsSync(join(clone, 'build', 'Release', 'typeswan_native.node')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
