// `typeswan pki ca init|issue|revoke|crl|list`: the small CA of src/pki/ca.ts.

import { X509Certificate, createHash } from 'node:crypto';
import { Option, type Command } from 'commander';
import {
  DEFAULT_CA_DIR,
  RevocationReason,
  initCa,
  issue,
  makeCrl,
  openCa,
  readIndex,
  revoke,
  type RevocationReasonName,
} from '../pki/ca.js';
import { derObjects, pemEncode } from '../pki/pem.js';
import { grant, listRequests, reject } from '../pki/scep/requests.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import {
  keystoreOption,
  output,
  parseIntegerOption,
  pkiAction,
  readInputFile,
  type KeystoreOptions,
} from './pkiOptions.js';

interface CaOptions extends KeystoreOptions {
  readonly caDir: string;
}

interface InitOptions extends CaOptions {
  readonly name: string;
  readonly subject?: string;
  readonly days: string;
  readonly modulus: string;
}

interface IssueOptions extends CaOptions {
  readonly days: string;
  readonly out?: string;
}

interface RevokeOptions extends CaOptions {
  readonly reason: RevocationReasonName;
}

interface CrlOptions extends CaOptions {
  readonly days: string;
  readonly out?: string;
}

export function caDirOption(): Option {
  return new Option('--ca-dir <dir>', 'CA directory').default(DEFAULT_CA_DIR);
}

/** IOS prints a CA's fingerprints when it is authenticated (`crypto ca authenticate`). */
export function fingerprints(der: Uint8Array): string {
  const hex = (algorithm: string): string =>
    createHash(algorithm)
      .update(der)
      .digest('hex')
      .toUpperCase()
      .replace(/(.{8})(?=.)/g, '$1 ');
  return `Fingerprint MD5: ${hex('md5')}\nFingerprint SHA1: ${hex('sha1')}\nFingerprint SHA256: ${hex('sha256')}\n`;
}

