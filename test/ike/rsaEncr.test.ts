// RSA encrypted nonce authentication (RFC 2409 §5.2, method 4; §5.3 revised mode, method 5)
// between two engines in memory: main and aggressive mode, both roles, the peer's key by
// hostname identity (named-key) and by address (addressed-key), usage keys, HASH(1) when the
// chain holds several keys for the peer, and the refusals (no key for the peer, the peer
// holding another private key).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { IkeAuthentication, PublicKeyEntry, RouterConfig } from '../../src/policy/model.js';
import { A_WAN, B_WAN, chapterConfigs, eventsOf, Lab } from './harness.js';

function rsaKey(bits = 1024): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
}

const A_KEY = rsaKey();
const B_KEY = rsaKey();
const OTHER_KEY = rsaKey();

/** The key-string bytes IOS prints: the SubjectPublicKeyInfo DER, as hex. */
function publicDer(k: KeyObject): string {
  return createPublicKey(k).export({ format: 'der', type: 'spki' }).toString('hex');
}

function withEncr(
  c: RouterConfig,
  method: IkeAuthentication,
  hostname: string,
  keys: readonly PublicKeyEntry[],
  hosts: RouterConfig['hosts'],
  identity: RouterConfig['isakmp']['identity'],
): RouterConfig {
  return {
    ...c,
    hostname,
    domainName: 'cisco.com',
    isakmpPolicies: c.isakmpPolicies.map((p) => ({ ...p, authentication: method, group: 2 })),
    presharedKeys: [],
    isakmp: { ...c.isakmp, identity },
    publicKeys: [...keys],
    ...(hosts ? { hosts } : {}),
  };
}

interface PairOptions {
  method?: IkeAuthentication;
  aggressive?: boolean;
  by?: 'name' | 'address';
  /** The key A holds for B (default B's real key). */
  aHoldsForB?: KeyObject;
  aKeys?: readonly KeyObject[];
  bKeys?: readonly KeyObject[];
  /** Extra pubkey-chain entries on A. */
  aExtra?: readonly PublicKeyEntry[];
}

function pair(o: PairOptions = {}): Lab & { configs: { a: RouterConfig; b: RouterConfig } } {
  const base = chapterConfigs();
  const method = o.method ?? 'rsa-encr';
  const byName = (o.by ?? 'name') === 'name';
  const keyFor = (name: string, address: string, k: KeyObject): PublicKeyEntry =>
    byName
      ? { kind: 'named-key', name, der: publicDer(k) }
      : { kind: 'addressed-key', name: address, address, der: publicDer(k) };
  const a = withEncr(
    base.a,
    method,
    'wan2511',
    [keyFor('wan2516.cisco.com', B_WAN, o.aHoldsForB ?? B_KEY), ...(o.aExtra ?? [])],
    [{ name: 'wan2516.cisco.com', address: B_WAN }],
    byName ? 'hostname' : 'address',
  );
  const b = withEncr(
    base.b,
    method,
    'wan2516',
    [keyFor('wan2511.cisco.com', A_WAN, A_KEY)],
    [{ name: 'wan2511.cisco.com', address: A_WAN }],
    byName ? 'hostname' : 'address',
  );
  const lab = new Lab(
    { config: a, aggressiveMode: o.aggressive === true, decryptionKeys: o.aKeys ?? [A_KEY] },
    { config: b, decryptionKeys: o.bKeys ?? [B_KEY] },
  );
  return Object.assign(lab, { configs: { a, b } });
}

function established(lab: Lab): boolean {
  return lab.a.installed.length === 1 && lab.b.installed.length === 1;
}

