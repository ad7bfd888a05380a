// The IKE engine reads a crypto ACL the way the SPD does (src/policy): a responder accepts
// proxy identities only when every packet they cover would be protected, so `neq 80` and a
// deny line ahead of a permit are honoured; an initiator never asks for more than its ACL.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/index.js';
import { aclRules } from '../../src/policy/index.js';
import type { AccessList, TrafficSelector } from '../../src/policy/model.js';
import { chapterConfigs, eventsOf, Lab, SELECTOR_A } from './harness.js';

function acl(lines: string): AccessList {
  const list = parseConfig(lines, 'acl.cfg').accessLists[0];
  assert.ok(list);
  return list;
}

/** A's view: A_LAN 10.1.1.0/24 -> B_LAN 10.1.2.0/24. */
const tcp = (localPort: number, remotePort: number): TrafficSelector => ({
  ...SELECTOR_A,
  protocol: 6,
  localPortStart: localPort,
  localPortEnd: localPort === 0 ? 65535 : localPort,
  remotePortStart: remotePort,
  remotePortEnd: remotePort === 0 ? 65535 : remotePort,
});

function negotiate(responderAcl: AccessList, offer: TrafficSelector): Lab {
  const { a, b } = chapterConfigs({ b: { acl: responderAcl } });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a', offer);
  lab.run(60);
  return lab;
}

// B's ACL from B's side: source B_LAN, destination A_LAN; "neq 80" on A's (remote) port.
const NEQ_80 = 'access-list 101 permit tcp 10.1.2.0 0.0.0.255 10.1.1.0 0.0.0.255 neq 80\n';

test('responder: permit tcp ... neq 80 refuses a proxy ID for port 80', () => {
  const lab = negotiate(acl(NEQ_80), tcp(80, 0));
  assert.equal(lab.b.installed.length, 0, 'no SA for traffic the SPD sends in clear');
  assert.equal(lab.a.installed.length, 0);
  assert.equal(eventsOf(lab.b, 'notifySent')[0]?.notify, 'INVALID_ID_INFORMATION');
});

test('responder: permit tcp ... neq 80 accepts a proxy ID for port 443', () => {
  const lab = negotiate(acl(NEQ_80), tcp(443, 0));
  assert.equal(lab.b.installed.length, 1);
  assert.equal(lab.a.installed.length, 1);
});

test('responder: a deny line ahead of the permit refuses an offer it reaches', () => {
  const list = acl(
    'access-list 101 deny ip host 10.1.2.5 10.1.1.0 0.0.0.255\n' +
      'access-list 101 permit ip 10.1.2.0 0.0.0.255 10.1.1.0 0.0.0.255\n',
  );
  const lab = negotiate(list, SELECTOR_A);
  assert.equal(lab.b.installed.length, 0, '10.1.2.5 is bypassed by the SPD, so no SA may cover it');
  assert.equal(eventsOf(lab.b, 'notifySent')[0]?.notify, 'INVALID_ID_INFORMATION');
  const refusal = eventsOf(lab.b, 'proxyIdRefused')[0];
  assert.match(refusal?.ours ?? '', /deny line 1 of access list 101/);
  // the upper half of B_LAN does not contain 10.1.2.5: accepted
  const upper = negotiate(list, { ...SELECTOR_A, remoteStart: '10.1.2.128' });
  assert.equal(upper.b.installed.length, 1);
});

test('initiator: a port range of the ACL is never widened to "any port" in IDci/IDcr', () => {
  // A's SPD rule for "neq 80" on the remote port: 0-79 (and 81-65535)
  const { a, b } = chapterConfigs({
    a: { acl: acl('access-list 101 permit tcp 10.1.1.0 0.0.0.255 10.1.2.0 0.0.0.255 neq 80\n') },
  });
  const lab = new Lab({ config: a }, { config: b });
  lab.acquire('a', { ...SELECTOR_A, protocol: 6, remotePortStart: 0, remotePortEnd: 79 });
  lab.run(60);
  const quick = eventsOf(lab.a, 'packet').filter(
    (p) => p.direction === 'sent' && p.exchange === 'QUICK_MODE',
  );
  assert.equal(quick.length, 0, 'no quick mode asking the peer for port 80 too');
  assert.equal(lab.b.installed.length, 0);
  const deleted = eventsOf(lab.a, 'nodeDeleted')[0];
  assert.match(deleted?.reason ?? '', /remote port range 0-79 cannot be carried in an IKEv1 identity/);
});

test('mirrored ACLs with a deny ahead of the permit: the initiator asks only for what both protect', () => {
  // A: deny 10.1.1.5 -> B_LAN, permit A_LAN -> B_LAN; B the mirror. A's SPD rule for the
  // permit line is cut around 10.1.1.5, so the quick mode for it is one B accepts.
  const { a, b } = chapterConfigs({
    a: {
      acl: acl(
        'access-list 101 deny ip host 10.1.1.5 10.1.2.0 0.0.0.255\n' +
          'access-list 101 permit ip 10.1.1.0 0.0.0.255 10.1.2.0 0.0.0.255\n',
      ),
    },
    b: {
      acl: acl(
        'access-list 101 deny ip 10.1.2.0 0.0.0.255 host 10.1.1.5\n' +
          'access-list 101 permit ip 10.1.2.0 0.0.0.255 10.1.1.0 0.0.0.255\n',
      ),
    },
  });
  const lab = new Lab({ config: a }, { config: b });
  const rule = aclRules(a.accessLists[0]!).find((r) => r.action === 'protect');
  assert.deepEqual([rule?.selector.localStart, rule?.selector.localEnd], ['10.1.1.0', '10.1.1.4']);
  lab.acquire('a', rule!.selector);
  lab.run(60);
  assert.equal(lab.b.installed.length, 1);
  assert.equal(lab.a.installed.length, 1);
});
