// Phase-1 choice (IOS priority order, strict lifetime) and phase-2 choice (transform sets,
// PFS, lenient lifetime). Expected values worked out by hand from the chapter's rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkPhase1,
  choosePhase1,
  phase1OffersFromPolicies,
  type Phase1Offer,
} from '../../src/policy/proposal.js';
import { choosePhase2, type Phase2ProposalOffer } from '../../src/policy/proposalPhase2.js';
import type { IsakmpPolicy, TransformSet } from '../../src/policy/model.js';

const p10: IsakmpPolicy = {
  priority: 10,
  encryption: 'aes256',
  hash: 'sha',
  authentication: 'pre-share',
  group: 14,
  lifetimeSeconds: 28800,
};
const p20: IsakmpPolicy = {
  priority: 20,
  encryption: '3des',
  hash: 'md5',
  authentication: 'pre-share',
  group: 2,
  lifetimeSeconds: 86400,
};
const offer = (n: number, o: Partial<Phase1Offer>): Phase1Offer => ({
  transformNumber: n,
  encryption: '3des',
  hash: 'md5',
  authentication: 'pre-share',
  group: 2,
  lifetimeSeconds: 86400,
  ...o,
});

test('phase 1: local policies in priority order, each against every offered transform', () => {
  const offers = [
    offer(1, {}),
    offer(2, { encryption: 'aes256', hash: 'sha', group: 14, lifetimeSeconds: 3600 }),
  ];
  const c = choosePhase1(offers, [p20, p10]); // given out of order on purpose
  assert.deepEqual(
    c.checks.map((x) => [x.priority, x.transformNumber, x.mismatch?.attribute ?? 'ok']),
    [
      [10, 1, 'encryption'],
      [10, 2, 'ok'],
    ],
  );
  assert.equal(c.chosen?.policy.priority, 10);
  assert.equal(c.chosen?.offer.transformNumber, 2);
});

test('phase 1: the mismatch names the attribute, our value and theirs', () => {
  assert.deepEqual(checkPhase1(offer(1, { hash: 'sha' }), p20), {
    attribute: 'hash',
    ours: 'md5',
    theirs: 'sha',
  });
  assert.deepEqual(checkPhase1(offer(1, { group: 5 }), p20), { attribute: 'group', ours: '2', theirs: '5' });
  assert.deepEqual(checkPhase1(offer(1, { authentication: 'rsa-sig' }), p20), {
    attribute: 'authentication',
    ours: 'pre-share',
    theirs: 'rsa-sig',
  });
  assert.equal(choosePhase1([offer(1, { encryption: 'des' })], [p10, p20]).chosen, undefined);
});

test('phase 1: lifetime is strict (longer refused, equal or shorter or absent accepted)', () => {
  assert.deepEqual(checkPhase1(offer(1, { lifetimeSeconds: 86401 }), p20), {
    attribute: 'lifetime',
    ours: '86400',
    theirs: '86401',
  });
  assert.equal(checkPhase1(offer(1, { lifetimeSeconds: 86400 }), p20), undefined);
  assert.equal(checkPhase1(offer(1, { lifetimeSeconds: 60 }), p20), undefined);
  const { lifetimeSeconds: _drop, ...noLife } = offer(1, {});
  void _drop;
  assert.equal(checkPhase1(noLife, p20), undefined);
});

test('phase 1: the initiator offers one transform per policy, in priority order', () => {
  const o = phase1OffersFromPolicies([p20, p10]);
  assert.deepEqual(
    o.map((x) => [x.transformNumber, x.encryption, x.lifetimeSeconds]),
    [
      [1, 'aes256', 28800],
      [2, '3des', 86400],
    ],
  );
});

const myset: TransformSet = {
  name: 'myset',
  espEncryption: 'esp-3des',
  espIntegrity: 'esp-md5-hmac',
  mode: 'tunnel',
};
const aes: TransformSet = {
  name: 'aes',
  espEncryption: 'esp-aes',
  espKeyBits: 256,
  espIntegrity: 'esp-sha-hmac',
  mode: 'tunnel',
};
const bundle: TransformSet = {
  name: 'bundle',
  ah: 'ah-sha-hmac',
  espEncryption: 'esp-des',
  espIntegrity: 'esp-sha-hmac',
  mode: 'tunnel',
};
const esp3des = (o: object = {}): Phase2ProposalOffer => ({
  proposalNumber: 1,
  protocols: [
    {
      protocol: 'esp',
      transforms: [
        {
          transformNumber: 1,
          algorithm: 'esp-3des',
          integrity: 'esp-md5-hmac',
          mode: 'tunnel',
          lifetimeSeconds: 3600,
          lifetimeKilobytes: 4608000,
          ...o,
        },
      ],
    },
  ],
});

