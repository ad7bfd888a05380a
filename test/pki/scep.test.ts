// SCEP against an independent implementation: typeswan's client enrolls with micromdm's
// `scepserver`, and micromdm's `scepclient` enrolls with `typeswan pki server` (Debian package
// scep). OpenSSL checks every certificate issued. Servers listen on loopback only.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cliMissing, cliPath, runTypeswan, type CliRun } from '../cli/runCli.js';
import { runTool, tool, toolsMissing } from './tools.js';

const missing = cliMissing() ?? toolsMissing('openssl', 'scepserver', 'scepclient');
if (missing !== undefined) console.log(`# skip SCEP tests: ${missing}`);

const CHALLENGE = 'tspk-challenge-7';
let dir = '';
const children: ChildProcess[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tspk-scep-'));
  writeFileSync(join(dir, 'challenge'), `${CHALLENGE}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'wrong'), 'not-the-challenge\n', { mode: 0o600 });
});
function stop(child: ChildProcess): void {
  child.removeAllListeners('exit');
  if (child.exitCode === null && child.signalCode === null) child.kill();
}

after(() => {
  for (const child of children) stop(child);
  rmSync(dir, { recursive: true, force: true });
});

/** Waits (bounded) until a server's output shows `pattern`: a synchronous tool blocked its pipe. */
async function waitFor(output: () => string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100 && !pattern.test(output()); i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return output();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts a server process; resolves with its output so far once `ready` appears in it. */
function startServer(
  command: string,
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} not ready in 20 s: ${output}`)), 20_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited ${code}: ${output}`));
    });
  });
}

/** `typeswan pki server` on a port the kernel picks; its URL from the line it logs. */
async function typeswanServer(
  caDir: string,
  keys: string,
  grant: 'auto' | 'manual',
): Promise<{ child: ChildProcess; output: () => string; url: string }> {
  const args = ['pki', 'server', '--ca-dir', caDir, '--keystore', keys, '--port', '0', '--grant', grant];
  const server = await startServer(
    process.execPath,
    [cliPath, ...args, '--challenge-file', join(dir, 'challenge')],
    /now enabled at http:\/\/127\.0\.0\.1:\d+/,
  );
  const port = /127\.0\.0\.1:(\d+)/.exec(server.output())?.[1] ?? '';
  return { ...server, url: `http://127.0.0.1:${port}/scep` };
}

function typeswanAsync(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill(), 60_000);
    child.once('error', reject);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function ok(run: CliRun): CliRun {
  assert.equal(run.status, 0, `typeswan exited ${run.status}: ${run.stdout}${run.stderr}`);
  return run;
}

function sha256Fingerprint(certificate: string): string {
  const line = tool('openssl', ['x509', '-in', certificate, '-noout', '-fingerprint', '-sha256']);
  return (line.split('=')[1] ?? '').trim();
}

test(
  'typeswan pki authenticate and enroll against micromdm scepserver; OpenSSL verifies the certificate',
  { skip: missing },
  async () => {
    const depot = join(dir, 'depot');
    tool('scepserver', ['ca', '-init', '-depot', depot, '-keySize', '2048', '-organization', 'tspk-ca']);
    const port = await freePort();
    const server = await startServer(
      'scepserver',
      ['-depot', depot, '-port', String(port), '-challenge', CHALLENGE],
      /listening/,
    );
    try {
      const url = `http://127.0.0.1:${port}/scep`;
      const trust = join(dir, 'micromdm-ca.pem');
      const authenticate = (fingerprint: string): Promise<CliRun> =>
        typeswanAsync(['pki', 'authenticate', '--url', url, '--out', trust, '--fingerprint', fingerprint]);
      const refused = await authenticate('00'.repeat(32));
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /does not have the fingerprint given: not accepted/);
      const fingerprint = sha256Fingerprint(join(depot, 'ca.pem'));
      const authenticated = ok(await authenticate(fingerprint));
      assert.ok(
        authenticated.stdout.replace(/ /g, '').includes(`FingerprintSHA256:${fingerprint.replace(/:/g, '')}`),
      );
      assert.equal(
        tool('openssl', ['x509', '-in', trust, '-noout', '-fingerprint', '-sha256']).includes(fingerprint),
        true,
      );

      const keys = join(dir, 'keys');
      const enrolled = ok(
        await typeswanAsync([
          'pki',
          'enroll',
          '--url',
          url,
          '--label',
          'r1.example.com',
          '--keystore',
          keys,
          '--ca-cert',
          trust,
          '--subject',
          'CN=r1.example.com,O=Example',
          '--dns',
          'r1.example.com',
          '--challenge-file',
          join(dir, 'challenge'),
        ]),
      );
      assert.ok(!enrolled.stdout.includes(CHALLENGE) && !enrolled.stderr.includes(CHALLENGE));
      const key = join(keys, 'r1.example.com.pem');
      const cert = join(keys, 'r1.example.com.crt');
      assert.equal(statSync(key).mode & 0o777, 0o600);
      assert.match(tool('openssl', ['verify', '-CAfile', join(depot, 'ca.pem'), cert]), /: OK/);
      assert.match(tool('openssl', ['x509', '-in', cert, '-noout', '-subject']), /CN = r1\.example\.com/);
      assert.equal(
        tool('openssl', ['x509', '-in', cert, '-noout', '-pubkey']),
        tool('openssl', ['pkey', '-in', key, '-pubout']),
      );

      const wrong = await typeswanAsync([
        'pki',
        'enroll',
        '--url',
        url,
        '--label',
        'r2',
        '--keystore',
        keys,
        '--ca-cert',
        trust,
        '--subject',
        'CN=r2.example.com',
        '--challenge-file',
        join(dir, 'wrong'),
      ]);
      assert.equal(wrong.status, 2);
      assert.match(wrong.stderr, /the CA refused the request: badRequest/);
    } finally {
      stop(server.child);
    }
  },
);

