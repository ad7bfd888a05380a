// `typeswan pki authenticate|enroll|server`: SCEP (RFC 8894) as IOS `crypto ca authenticate`,
// `crypto ca enroll` and `crypto pki server` do it.

import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { openCa } from '../pki/ca.js';
import { startScepServer } from '../pki/scep/server.js';
import { createCsr } from '../pki/csr.js';
import { generateRsaKey } from '../pki/keygen.js';
import { certificateFile, readKeyPair, writeKeyPair } from '../pki/keystore.js';
import { parseDn } from '../pki/name.js';
import { derObjects, pemEncode } from '../pki/pem.js';
import { PkiError, parseCertificateDer, serialHex, toDer } from '../pki/pkix.js';
import { enroll, getCaCertificates, type CaCertificates } from '../pki/scep/client.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { caDirOption, fingerprints } from './pkiCa.js';
import {
  addSubjectOptions,
  altNamesOf,
  keystoreOption,
  parseIntegerOption,
  pkiAction,
  readInputFile,
  type KeystoreOptions,
  type SubjectOptions,
} from './pkiOptions.js';
import { readSecret } from './secret.js';

interface AuthenticateOptions {
  readonly url: string;
  readonly out: string;
  readonly fingerprint?: string;
}

interface EnrollOptions extends KeystoreOptions, SubjectOptions {
  readonly url: string;
  readonly label: string;
  readonly caCert: string;
  readonly cert?: string;
  readonly modulus: string;
  readonly challengeFile?: string;
  readonly challengeEnv?: string;
  readonly pollInterval: string;
  readonly pollCount: string;
}

interface ServerOptions extends KeystoreOptions {
  readonly caDir: string;
  readonly listen: string;
  readonly port: string;
  readonly grant: 'auto' | 'manual';
  readonly days: string;
  readonly challengeFile?: string;
  readonly challengeEnv?: string;
  readonly challenge?: boolean;
}

const challengeSource = {
  what: 'challenge password',
  fileOption: '--challenge-file',
  envOption: '--challenge-env',
} as const;

/** The fingerprint the operator gave matches `der` (MD5, SHA-1 or SHA-256 by its length). */
function fingerprintMatches(der: Uint8Array, given: string): boolean {
  const hex = given.replace(/[\s:]/g, '').toLowerCase();
  const algorithm = { 32: 'md5', 40: 'sha1', 64: 'sha256' }[hex.length];
  if (algorithm === undefined || !/^[0-9a-f]+$/.test(hex))
    throw new UsageError(`--fingerprint ${given}: an MD5, SHA-1 or SHA-256 fingerprint in hex expected`);
  return createHash(algorithm).update(der).digest('hex') === hex;
}

function sameCa(authority: CaCertificates, caFile: string): void {
  const known = derObjects(readInputFile(caFile, 'CA certificate'), 'CERTIFICATE')[0];
  if (known === undefined) throw new UsageError(`${caFile}: no CERTIFICATE`);
  if (!Buffer.from(known).equals(Buffer.from(authority.caDer)))
    throw new PkiError(`the server's CA certificate is not the one in ${caFile} (authenticate again?)`);
}

