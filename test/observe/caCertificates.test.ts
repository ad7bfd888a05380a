// `show crypto ca certificates` for Example 13-8's chain: the serials IOS printed, and the key
// usages the certificates' DER carries: `03020520` (keyEncipherment) in 44FC..., `03020780`
// (digitalSignature) in 52A4... The chapter's comments call them the other way round; the
// bytes decide.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../src/config/index.js';
import { caCertificateViews, formatCaCertificates } from '../../src/observe/show/index.js';
import { fixture } from '../util/fixtures.js';

test('show crypto ca certificates: Example 13-8 lab-isdn', () => {
  const file = fixture('chapter/example-13-08.cfg');
  const c = parseConfig(readFileSync(file, 'utf8'), file);
  const views = caCertificateViews(c.certificates);
  assert.deepEqual(
    views.map((v) => [v.role, v.serial, v.status, v.keyUsage]),
    [
      ['router', '44FC6C531FC3446927E4EE307A806B20', 'Available', 'Encryption'],
      ['ca', '3051DF7169BEE31B821DFE4B3A338E5F', 'Available', 'Not Set'],
      ['router', '52A46D5D10B18A6F51E6BC735A36508C', 'Available', 'Signature'],
    ],
  );
  const text = formatCaCertificates(views);
  assert.match(
    text,
    /^Certificate\n {2}Status: Available\n {2}Certificate Serial Number: 44FC6C531FC3446927E4EE307A806B20\n {2}Key Usage: Encryption\n/,
  );
  assert.match(text, /\nCA Certificate\n {2}Status: Available\n/);
  assert.match(text, /CN=CISCOCA-ULTRA/);
  assert.match(text, /start date: 00:00:00 UTC Apr 8 1998/);
  assert.match(text, /Associated Trustpoints: lab\n/);
});
