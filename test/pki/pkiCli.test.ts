// `typeswan pki` keys, requests, CA and PKCS#12, each output checked by OpenSSL and strongSwan.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cliMissing, runTypeswan, type CliRun } from '../cli/runCli.js';
import { runTool, tool, toolsMissing } from './tools.js';

const missing = cliMissing() ?? toolsMissing('openssl', 'pki');
if (missing !== undefined) console.log(`# skip pki CLI tests: ${missing}`);

let dir = '';
let keys = '';
let caDir = '';

function typeswan(...args: string[]): CliRun {
  return runTypeswan(['pki', ...args]);
}

function ok(run: CliRun): CliRun {
  assert.equal(run.status, 0, `typeswan exited ${run.status}: ${run.stderr}`);
  return run;
}

function noSecrets(run: CliRun, ...secrets: string[]): void {
  for (const text of [run.stdout, run.stderr]) {
    assert.doesNotMatch(text, /PRIVATE KEY/);
    for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret was printed');
  }
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tspk-cli-'));
  keys = join(dir, 'keys');
  caDir = join(dir, 'ca');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test(
  'genkey: LABEL.pem and usage keys, mode 0600, the modulus OpenSSL reads; no overwrite without --force',
  { skip: missing },
  () => {
    const run = ok(typeswan('genkey', '--label', 'r1.example.com', '--modulus', '2048', '--keystore', keys));
    noSecrets(run);
    const file = join(keys, 'r1.example.com.pem');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(
      tool('openssl', ['rsa', '-in', file, '-check', '-noout', '-text']),
      /Private-Key: \(2048 bit, 2 primes\)[\s\S]*RSA key ok/,
    );
    const again = typeswan('genkey', '--label', 'r1.example.com', '--keystore', keys);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /already have RSA keys named r1\.example\.com/);

    ok(typeswan('genkey', '--label', 'r2', '--usage-keys', '--modulus', '1024', '--keystore', keys));
    for (const usage of ['sign', 'encr']) {
      const usageFile = join(keys, `r2.${usage}.pem`);
      assert.equal(statSync(usageFile).mode & 0o777, 0o600);
      assert.match(tool('openssl', ['pkey', '-in', usageFile, '-noout', '-text']), /Private-Key: \(1024 bit/);
    }
    const signModulus = tool('openssl', ['rsa', '-in', join(keys, 'r2.sign.pem'), '-noout', '-modulus']);
    const encrModulus = tool('openssl', ['rsa', '-in', join(keys, 'r2.encr.pem'), '-noout', '-modulus']);
    assert.notEqual(signModulus, encrModulus);
    assert.equal(typeswan('genkey', '--label', 'bad/label', '--keystore', keys).status, 2);
  },
);

test(
  'req, ca init/issue/revoke/crl: OpenSSL and strongSwan verify the chain and see the revocation',
  { skip: missing },
  () => {
    const csr = join(dir, 'r1.csr');
    ok(
      typeswan(
        'req',
        '--label',
        'r1.example.com',
        '--keystore',
        keys,
        '--out',
        csr,
        '--subject',
        'CN=r1.example.com,OU=VPN,O=Example\\, Inc.,C=US',
        '--dns',
        'r1.example.com',
        '--ip',
        '192.0.2.1',
      ),
    );
    const request = tool('openssl', ['req', '-in', csr, '-verify', '-noout', '-text', '-nameopt', 'RFC2253']);
    assert.match(request, /self-signature verify OK/);
    assert.match(request, /Subject: CN=r1\.example\.com,OU=VPN,O=Example\\, Inc\.,C=US/);
    assert.match(request, /DNS:r1\.example\.com, IP Address:192\.0\.2\.1/);
    // The request carries the key of the key store.
    assert.equal(
      tool('openssl', ['req', '-in', csr, '-noout', '-pubkey']),
      tool('openssl', ['pkey', '-in', join(keys, 'r1.example.com.pem'), '-pubout']),
    );

    const init = ok(
      typeswan(
        'ca',
        'init',
        '--name',
        'TestCA',
        '--subject',
        'CN=Test CA,O=Example,C=US',
        '--ca-dir',
        caDir,
        '--keystore',
        keys,
      ),
    );
    noSecrets(init);
    assert.equal(statSync(join(keys, 'TestCA.pem')).mode & 0o777, 0o600);
    const caPem = join(caDir, 'ca.pem');
    const caText = tool('openssl', ['x509', '-in', caPem, '-noout', '-text', '-fingerprint', '-sha1']);
    assert.match(caText, /Basic Constraints: critical\s+CA:TRUE/);
    assert.match(caText, /Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    // The fingerprint typeswan prints is the one OpenSSL computes.
    const sha1 = /SHA1 Fingerprint=([0-9A-F:]+)/i.exec(caText)?.[1]?.replace(/:/g, '');
    assert.ok(sha1 !== undefined);
    assert.ok(init.stdout.replace(/ /g, '').includes(`FingerprintSHA1:${sha1}`), init.stdout);

    const cert = join(dir, 'r1.crt');
    ok(typeswan('ca', 'issue', csr, '--days', '30', '--ca-dir', caDir, '--keystore', keys, '--out', cert));
    assert.match(tool('openssl', ['verify', '-CAfile', caPem, cert]), /r1\.crt: OK/);
    const certText = tool('openssl', ['x509', '-in', cert, '-noout', '-text']);
    assert.match(certText, /Serial Number: 2 \(0x2\)/);
    assert.match(certText, /CA:FALSE/);
    assert.match(certText, /DNS:r1\.example\.com, IP Address:192\.0\.2\.1/);
    const swan = tool('pki', ['--verify', '--in', cert, '--cacert', caPem]);
    assert.match(swan, /certificate trusted, lifetimes valid/);
    assert.match(tool('pki', ['--print', '--in', cert]), /altNames:\s+r1\.example\.com, 192\.0\.2\.1/);

    // A request whose signature is broken is refused.
    const der = join(dir, 'r1.csr.der');
    tool('openssl', ['req', '-in', csr, '-outform', 'DER', '-out', der]);
    const bytes = readFileSync(der);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 1;
    writeFileSync(der, bytes);
    const refused = typeswan('ca', 'issue', der, '--ca-dir', caDir, '--keystore', keys);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /signature does not verify/);

    ok(typeswan('ca', 'revoke', '2', '--reason', 'keyCompromise', '--ca-dir', caDir, '--keystore', keys));
    const crl = join(dir, 'crl.pem');
    ok(typeswan('ca', 'crl', '--ca-dir', caDir, '--keystore', keys, '--out', crl));
    assert.match(tool('openssl', ['crl', '-in', crl, '-CAfile', caPem, '-noout']), /verify OK/);
    const revoked = runTool('openssl', ['verify', '-crl_check', '-CRLfile', crl, '-CAfile', caPem, cert]);
    assert.notEqual(revoked.status, 0);
    assert.match(revoked.stdout + revoked.stderr, /certificate revoked/);
    assert.match(
      tool('pki', ['--print', '--type', 'crl', '--in', crl]),
      /1 revoked certificate:\s+02: .*key compromise/,
    );
    assert.equal(typeswan('ca', 'revoke', '2', '--ca-dir', caDir, '--keystore', keys).status, 2);
  },
);

test(
  "export and import: PKCS#12 and encrypted PEM that OpenSSL opens, and OpenSSL's PKCS#12 read back",
  { skip: missing },
  () => {
    const secret = 'correct horse 7';
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${secret}\n`, { mode: 0o600 });
    const caPem = join(caDir, 'ca.pem');
    const chain = join(dir, 'chain.pem');
    writeFileSync(chain, readFileSync(join(dir, 'r1.crt'), 'utf8') + readFileSync(caPem, 'utf8'));
    const p12 = join(dir, 'r1.p12');
    const exportArgs = (...output: string[]): string[] => [
      'pki',
      'export',
      '--label',
      'r1.example.com',
      '--keystore',
      keys,
      '--cert',
      chain,
      ...output,
    ];
    noSecrets(ok(runTypeswan(exportArgs('--pkcs12', p12, '--password-file', passwordFile))), secret);
    assert.equal(statSync(p12).mode & 0o777, 0o600);
    const readP12 = (...flags: string[]): string =>
      tool('openssl', ['pkcs12', '-in', p12, '-passin', `file:${passwordFile}`, '-noenc', ...flags]);
    const info = readP12('-info');
    assert.match(info, /MAC: sha256/);
    assert.match(info, /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
    assert.match(info, /subject=C = US, O = "Example, Inc.", OU = VPN, CN = r1\.example\.com/);
    assert.match(info, /subject=C = US, O = Example, CN = Test CA/);
    const keyPem = tool('openssl', ['pkey', '-in', join(keys, 'r1.example.com.pem')]);
    const fromP12 = readP12('-nocerts');
    assert.ok(fromP12.includes(keyPem.trim()), 'the PKCS#12 key is the key store key');
    const wrong = runTool('openssl', ['pkcs12', '-info', '-in', p12, '-passin', 'pass:wrong', '-noenc']);
    assert.notEqual(wrong.status, 0);

    const pem = join(dir, 'r1.enc.pem');
    ok(
      runTypeswan(exportArgs('--pem', pem, '--password-env', 'TSPK_PW'), { ...process.env, TSPK_PW: secret }),
    );
    assert.match(readFileSync(pem, 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.equal(tool('openssl', ['pkey', '-in', pem, '-passin', `file:${passwordFile}`]), keyPem);

    // OpenSSL's own PKCS#12 (its defaults: PBES2 key and certificate safes) imports.
    const otherKey = join(dir, 'o.key');
    const otherCert = join(dir, 'o.crt');
    tool('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-noenc',
      '-keyout',
      otherKey,
      '-out',
      otherCert,
      '-subj',
      '/CN=other',
      '-days',
      '2',
    ]);
    const otherP12 = join(dir, 'o.p12');
    tool('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      otherKey,
      '-in',
      otherCert,
      '-certfile',
      caPem,
      '-out',
      otherP12,
      '-passout',
      `file:${passwordFile}`,
    ]);
    ok(typeswan('import', otherP12, '--label', 'other', '--keystore', keys, '--password-file', passwordFile));
    assert.equal(statSync(join(keys, 'other.pem')).mode & 0o777, 0o600);
    assert.equal(
      tool('openssl', ['pkey', '-in', join(keys, 'other.pem')]),
      tool('openssl', ['pkey', '-in', otherKey]),
    );
    const certs = readFileSync(join(keys, 'other.crt'), 'utf8');
    assert.equal(certs.split('BEGIN CERTIFICATE').length - 1, 2);
    assert.equal(
      tool('openssl', ['x509', '-in', join(keys, 'other.crt'), '-noout', '-subject']),
      'subject=CN = other\n',
    );

    writeFileSync(join(dir, 'wrong'), 'wrong\n');
    const bad = typeswan(
      'import',
      otherP12,
      '--label',
      'other2',
      '--keystore',
      keys,
      '--password-file',
      join(dir, 'wrong'),
    );
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /MAC verify failure/);
    ok(typeswan('import', pem, '--label', 'back', '--keystore', keys, '--password-file', passwordFile));
    assert.equal(tool('openssl', ['pkey', '-in', join(keys, 'back.pem')]), keyPem);
  },
);
