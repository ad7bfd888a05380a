// RSA-signature authentication between two engines in memory, with certificates strongSwan's
// pki tool issues: main and aggressive mode, both roles, identities by address, FQDN and DN;
// usage keys; and the refusals (untrusted CA, expired, revoked by a CRL, identity not in the
// certificate), each with the notify RFC 2408 §3.14.1 names. A CRL still being fetched holds
// the message until the peer retransmits.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { CertificateBlock, RouterConfig } from '../../src/policy/model.js';
import type { CrlLookup, CrlSource } from '../../src/ike/rsaSig.js';
import { A_WAN, B_WAN, chapterConfigs, eventsOf, Lab, type Node } from './harness.js';
import { pkiSkipReason, SwanPki, type Issued } from '../util/swanPki.js';

const skip = pkiSkipReason();
if (skip) console.log(`*** SKIPPING rsa-sig engine tests: ${skip} ***`);

function block(trustpoint: string, role: CertificateBlock['role'], c: Issued): CertificateBlock {
  return { trustpoint, serial: c.name, role, der: Buffer.from(c.der).toString('hex') };
}

function withCerts(
  c: RouterConfig,
  blocks: readonly CertificateBlock[],
  o: { identity?: RouterConfig['isakmp']['identity']; crlOptional?: boolean; domainName?: string } = {},
): RouterConfig {
  return {
    ...c,
    isakmpPolicies: c.isakmpPolicies.map((p) => ({ ...p, authentication: 'rsa-sig' })),
    presharedKeys: [],
    isakmp: { ...c.isakmp, identity: o.identity ?? 'address' },
    trustpoints: [
      { name: 'labca', kind: 'trustpoint', ...(o.crlOptional === false ? {} : { crlOptional: true }) },
    ],
    certificates: [...blocks],
    ...(o.domainName ? { domainName: o.domainName } : {}),
  };
}

class Crls implements CrlSource {
  readonly asked: string[] = [];
  constructor(private readonly answer: (url: string, n: number) => CrlLookup) {}
  lookup(url: string): CrlLookup {
    this.asked.push(url);
    return this.answer(url, this.asked.length);
  }
}

function notifiesSent(n: Node): string[] {
  return eventsOf(n, 'notifySent').map((e) => e.notify);
}

function established(lab: Lab): boolean {
  return lab.a.installed.length === 1 && lab.b.installed.length === 1;
}

