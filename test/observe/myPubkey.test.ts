// `show crypto key mypubkey rsa`: the Key Data layout checked against IOS's own hex of a public
// key, the key-string of Example 13-10 (wan2516's 512-bit key as wan2511 holds it, printed by
// IOS in the same words and lines); usage keys as two entries under one name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMyPubkeys } from '../../src/observe/show/index.js';

const EXAMPLE_13_10_KEY = [
  '305C300D 06092A86 4886F70D 01010105 00034B00 30480241 00DC3DDC 59885F14',
  '1AB30DCB 794AB5C7 82D918DE FC7ADB76 B0B9DD1A ABAF4884 009E758C 4064C699',
  '3BC9D17E C47581DC 50220CB9 31E267F8 0259C640 F8DE4169 1F020301 0001',
];
const keyData = EXAMPLE_13_10_KEY.join('').replace(/ /g, '').toLowerCase();

test('show crypto key mypubkey rsa: Key Data in the words and lines IOS prints', () => {
  const text = formatMyPubkeys([
    { label: 'wan2516.cisco.com', usage: 'general', generatedAt: '1998-04-08T20:16:50.000Z', keyData },
  ]);
  assert.equal(
    text,
    [
      '% Key pair was generated at: 20:16:50 UTC Apr 8 1998',
      'Key name: wan2516.cisco.com',
      ' Usage: General Purpose Key',
      ' Key Data:',
      ...EXAMPLE_13_10_KEY.map((l) => `  ${l}`),
      '',
    ].join('\n'),
  );
});

test('show crypto key mypubkey rsa: usage keys are a Signature Key and an Encryption Key', () => {
  const text = formatMyPubkeys([
    { label: 'lab-isdn.cisco.com', usage: 'sign', generatedAt: '1998-04-08T00:00:00.000Z', keyData },
    { label: 'lab-isdn.cisco.com', usage: 'encr', generatedAt: '1998-04-08T00:00:01.000Z', keyData },
  ]);
  assert.match(
    text,
    /^% Key pair was generated at: 00:00:00 UTC Apr 8 1998\nKey name: lab-isdn\.cisco\.com\n Usage: Signature Key\n Key Data:\n/,
  );
  assert.match(
    text,
    /\n% Key pair was generated at: 00:00:01 UTC Apr 8 1998\nKey name: lab-isdn\.cisco\.com\n Usage: Encryption Key\n Key Data:\n/,
  );
  assert.equal(formatMyPubkeys([]), '');
});