export function registerPkiScep(pki: Command, io: CliIo): void {
  pki
    .command('authenticate')
    .description(
      'fetch the CA certificate over SCEP (GetCACert) and keep it once its fingerprint is confirmed',
    )
    .requiredOption('--url <url>', 'SCEP URL, e.g. http://ca.example.com/scep')
    .requiredOption('--out <file>', 'where to keep the CA certificate (PEM)')
    .option(
      '--fingerprint <hex>',
      'the CA fingerprint you expect (MD5, SHA-1 or SHA-256); without it, nothing is kept',
    )
    .action(
      pkiAction(async (options: AuthenticateOptions) => {
        const authority = await getCaCertificates(options.url);
        io.stdout(`Certificate has the following attributes:\n${fingerprints(authority.caDer)}`);
        if (options.fingerprint === undefined)
          throw new UsageError(
            "compare the fingerprint with the CA's, then run again with --fingerprint HEX to accept it",
          );
        if (!fingerprintMatches(authority.caDer, options.fingerprint))
          throw new PkiError('the CA certificate does not have the fingerprint given: not accepted');
        const pem = authority.all.map((certificate) => pemEncode('CERTIFICATE', toDer(certificate))).join('');
        writeFileSync(options.out, pem);
        io.stdout(`% Certificate accepted: ${options.out}\n`);
      }),
    );

  addSubjectOptions(
    pki
      .command('enroll')
      .description('request a certificate over SCEP (PKCSReq, polling while PENDING)')
      .requiredOption('--url <url>', 'SCEP URL')
      .requiredOption('--label <label>', 'key label; the key pair is generated when the key store has none')
      .requiredOption('--ca-cert <file>', 'the CA certificate kept by `pki authenticate`')
      .addOption(keystoreOption())
      .option('--cert <file>', 'where to write the certificate and CA (default KEYSTORE/LABEL.crt)')
      .option('--modulus <bits>', 'modulus of a generated key', '2048')
      .option('--challenge-file <file>', 'read the challenge password from the first line of FILE')
      .option('--challenge-env <var>', 'read the challenge password from environment variable VAR')
      .option('--poll-interval <seconds>', 'while PENDING, poll this often', '60')
      .option('--poll-count <n>', 'give up after this many polls', '60'),
  ).action(
    pkiAction(async (options: EnrollOptions) => {
      if (options.subject === undefined) throw new UsageError('--subject is required');
      const subject = parseDn(options.subject);
      const pollIntervalMs = parseIntegerOption(options.pollInterval, '--poll-interval', 1, 86_400) * 1000;
      const maxPolls = parseIntegerOption(options.pollCount, '--poll-count', 0, 10_000);
      const challenge =
        options.challengeFile !== undefined || options.challengeEnv !== undefined || process.stdin.isTTY
          ? await readSecret(
              {
                ...(options.challengeFile !== undefined ? { file: options.challengeFile } : {}),
                ...(options.challengeEnv !== undefined ? { env: options.challengeEnv } : {}),
              },
              challengeSource,
            )
          : undefined;
      const authority = await getCaCertificates(options.url);
      sameCa(authority, options.caCert);
      let key = readKeyPair(options.keystore, options.label);
      if (key === undefined) {
        key = generateRsaKey(parseIntegerOption(options.modulus, '--modulus', 1024, 8192));
        io.stdout(`% Generated RSA key pair ${writeKeyPair(options.keystore, options.label, key)}\n`);
      }
      const csr = await createCsr({
        key,
        subject: options.subject,
        altNames: altNamesOf(options),
        ...(challenge !== undefined ? { challengePassword: challenge } : {}),
      });
      const enrolled = await enroll({
        url: options.url,
        key,
        csr,
        subject,
        authority,
        pollIntervalMs,
        maxPolls,
        now: () => new Date(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        log: (line) => io.stdout(`${line}\n`),
      });
      const certificate = parseCertificateDer(enrolled.certificate);
      const out = options.cert ?? certificateFile(options.keystore, options.label);
      writeFileSync(
        out,
        pemEncode('CERTIFICATE', enrolled.certificate) + pemEncode('CERTIFICATE', authority.caDer),
      );
      io.stdout(
        `% Certificate received from Certificate Authority: serial ${serialHex(certificate.serialNumber)}, ${out}\n`,
      );
    }),
  );

  pki
    .command('server')
    .description('serve the CA over SCEP (IOS crypto pki server): GetCACaps, GetCACert, PKIOperation')
    .addOption(caDirOption())
    .addOption(keystoreOption())
    .option('--listen <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port', '8080')
    .addOption(
      new Option('--grant <mode>', 'auto: issue at once; manual: PENDING until `pki ca grant`')
        .choices(['auto', 'manual'])
        .default('auto'),
    )
    .option('--days <days>', 'validity of the certificates issued', '365')
    .option(
      '--challenge-file <file>',
      'the challenge password requests must carry, from the first line of FILE',
    )
    .option('--challenge-env <var>', 'the challenge password, from environment variable VAR')
    .option(
      '--no-challenge',
      'ask no challenge password (anyone who reaches the server is issued a certificate)',
    )
    .action(
      pkiAction(async (options: ServerOptions) => {
        const ca = openCa(options.caDir, options.keystore);
        const port = parseIntegerOption(options.port, '--port', 0, 65535);
        const days = parseIntegerOption(options.days, '--days', 1, 36500);
        const challenge =
          options.challenge === false
            ? undefined
            : await readSecret(
                {
                  ...(options.challengeFile !== undefined ? { file: options.challengeFile } : {}),
                  ...(options.challengeEnv !== undefined ? { env: options.challengeEnv } : {}),
                },
                challengeSource,
              );
        const log = (line: string): void => io.stdout(`${new Date().toISOString()} ${line}\n`);
        const server = await startScepServer(
          { ca, challenge, grant: options.grant, days, now: () => new Date(), log },
          options.listen,
          port,
        ).catch((error: unknown) => {
          throw new PkiError(
            `--listen ${options.listen} --port ${port}: ${error instanceof Error ? error.message : String(error)}`,
          );
        });
        const address = server.address();
        const bound = typeof address === 'object' && address !== null ? address.port : port;
        log(
          `%PKI-6-CS_ENABLED: certificate server ${ca.name} now enabled at http://${options.listen}:${bound}/scep (grant ${options.grant})`,
        );
        await new Promise<void>((resolve) => {
          const stop = (): void => {
            server.close(() => resolve());
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      }),
    );
}
