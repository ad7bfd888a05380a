// The resolv.conf `typeswan client --resolv-conf PATH` writes from Mode Config, and what it
// puts back. The expected lines are resolv.conf(5)'s: `search DOMAIN`, `nameserver ADDRESS`.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResolverFile, resolvConfText, searchDomain } from '../../src/cli/resolvConf.js';
import { inTempDir } from '../util/tempDir.js';

const FROM_GATEWAY = { gateway: '192.0.2.2', dns: ['10.2.0.53', '10.2.0.54'], domain: 'lab.example' };

describe('typeswan client resolv.conf', () => {
  it('names the domain as the search list, then each server in the gateway order', () => {
    const lines = resolvConfText(FROM_GATEWAY).split('\n');
    assert.match(lines[0] ?? '', /^# /);
    assert.deepEqual(lines.slice(1), [
      'search lab.example',
      'nameserver 10.2.0.53',
      'nameserver 10.2.0.54',
      '',
    ]);
    assert.ok(!resolvConfText({ gateway: 'g', dns: ['10.0.0.1'] }).includes('search'));
  });

  it('takes the domain only when it is a domain name: the gateway writes no other line', () => {
    assert.equal(searchDomain('lab.example'), 'lab.example');
    assert.equal(searchDomain('lab.example\0'), 'lab.example');
    assert.equal(searchDomain('corp.example.'), 'corp.example.');
    for (const bad of [
      'lab.example\nnameserver 203.0.113.66',
      'a b',
      '-x.example',
      '',
      'x'.repeat(64),
      undefined,
    ])
      assert.equal(searchDomain(bad), undefined, JSON.stringify(bad));
    const text = resolvConfText({ ...FROM_GATEWAY, domain: 'lab.example\nnameserver 203.0.113.66' });
    assert.ok(!text.includes('203.0.113.66') && !text.includes('search'), text);
  });

  it('puts back the file that was there', () => {
    inTempDir('tsw-resolv-', (dir) => {
      const path = join(dir, 'resolv.conf');
      writeFileSync(path, 'nameserver 192.0.2.53\n');
      const file = new ResolverFile(path);
      assert.equal(file.install(FROM_GATEWAY), true);
      assert.match(readFileSync(path, 'utf8'), /^nameserver 10\.2\.0\.53$/m);
      // A second assignment (a new IKE SA) keeps the original, not our first write.
      assert.equal(file.install({ ...FROM_GATEWAY, dns: ['10.2.0.99'] }), true);
      assert.match(readFileSync(path, 'utf8'), /^nameserver 10\.2\.0\.99$/m);
      assert.equal(file.restore(), 'restored');
      assert.equal(readFileSync(path, 'utf8'), 'nameserver 192.0.2.53\n');
      assert.equal(file.restore(), 'untouched');
    });
  });

  it('removes a file it created; leaves alone one changed after it; writes nothing without servers', () => {
    inTempDir('tsw-resolv-', (dir) => {
      const path = join(dir, 'resolv.conf');
      const created = new ResolverFile(path);
      assert.equal(created.install({ gateway: 'g', dns: [] }), false);
      assert.equal(existsSync(path), false);
      created.install(FROM_GATEWAY);
      assert.equal(created.restore(), 'removed');
      assert.equal(existsSync(path), false);
      const taken = new ResolverFile(path);
      taken.install(FROM_GATEWAY);
      writeFileSync(path, 'nameserver 198.51.100.53\n');
      assert.equal(taken.restore(), 'changed');
      assert.equal(readFileSync(path, 'utf8'), 'nameserver 198.51.100.53\n');
    });
  });
});
