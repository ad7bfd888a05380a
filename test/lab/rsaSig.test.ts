// `typeswan lab rsa-sig`: Examples 13-7 and 13-8 with a lab CA and usage keys made at start.
// The embedded texts are the chapter's (fixture copies) but for the certificate blocks; the
// pings cross the tunnel; lab-isdn's trace shows Example 13-9's certificate steps in its order;
// each router shows its two key pairs and the certificate for each; the CLI exits 0.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runLab } from '../../src/lab/run.js';
import { realEngines } from '../../src/lab/engines.js';
import { findScenario } from '../../src/lab/scenarios/index.js';
import { EXAMPLE_13_7_LAB_ISDN1, EXAMPLE_13_8_LAB_ISDN } from '../../src/lab/scenarios/rsaSig.js';
import { cliMissing, runTypeswan } from '../cli/runCli.js';
import { fixture } from '../util/fixtures.js';

/** The chapter's text without the `certificate ... quit` blocks, blank lines and trailing blanks. */
function withoutCertificates(text: string): string {
  const out: string[] = [];
  let inBlock = false;
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (/^certificate( ca)? [0-9A-Fa-f]+$/.test(t)) inBlock = true;
    else if (inBlock) inBlock = t.toLowerCase() !== 'quit';
    else if (t !== '') out.push(line.trimEnd());
  }
  return out.join('\n');
}

test('lab rsa-sig: the embedded configurations are Examples 13-7 and 13-8 but for the certificates', () => {
  const chapter = (n: string): string =>
    withoutCertificates(readFileSync(fixture(`chapter/example-13-${n}.cfg`), 'utf8'));
  assert.equal(withoutCertificates(EXAMPLE_13_7_LAB_ISDN1), chapter('07'));
  assert.equal(withoutCertificates(EXAMPLE_13_8_LAB_ISDN), chapter('08'));
  assert.doesNotMatch(EXAMPLE_13_7_LAB_ISDN1, /^certificate/m);
});

test('lab rsa-sig: usage keys from the lab CA, the pings cross, the trace as Example 13-9', () => {
  const scenario = findScenario('rsa-sig');
  assert.ok(scenario);
  const lines: string[] = [];
  const result = runLab(scenario, scenario.routers, realEngines, { out: (l) => lines.push(l) });
  const text = lines.join('\n');
  assert.equal(result.ok, true, lines.slice(-10).join('\n'));
  const ping = result.pings[0];
  assert.equal(ping?.from, '40.40.40.1');
  assert.equal(ping?.to, '20.20.20.1');
  assert.equal(ping?.encaps, 4);
  assert.equal(ping?.decaps, 4);

  // Example 13-9, lab-isdn (the responder): the default policy, then the certificate steps.
  const responder = text
    .split('\n')
    .filter((l) => l.startsWith('lab-isdn: '))
    .map((l) => l.replace(/^lab-isdn: (\d\d:\d\d:\d\d: )?/, ''));
  const expected = [
    /^ISAKMP \(0:1\): processing SA payload\. message ID = 0$/,
    /^ISAKMP \(0:1\): Checking ISAKMP transform 1 against priority 65535 policy$/,
    /^ISAKMP: {6}encryption DES-CBC$/,
    /^ISAKMP: {6}hash SHA$/,
    /^ISAKMP: {6}default group 1$/,
    /^ISAKMP: {6}auth RSA sig$/,
    /^ISAKMP \(0:1\): atts are acceptable\. Next payload is 0$/,
    /^ISAKMP \(0:1\): SA is doing RSA signature authentication$/,
    /^ISAKMP \(0:1\): processing KE payload\. message ID = 0$/,
    /^Crypto engine 0: generate alg param$/,
    /^ISAKMP \(0:1\): processing NONCE payload\. message ID = 0$/,
    /^Crypto engine 0: create ISAKMP SKEYID for conn id 1$/,
    /^ISAKMP \(0:1\): SKEYID state generated$/,
    /^ISAKMP \(0:1\): processing ID payload\. message ID = 0$/,
    /^ISAKMP \(0:1\): processing CERT payload\. message ID = 0$/,
    /^ISAKMP \(0:1\): cert approved with warning$/,
    /^ISAKMP \(0:1\): processing SIG payload\. message ID = 0$/,
    /^Crypto engine 0: RSA decrypt with public key$/,
    /^generate hmac context for conn id 1$/,
    /^ISAKMP \(0:1\): SA has been authenticated with 12\.12\.12\.13$/,
    /^generate hmac context for conn id 1$/,
    /^Crypto engine 0: RSA encrypt with private key$/,
    /^ISAKMP \(0:1\): Creating IPsec SAs$/,
  ];
  let at = 0;
  for (const want of expected) {
    const found = responder.findIndex((l, i) => i >= at && want.test(l));
    assert.ok(found >= 0, `after line ${at} of lab-isdn's trace, no ${want}:\n${responder.join('\n')}`);
    at = found + 1;
  }
  // Signatures carry no HASH payload in main mode's messages 5 and 6.
  assert.ok(!responder.some((l) => /processing HASH payload\. message ID = 0$/.test(l)));
  assert.match(text, /lab-isdn: .*certificate subject CN=lab-isdn1\.cisco\.com/);

  // Each router: a signature and an encryption key pair, and a certificate for each.
  for (const [router, label, trustpoint] of [
    ['lab-isdn1', 'lab-isdn1.cisco.com', 'bubba'],
    ['lab-isdn', 'lab-isdn.cisco.com', 'lab'],
  ] as const) {
    const mypubkey =
      text.split(`${router}#show crypto key mypubkey rsa\n`)[1]?.split(`\n${router}#`)[0] ?? '';
    assert.match(
      mypubkey,
      new RegExp(
        `^% Key pair was generated at: .*\\nKey name: ${label}\\n Usage: Signature Key\\n Key Data:\\n  30820122 `,
      ),
    );
    assert.match(
      mypubkey,
      new RegExp(`\\nKey name: ${label}\\n Usage: Encryption Key\\n Key Data:\\n  30820122 `),
    );
    const certificates = text.split(`${router}#show crypto ca certificates\n`)[1]?.split(/\nlab/)[0] ?? '';
    assert.deepEqual(
      [...certificates.matchAll(/^(Certificate|CA Certificate)\n(?:.*\n)*? {2}Key Usage: (\w+)/gm)].map(
        (m) => `${m[1] ?? ''} ${m[2] ?? ''}`,
      ),
      ['Certificate Signature', 'CA Certificate Signature', 'Certificate Encryption'],
    );
    assert.match(certificates, new RegExp(`Associated Trustpoints: ${trustpoint}`));
  }
});

test('typeswan lab rsa-sig exits 0', { skip: cliMissing() }, () => {
  const run = runTypeswan(['lab', 'rsa-sig', '--no-debug']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /lab: PASS: every ping crossed its IPsec tunnel/);
});