describe('rsa-encr between two engines', () => {
  for (const method of ['rsa-encr', 'rsa-encr-revised'] as const)
    for (const aggressive of [false, true])
      for (const by of ['name', 'address'] as const)
        it(`${method}, ${aggressive ? 'aggressive' : 'main'} mode, key by ${by}: both ends authenticated`, () => {
          const lab = pair({ method, aggressive, by });
          lab.acquire('a');
          lab.run(30);
          const drops = JSON.stringify([...eventsOf(lab.a, 'drop'), ...eventsOf(lab.b, 'drop')]);
          const fails = JSON.stringify([...eventsOf(lab.a, 'authFailed'), ...eventsOf(lab.b, 'authFailed')]);
          assert.ok(established(lab), `${drops} ${fails}`);
          const description = method === 'rsa-encr' ? 'RSA encryption' : 'revised RSA encryption';
          for (const n of [lab.a, lab.b]) {
            assert.equal(eventsOf(n, 'authenticated').length, 1);
            assert.ok(eventsOf(n, 'authMethod').every((e) => e.method === description));
          }
          if (by === 'name') {
            assert.equal(lab.b.engine.listIkeSas()[0]?.peerId, 'wan2511.cisco.com');
            assert.equal(lab.a.engine.listIkeSas()[0]?.peerId, 'wan2516.cisco.com');
          }
        });

  it('the responder with usage keys decrypts with the key HASH(1) names', () => {
    // A holds two keys for B (an encryption key and a general one): it sends HASH(1) of the
    // one it encrypts to; B holds both private keys and must pick the right one.
    const lab = pair({
      aExtra: [{ kind: 'addressed-key', name: B_WAN, address: B_WAN, der: publicDer(OTHER_KEY) }],
      aHoldsForB: B_KEY,
      bKeys: [OTHER_KEY, B_KEY],
    });
    lab.acquire('a');
    lab.run(30);
    assert.ok(established(lab));
  });

  it('a key marked signature is never encrypted to', () => {
    const lab = pair({
      aExtra: [
        { kind: 'named-key', name: 'wan2516.cisco.com', usage: 'signature', der: publicDer(OTHER_KEY) },
      ],
    });
    lab.acquire('a');
    lab.run(30);
    assert.ok(established(lab));
  });

  for (const aggressive of [false, true])
    it(`${aggressive ? 'aggressive' : 'main'} mode: a wrong public key for the peer fails with AUTHENTICATION-FAILED`, () => {
      const lab = pair({ aggressive, aHoldsForB: OTHER_KEY });
      lab.acquire('a');
      lab.run(30);
      assert.ok(!established(lab));
      const notifies = [...eventsOf(lab.a, 'notifySent'), ...eventsOf(lab.b, 'notifySent')].map(
        (e) => e.notify,
      );
      assert.ok(notifies.includes('AUTHENTICATION_FAILED'), JSON.stringify(notifies));
    });

  it("keys re-read at a reload: the responder's new key pair serves the next negotiation", () => {
    // B starts with a key pair A holds no public key for, as before a `crypto key generate`.
    const lab = pair({ bKeys: [OTHER_KEY] });
    const bConfig = lab.configs.b;
    lab.acquire('a');
    lab.run(30);
    assert.ok(!established(lab));
    lab.b.engine.useKeys({ signingKeys: new Map(), decryptionKeys: [B_KEY] });
    lab.apply(lab.b, lab.b.engine.reconfigure(bConfig, lab.now));
    lab.acquire('a');
    lab.run(lab.now + 60);
    assert.ok(established(lab), JSON.stringify(eventsOf(lab.a, 'ikeSaDeleted')));
  });

  it('no key for the peer: the initiator says so and sends nothing encrypted', () => {
    const base = chapterConfigs();
    const a = withEncr(base.a, 'rsa-encr', 'wan2511', [], undefined, 'hostname');
    const b = withEncr(base.b, 'rsa-encr', 'wan2516', [], undefined, 'hostname');
    const lab = new Lab({ config: a, decryptionKeys: [A_KEY] }, { config: b, decryptionKeys: [B_KEY] });
    lab.acquire('a');
    lab.run(30);
    assert.ok(!established(lab));
    assert.ok(
      eventsOf(lab.a, 'ikeSaDeleted').some((e) => /no public key for 172\.16\.172\.20/.test(e.reason)),
      JSON.stringify(eventsOf(lab.a, 'ikeSaDeleted')),
    );
  });
});