test(
  'micromdm scepclient enrolls with typeswan pki server; a wrong challenge is refused',
  { skip: missing },
  async () => {
    const caDir = join(dir, 'ca');
    const keys = join(dir, 'ca-keys');
    ok(
      runTypeswan([
        'pki',
        'ca',
        'init',
        '--name',
        'CS',
        '--subject',
        'CN=tspk CS,O=Example',
        '--ca-dir',
        caDir,
        '--keystore',
        keys,
      ]),
    );
    const server = await typeswanServer(caDir, keys, 'auto');
    try {
      const url = server.url;
      assert.match(
        Buffer.from(await (await fetch(`${url}?operation=GetCACaps`)).arrayBuffer()).toString(),
        /POSTPKIOperation/,
      );
      const client = join(dir, 'client1');
      mkdirSync(client);
      // scepclient keeps csr.pem in its working directory: one directory per client.
      const run = runTool('sh', [
        '-c',
        `cd '${client}' && scepclient -server-url ${url} -challenge ${CHALLENGE} -private-key k.pem -certificate c.pem -cn client1 -ou VPN`,
      ]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      const cert = join(client, 'c.pem');
      assert.match(tool('openssl', ['verify', '-CAfile', join(caDir, 'ca.pem'), cert]), /: OK/);
      assert.match(
        tool('openssl', ['x509', '-in', cert, '-noout', '-subject', '-serial']),
        /CN = client1[\s\S]*serial=02/,
      );
      assert.equal(
        tool('openssl', ['x509', '-in', cert, '-noout', '-pubkey']),
        tool('openssl', ['pkey', '-in', join(client, 'k.pem'), '-pubout']),
      );

      const other = join(dir, 'client2');
      mkdirSync(other);
      const refused = runTool('sh', [
        '-c',
        `cd '${other}' && scepclient -server-url ${url} -challenge wrong -private-key k.pem -certificate c.pem -cn client2`,
      ]);
      assert.notEqual(refused.status, 0);
      assert.match(refused.stdout + refused.stderr, /badRequest/);
      assert.match(
        await waitFor(server.output, /client2.*wrong or missing/),
        /client2.*wrong or missing challenge password/,
      );
      assert.ok(!server.output().includes(CHALLENGE), 'the challenge password was logged');
    } finally {
      stop(server.child);
    }
  },
);

test(
  'grant manual: typeswan enroll polls while PENDING and collects the certificate once granted',
  { skip: missing },
  async () => {
    const caDir = join(dir, 'ca');
    const keys = join(dir, 'ca-keys');
    const server = await typeswanServer(caDir, keys, 'manual');
    try {
      const url = server.url;
      const trust = join(dir, 'cs.pem');
      writeFileSync(trust, readFileSync(join(caDir, 'ca.pem')));
      const clientKeys = join(dir, 'client-keys');
      const enrolling = typeswanAsync([
        'pki',
        'enroll',
        '--url',
        url,
        '--label',
        'm1',
        '--keystore',
        clientKeys,
        '--ca-cert',
        trust,
        '--subject',
        'CN=m1.example.com',
        '--challenge-file',
        join(dir, 'challenge'),
        '--poll-interval',
        '1',
        '--poll-count',
        '30',
      ]);
      let id: string | undefined;
      for (let i = 0; i < 100 && id === undefined; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const listing = runTypeswan(['pki', 'ca', 'requests', '--ca-dir', caDir, '--keystore', keys]).stdout;
        id = /^([0-9a-f]{16})\s+pending\s+.*CN=m1\.example\.com/m.exec(listing)?.[1];
      }
      assert.ok(id !== undefined, 'the request never showed as pending');
      await new Promise((resolve) => setTimeout(resolve, 1500)); // at least one poll answered PENDING
      ok(runTypeswan(['pki', 'ca', 'grant', id, '--ca-dir', caDir, '--keystore', keys]));
      const enrolled = ok(await enrolling);
      assert.match(enrolled.stdout, /SCEP PENDING: polling again/);
      assert.match(server.output(), /CS_POLL: CN=m1\.example\.com: PENDING/);
      assert.match(
        tool('openssl', ['verify', '-CAfile', join(caDir, 'ca.pem'), join(clientKeys, 'm1.crt')]),
        /: OK/,
      );
    } finally {
      stop(server.child);
    }
  },
);