describe('rsa-sig between two engines', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsce-sig-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const pki = new SwanPki(dir);
  const ca = pki.selfSigned('ca', { dn: 'C=XX, O=Lab, CN=Lab Root CA', lifetimeDays: 60 });
  const rogue = pki.selfSigned('rogue', { dn: 'C=XX, O=Lab, CN=Lab Root CA 2', lifetimeDays: 60 });
  const aCert = pki.issue('a', ca, {
    dn: 'C=XX, O=Lab, CN=Initiator.lab.example',
    sans: [A_WAN, 'Initiator.lab.example'],
  });
  const bCert = pki.issue('b', ca, {
    dn: 'C=XX, O=Lab, CN=Responder.lab.example',
    sans: [B_WAN, 'Responder.lab.example'],
    crlUri: 'http://crl.lab.example/lab.crl',
  });
  const start = Date.now() + 60_000; // pki starts validity at the second it issues
  const now = (): number => start;
  const keys = (k: KeyObject): ReadonlyMap<string, KeyObject> => new Map([['labca', k]]);

  function pair(
    o: {
      aBlocks?: CertificateBlock[];
      bBlocks?: CertificateBlock[];
      aKey?: KeyObject;
      bKey?: KeyObject;
      identity?: RouterConfig['isakmp']['identity'];
      aggressive?: boolean;
      aCrls?: CrlSource;
      aCrlOptional?: boolean;
      bCrlOptional?: boolean;
      aNow?: () => number;
    } = {},
  ): Lab {
    const base = chapterConfigs();
    const a = withCerts(base.a, o.aBlocks ?? [block('labca', 'ca', ca), block('labca', 'router', aCert)], {
      ...(o.identity ? { identity: o.identity } : {}),
      ...(o.aCrlOptional === false ? { crlOptional: false } : {}),
      domainName: 'lab.example',
    });
    const b = withCerts(base.b, o.bBlocks ?? [block('labca', 'ca', ca), block('labca', 'router', bCert)], {
      ...(o.identity ? { identity: o.identity } : {}),
      ...(o.bCrlOptional === false ? { crlOptional: false } : {}),
      domainName: 'lab.example',
    });
    return new Lab(
      {
        config: a,
        aggressiveMode: o.aggressive === true,
        pki: {
          signingKeys: keys(o.aKey ?? aCert.key),
          now: o.aNow ?? now,
          ...(o.aCrls ? { crls: o.aCrls } : {}),
        },
      },
      { config: b, pki: { signingKeys: keys(o.bKey ?? bCert.key), now } },
    );
  }

  for (const aggressive of [false, true])
    for (const identity of ['address', 'hostname', 'dn'] as const)
      it(`${aggressive ? 'aggressive' : 'main'} mode, identity ${identity}: CERT and SIG both ways`, () => {
        const lab = pair({ identity, aggressive });
        lab.acquire('a');
        lab.run(30);
        assert.ok(established(lab), JSON.stringify(eventsOf(lab.a, 'drop').concat(eventsOf(lab.b, 'drop'))));
        for (const n of [lab.a, lab.b]) {
          assert.equal(eventsOf(n, 'certApproved').length, 1);
          assert.deepEqual(
            eventsOf(n, 'rsa')
              .map((e) => e.operation)
              .sort(),
            ['sign', 'verify'],
          );
          assert.ok(eventsOf(n, 'authMethod').some((e) => e.method === 'RSA signature'));
        }
        const wantId =
          identity === 'address' ? 'ID_IPV4_ADDR' : identity === 'hostname' ? 'ID_FQDN' : 'ID_DER_ASN1_DN';
        assert.equal(eventsOf(lab.a, 'authMethod').find((e) => e.idType !== undefined)?.idType, wantId);
        // Example 13-9: the method is named once the policy is chosen, before any ID.
        assert.equal(eventsOf(lab.b, 'authMethod')[0]?.idType, undefined);
        if (identity === 'hostname')
          assert.equal(lab.b.engine.listIkeSas()[0]?.peerId, 'Initiator.lab.example');
      });

  it('the responder initiates the next time (main mode, roles swapped)', () => {
    const lab = pair({});
    lab.acquire('b', {
      protocol: 0,
      localStart: '10.1.2.0',
      localEnd: '10.1.2.255',
      localPortStart: 0,
      localPortEnd: 65535,
      remoteStart: '10.1.1.0',
      remoteEnd: '10.1.1.255',
      remotePortStart: 0,
      remotePortEnd: 65535,
    });
    lab.run(30);
    assert.ok(established(lab));
  });

  it('usage keys: the signing certificate of two is the one sent and checked', () => {
    const encr = pki.issue('a-encr', ca, { dn: 'C=XX, O=Lab, CN=Initiator.lab.example', sans: [A_WAN] });
    const lab = pair({
      aBlocks: [block('labca', 'router', encr), block('labca', 'ca', ca), block('labca', 'router', aCert)],
    });
    lab.acquire('a');
    lab.run(30);
    assert.ok(established(lab));
    assert.match(eventsOf(lab.b, 'certApproved')[0]?.subject ?? '', /Initiator/);
  });

  const refusals: {
    name: string;
    setup: (aggressive: boolean) => Lab;
    notify: string;
    reason: RegExp;
    refuser: 'a' | 'b';
  }[] = [
    {
      name: 'a certificate from a CA that is no trust point',
      setup: (aggressive) => {
        const fake = pki.issue('a-rogue', rogue, {
          dn: 'C=XX, O=Lab, CN=Initiator.lab.example',
          sans: [A_WAN],
        });
        return pair({
          aggressive,
          aBlocks: [block('labca', 'ca', ca), block('labca', 'router', fake)],
          aKey: fake.key,
        });
      },
      notify: 'INVALID_CERT_AUTHORITY',
      reason: /trust point/,
      refuser: 'b',
    },
    {
      name: 'an expired certificate',
      setup: (aggressive) => {
        const s = Math.floor(Date.now() / 1000);
        const old = pki.issue('a-old', ca, {
          dn: 'C=XX, O=Lab, CN=Initiator.lab.example',
          sans: [A_WAN],
          notBefore: s - 10 * 86400,
          notAfter: s - 3600,
        });
        return pair({
          aggressive,
          aBlocks: [block('labca', 'ca', ca), block('labca', 'router', old)],
          aKey: old.key,
        });
      },
      notify: 'INVALID_CERTIFICATE',
      reason: /expired/,
      refuser: 'b',
    },
    {
      name: 'a certificate without the identity its ID claims',
      setup: (aggressive) => {
        const other = pki.issue('a-other', ca, {
          dn: 'C=XX, O=Lab, CN=someone.else',
          sans: ['198.51.100.7'],
        });
        return pair({
          aggressive,
          aBlocks: [block('labca', 'ca', ca), block('labca', 'router', other)],
          aKey: other.key,
        });
      },
      notify: 'INVALID_ID_INFORMATION',
      reason: /neither the subject nor a subjectAltName/,
      refuser: 'b',
    },
    {
      name: "a certificate the CA's CRL revokes (crl required, fetched from the CDP)",
      setup: (aggressive) => {
        const crl = pki.crl(ca, [bCert]);
        return pair({
          aggressive,
          aCrlOptional: false,
          aCrls: new Crls(() => ({ state: 'ready', der: crl })),
        });
      },
      notify: 'INVALID_CERTIFICATE',
      reason: /revoked/,
      refuser: 'a',
    },
    {
      name: 'a required CRL that cannot be fetched',
      setup: (aggressive) =>
        pair({
          aggressive,
          aCrlOptional: false,
          aCrls: new Crls(() => ({ state: 'failed', reason: 'HTTP 404' })),
        }),
      notify: 'INVALID_CERTIFICATE',
      reason: /HTTP 404/,
      refuser: 'a',
    },
  ];
  // The refused peer holds the keys by then, so the notify is protected (RFC 2408 §4.8) and it
  // ends the peer's negotiation; a peer that sent its last phase-1 message also gets a DELETE.
  for (const aggressive of [false, true])
    for (const r of refusals)
      it(`refused in ${aggressive ? 'aggressive' : 'main'} mode: ${r.name} (${r.notify}, protected)`, () => {
        const lab = r.setup(aggressive);
        lab.acquire('a');
        lab.run(30);
        assert.equal(lab.a.installed.length + lab.b.installed.length, 0);
        const refuser = lab.node(r.refuser);
        const refused = r.refuser === 'a' ? lab.b : lab.a;
        assert.ok(
          notifiesSent(refuser).includes(r.notify),
          `${r.refuser} sent ${notifiesSent(refuser).join(', ')}`,
        );
        const why = eventsOf(refuser, 'certRefused');
        assert.equal(why.length, 1);
        assert.match(why[0]?.reason ?? '', r.reason);
        assert.ok(
          eventsOf(refused, 'notifyReceived').some((n) => n.notify === r.notify && n.authenticated),
          `the refused side got ${JSON.stringify(eventsOf(refused, 'notifyReceived'))}`,
        );
        const peerDone = aggressive ? r.refuser === 'b' : r.refuser === 'a';
        assert.equal(
          eventsOf(refused, 'deleteReceived').some((e) => e.protocol === 'isakmp'),
          peerDone,
          'a DELETE exactly when the refused message was the last of phase 1',
        );
        assert.equal(eventsOf(refused, 'ikeSaDeleted').length, 1, 'the refused side ended its IKE SA');
        assert.equal(eventsOf(refused, 'retransmit').length, 0, 'the refused side retransmitted');
      });

  it('a CRL still being fetched holds MM6 until the retransmission; then a clean CRL lets it through', () => {
    const clean = pki.crl(ca, []);
    const crls = new Crls((_url, n) => (n < 2 ? { state: 'pending' } : { state: 'ready', der: clean }));
    const lab = pair({ aCrlOptional: false, aCrls: crls });
    lab.acquire('a');
    lab.run(30);
    assert.ok(established(lab));
    assert.ok(crls.asked.every((u) => u === 'http://crl.lab.example/lab.crl'));
    assert.ok(eventsOf(lab.a, 'drop').some((d) => /waiting for the CRL/.test(d.reason)));
  });

  it('a certificate without a CRL distribution point, and not `crl optional`: approved with a warning', () => {
    const lab = pair({ bCrlOptional: false });
    lab.acquire('a');
    lab.run(30);
    assert.ok(established(lab));
    assert.equal(eventsOf(lab.b, 'certApproved')[0]?.warning, 'no CRL distribution point');
    assert.equal(eventsOf(lab.a, 'certApproved')[0]?.warning, undefined); // crl optional
  });
});