test('phase 2: lenient lifetime, lowered to ours with RESPONDER-LIFETIME; a shorter offer is taken', () => {
  const lower = choosePhase2([esp3des()], {
    transformSets: [myset],
    lifetime: { seconds: 1200, kilobytes: 100000 },
  });
  assert.equal(lower.chosen?.lifetimeSeconds, 1200);
  assert.equal(lower.chosen?.lifetimeKilobytes, 100000);
  assert.equal(lower.chosen?.responderLifetime, true);
  const shorter = choosePhase2([esp3des({ lifetimeSeconds: 600 })], {
    transformSets: [myset],
    lifetime: { seconds: 3600, kilobytes: 4608000 },
  });
  assert.equal(shorter.chosen?.lifetimeSeconds, 600);
  assert.equal(shorter.chosen?.responderLifetime, false);
});

test('phase 2: PFS must match when configured; without it the offered group is accepted', () => {
  const life = { seconds: 3600, kilobytes: 4608000 };
  assert.deepEqual(
    choosePhase2([esp3des({ group: 1 })], { transformSets: [myset], lifetime: life, pfsGroup: 2 }).checks[0]
      ?.mismatch,
    { attribute: 'PFS group', ours: 'group2', theirs: 'group1' },
  );
  assert.deepEqual(
    choosePhase2([esp3des()], { transformSets: [myset], lifetime: life, pfsGroup: 2 }).checks[0]?.mismatch,
    { attribute: 'PFS group', ours: 'group2', theirs: 'no PFS' },
  );
  assert.equal(
    choosePhase2([esp3des({ group: 2 })], { transformSets: [myset], lifetime: life }).chosen?.group,
    2,
  );
});

test('phase 2: transform sets in order, AES key length and AH+ESP bundles', () => {
  const life = { seconds: 3600, kilobytes: 4608000 };
  const aes128: Phase2ProposalOffer = {
    proposalNumber: 1,
    protocols: [
      {
        protocol: 'esp',
        transforms: [
          {
            transformNumber: 1,
            algorithm: 'esp-aes',
            keyBits: 128,
            integrity: 'esp-sha-hmac',
            mode: 'tunnel',
          },
        ],
      },
    ],
  };
  assert.deepEqual(choosePhase2([aes128], { transformSets: [aes], lifetime: life }).checks[0]?.mismatch, {
    attribute: 'key length',
    ours: '256',
    theirs: '128',
  });
  const b: Phase2ProposalOffer = {
    proposalNumber: 2,
    protocols: [
      {
        protocol: 'ah',
        transforms: [
          { transformNumber: 1, algorithm: 'ah-sha-hmac', integrity: 'ah-sha-hmac', mode: 'tunnel' },
        ],
      },
      {
        protocol: 'esp',
        transforms: [{ transformNumber: 1, algorithm: 'esp-des', integrity: 'esp-sha-hmac', mode: 'tunnel' }],
      },
    ],
  };
  const c = choosePhase2([esp3des(), b], { transformSets: [bundle, myset], lifetime: life });
  assert.equal(c.chosen?.transformSet.name, 'myset');
  assert.equal(c.checks[0]?.mismatch?.attribute, 'protocols');
  const only = choosePhase2([b], { transformSets: [myset, bundle], lifetime: life });
  assert.equal(only.chosen?.transformSet.name, 'bundle');
  assert.deepEqual(
    only.chosen?.transforms.map((t) => t.protocol),
    ['ah', 'esp'],
  );
  assert.deepEqual(
    choosePhase2([esp3des({ mode: 'transport' })], { transformSets: [myset], lifetime: life }).checks[0]
      ?.mismatch,
    { attribute: 'encapsulation', ours: 'tunnel', theirs: 'transport' },
  );
});
