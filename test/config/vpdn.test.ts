// Example 13-23's LNS lines (vpdn-group, accept dialin, no l2tp tunnel authentication, the
// Virtual-Template) read into the model, and the later IOS sub-mode form.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/parse.js';
import { loadConfigJson } from '../../src/config/json.js';
import { fixture } from '../util/fixtures.js';

test('Example 13-23 reads as an LNS', () => {
  const c = parseConfig(readFileSync(fixture('chapter/example-13-23.cfg'), 'utf8'), 'example-13-23.cfg');
  assert.equal(c.vpdn?.enabled, true);
  assert.equal(c.vpdn?.groups.length, 1);
  const g = c.vpdn!.groups[0]!;
  assert.equal(g.name, '1');
  assert.deepEqual(g.acceptDialin, { protocol: 'l2tp', virtualTemplate: 1 });
  assert.equal(g.tunnelAuthentication, false);
  const vt = c.interfaces.find((i) => i.name === 'Virtual-Template1');
  assert.equal(vt?.unnumbered, 'Ethernet0');
  assert.equal(vt?.peerPool, 'vpdn');
  assert.deepEqual(vt?.pppAuthentication, ['ms-chap']);
  assert.deepEqual(c.aaa, [{ list: 'default', methods: ['radius', 'local'], service: 'ppp' }]);
  // the model survives its JSON form
  assert.deepEqual(loadConfigJson(JSON.stringify(c), 'x.json').vpdn, c.vpdn);
});

test('the accept-dialin sub-mode of later IOS, hello, local name', () => {
  const c = parseConfig(
    `hostname LNS
vpdn enable
vpdn-group L2TP
 accept-dialin
  protocol l2tp
  virtual-template 2
 l2tp tunnel hello 30
 local name gw
 no l2tp tunnel authentication
interface Virtual-Template2
 ip unnumbered Ethernet0
 ppp authentication chap ms-chap
`,
    'x.cfg',
  );
  const g = c.vpdn!.groups[0]!;
  assert.deepEqual(g.acceptDialin, { protocol: 'l2tp', virtualTemplate: 2 });
  assert.equal(g.hello, 30);
  assert.equal(g.localName, 'gw');
  assert.equal(g.tunnelAuthentication, false);
  assert.deepEqual(c.interfaces.find((i) => i.name === 'Virtual-Template2')?.pppAuthentication, [
    'chap',
    'ms-chap',
  ]);
});
