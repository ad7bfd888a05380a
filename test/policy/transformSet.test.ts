// Transform sets in data-plane names, key sizes from the RFCs (2405, 2451, 3602, 4106, 2403/2404/4868).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import { transformSetAlgorithms } from '../../src/policy/index.js';
import { fixture } from '../util/fixtures.js';

test('chapter and modern transform sets', () => {
  const modern = parseConfig(
    readFileSync(fixture('configs/good-modern-ios.cfg'), 'utf8'),
    'r1.cfg',
  ).transformSets;
  const lab = parseConfig(readFileSync(fixture('chapter/example-13-07.cfg'), 'utf8'), 'l.cfg').transformSets;
  const l2tp = parseConfig(
    readFileSync(fixture('chapter/example-13-23.cfg'), 'utf8'),
    'lns.cfg',
  ).transformSets;
  const one = parseConfig(readFileSync(fixture('chapter/example-13-01.cfg'), 'utf8'), 'i.cfg').transformSets;
  const get = (list: typeof modern, name: string) => {
    const t = list.find((x) => x.name === name);
    assert.ok(t, name);
    return transformSetAlgorithms(t);
  };
  assert.deepEqual(get(one, 'myset'), {
    esp: { cipher: '3des-cbc', keyBits: 192, integrity: 'hmac-md5-96', integrityKeyBits: 128 },
    mode: 'tunnel',
  });
  assert.deepEqual(get(lab, 'mypolicy'), {
    esp: { cipher: 'des-cbc', keyBits: 64, integrity: 'hmac-sha1-96', integrityKeyBits: 160 },
    ah: { integrity: 'hmac-sha1-96', integrityKeyBits: 160 },
    mode: 'tunnel',
  });
  assert.deepEqual(get(l2tp, 'ahmd5tr'), {
    ah: { integrity: 'hmac-md5-96', integrityKeyBits: 128 },
    mode: 'transport',
  });
  assert.deepEqual(get(modern, 'strong'), {
    esp: { cipher: 'aes-cbc', keyBits: 256, integrity: 'hmac-sha256-128', integrityKeyBits: 256 },
    mode: 'tunnel',
  });
  assert.deepEqual(get(modern, 'fast'), {
    esp: { cipher: 'aes-gcm-16', keyBits: 128, integrity: 'none', integrityKeyBits: 0 },
    mode: 'transport',
  });
});

test('esp-aes without a size is AES-128', () => {
  const [t] = parseConfig('crypto ipsec transform-set t esp-aes esp-sha-hmac\n', 't.cfg').transformSets;
  assert.ok(t);
  assert.equal(transformSetAlgorithms(t).esp?.keyBits, 128);
});