export function registerPkiCa(pki: Command, io: CliIo): void {
  const ca = pki.command('ca').description('a small certificate authority (IOS crypto pki server)');
  const withCa = (command: Command): Command => command.addOption(caDirOption()).addOption(keystoreOption());

  withCa(
    ca
      .command('init')
      .description('create the CA: its key pair (key store label NAME) and self-signed certificate')
      .requiredOption('--name <name>', 'CA name, also its key label')
      .option('--subject <dn>', 'CA subject (default CN=NAME)')
      .option('--days <days>', 'validity', '3650')
      .option('--modulus <bits>', 'RSA modulus size', '2048'),
  ).action(
    pkiAction(async (options: InitOptions) => {
      const created = await initCa({
        dir: options.caDir,
        keystore: options.keystore,
        name: options.name,
        subject: options.subject ?? `CN=${options.name}`,
        days: parseIntegerOption(options.days, '--days', 1, 36500),
        modulus: parseIntegerOption(options.modulus, '--modulus', 1024, 8192),
        now: new Date(),
      });
      io.stdout(`CA ${created.name} in ${created.dir}: certificate ${created.dir}/ca.pem\n`);
      io.stdout(fingerprints(created.certificateDer));
    }),
  );

  withCa(
    ca
      .command('issue')
      .description('issue a certificate for a PKCS#10 request')
      .argument('<csr>', 'the request (PEM or DER)')
      .option('--days <days>', "validity (at most the CA's own)", '365')
      .option('--out <file>', 'write the certificate here (PEM) instead of stdout'),
  ).action(
    pkiAction(async (csrPath: string, options: IssueOptions) => {
      const content = readInputFile(csrPath, 'certificate request');
      const csr =
        derObjects(content, 'CERTIFICATE REQUEST')[0] ?? derObjects(content, 'NEW CERTIFICATE REQUEST')[0];
      if (csr === undefined) throw new UsageError(`${csrPath}: no CERTIFICATE REQUEST`);
      const authority = openCa(options.caDir, options.keystore);
      const issued = await issue(authority, csr, {
        days: parseIntegerOption(options.days, '--days', 1, 36500),
        now: new Date(),
      });
      output(io, options.out, pemEncode('CERTIFICATE', issued.der));
      if (options.out !== undefined) io.stdout(`serial ${issued.serial} ${issued.subject}: ${options.out}\n`);
    }),
  );

  withCa(
    ca
      .command('revoke')
      .description('revoke a certificate this CA issued (takes effect in the next CRL)')
      .argument('<serial>', 'serial number in hex')
      .addOption(
        new Option('--reason <reason>', 'CRL reason code')
          .choices(Object.keys(RevocationReason))
          .default('unspecified'),
      ),
  ).action(
    pkiAction((serial: string, options: RevokeOptions) => {
      const entry = revoke(openCa(options.caDir, options.keystore), serial, options.reason, new Date());
      io.stdout(`serial ${entry.serial} ${entry.subject}: revoked (${options.reason})\n`);
    }),
  );

  withCa(
    ca
      .command('crl')
      .description('sign a CRL of the revoked certificates (also written to CA-DIR/crl.pem)')
      .option('--days <days>', 'days until nextUpdate', '7')
      .option('--out <file>', 'write the CRL here (PEM) instead of stdout'),
  ).action(
    pkiAction(async (options: CrlOptions) => {
      const der = await makeCrl(openCa(options.caDir, options.keystore), {
        days: parseIntegerOption(options.days, '--days', 1, 3650),
        now: new Date(),
      });
      output(io, options.out, pemEncode('X509 CRL', der));
    }),
  );

  withCa(ca.command('list').description('the certificates this CA issued')).action(
    pkiAction((options: CaOptions) => {
      const authority = openCa(options.caDir, options.keystore);
      io.stdout(
        `CA ${authority.name}: ${new X509Certificate(authority.certificateDer).subject.replace(/\n/g, ',')}\n`,
      );
      for (const entry of readIndex(authority.dir)) {
        const state =
          entry.revoked === undefined ? 'valid' : `revoked ${entry.revoked.at} (${entry.revoked.reason})`;
        io.stdout(`${entry.serial.padStart(4)}  ${entry.notAfter}  ${state}  ${entry.subject}\n`);
      }
    }),
  );

  withCa(ca.command('requests').description('the enrollment requests the SCEP server received')).action(
    pkiAction((options: CaOptions) => {
      const authority = openCa(options.caDir, options.keystore);
      io.stdout(
        'Enrollment Request Database:\nReqID             State     Received                  Subject\n',
      );
      for (const request of listRequests(authority)) {
        const serial = request.serial === undefined ? '' : ` (serial ${request.serial})`;
        io.stdout(
          `${request.id}  ${request.state.padEnd(8)}  ${request.received}  ${request.subject}${serial}\n`,
        );
      }
    }),
  );

  withCa(
    ca
      .command('grant')
      .description('grant a pending enrollment request (IOS crypto pki server NAME grant ID)')
      .argument('<id>', 'request ID from `pki ca requests`')
      .option('--days <days>', 'validity', '365'),
  ).action(
    pkiAction(async (id: string, options: CaOptions & { readonly days: string }) => {
      const authority = openCa(options.caDir, options.keystore);
      const days = parseIntegerOption(options.days, '--days', 1, 36500);
      const granted = await grant(authority, id, days, new Date());
      io.stdout(`request ${granted.id} ${granted.subject}: granted, serial ${granted.serial ?? '?'}\n`);
    }),
  );

  withCa(
    ca
      .command('reject')
      .description('reject a pending enrollment request')
      .argument('<id>', 'request ID from `pki ca requests`'),
  ).action(
    pkiAction((id: string, options: CaOptions) => {
      const rejected = reject(openCa(options.caDir, options.keystore), id);
      io.stdout(`request ${rejected.id} ${rejected.subject}: rejected\n`);
    }),
  );
}
