// `typeswan pki`: the router's keys and certificates outside the configuration, as IOS keeps
// them in NVRAM. `genkey` is `crypto key generate rsa [usage-keys] label L modulus N`, `req`
// writes a PKCS#10 request, `import`/`export` move a key pair and its certificates as PEM or
// PKCS#12, `ca` is a small CA and `authenticate`/`enroll`/`server` speak SCEP (pkiScep.ts).

import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Option, type Command } from 'commander';
import { createCsr } from '../pki/csr.js';
import { generateKeys } from '../pki/keygen.js';
import { certificateFile, keyFile, writeKeyPair, type KeyUsage } from '../pki/keystore.js';
import { derObjects, pemDecodeAll, pemEncode } from '../pki/pem.js';
import { readPkcs12, writePkcs12 } from '../pki/pkcs12.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import { registerPkiCa } from './pkiCa.js';
import {
  addSubjectOptions,
  altNamesOf,
  keystoreOption,
  output,
  parseIntegerOption,
  passwordSource,
  pkiAction,
  readInputFile,
  requireKey,
  type KeystoreOptions,
  type SubjectOptions,
} from './pkiOptions.js';
import { registerPkiScep } from './pkiScep.js';
import { readSecret, type SecretOptions } from './secret.js';

function addPasswordOptions(command: Command): Command {
  return command
    .option('--password-file <file>', 'read the password from the first line of FILE')
    .option('--password-env <var>', 'read the password from environment variable VAR');
}

function passwordOptions(options: { passwordFile?: string; passwordEnv?: string }): SecretOptions {
  return {
    ...(options.passwordFile !== undefined ? { file: options.passwordFile } : {}),
    ...(options.passwordEnv !== undefined ? { env: options.passwordEnv } : {}),
  };
}

const usageChoice = new Option('--usage <usage>', 'which key pair: general, sign or encr (usage keys)')
  .choices(['general', 'sign', 'encr'])
  .default('general');

interface GenkeyOptions extends KeystoreOptions {
  readonly label?: string;
  readonly usageKeys?: boolean;
  readonly modulus: string;
  readonly force?: boolean;
}

interface ReqOptions extends KeystoreOptions, SubjectOptions {
  readonly label: string;
  readonly usage: KeyUsage;
  readonly out?: string;
}

interface ExportOptions extends KeystoreOptions {
  readonly label: string;
  readonly usage: KeyUsage;
  readonly cert?: string;
  readonly pkcs12?: string;
  readonly pem?: string;
  readonly passwordFile?: string;
  readonly passwordEnv?: string;
}

interface ImportOptions extends KeystoreOptions {
  readonly label: string;
  readonly usage: KeyUsage;
  readonly cert?: string;
  readonly force?: boolean;
  readonly passwordFile?: string;
  readonly passwordEnv?: string;
}

export function registerPki(program: Command, io: CliIo): void {
  const pki = program
    .command('pki')
    .description('RSA keys, certificate requests, a small CA and SCEP enrollment');

  pki
    .command('genkey')
    .description('generate an RSA key pair in the key store (IOS crypto key generate rsa)')
    .option('--label <label>', "key label (default: this host's name, as IOS names its default keys)")
    .option('--usage-keys', 'a signing and an encryption pair (LABEL.sign.pem, LABEL.encr.pem)')
    .option('--modulus <bits>', 'modulus size in bits', '2048')
    .option('--force', 'replace key pairs of this label that exist')
    .addOption(keystoreOption())
    .action(
      pkiAction((options: GenkeyOptions) => {
        const label = options.label ?? hostname();
        const modulus = parseIntegerOption(options.modulus, '--modulus', 1024, 8192);
        io.stdout(`The name for the keys will be: ${label}\n`);
        const generated = generateKeys(options.keystore, label, {
          usageKeys: options.usageKeys === true,
          modulus,
          replace: options.force === true,
        });
        for (const key of generated) {
          const kind =
            key.usage === 'general' ? 'general purpose' : key.usage === 'sign' ? 'signature' : 'encryption';
          io.stdout(`% Generating ${modulus} bit RSA keys (${kind}) ...[OK] ${key.file}\n`);
        }
      }),
    );

  addSubjectOptions(
    pki
      .command('req')
      .description('write a PKCS#10 certificate request for a key of the key store')
      .requiredOption('--label <label>', 'key label')
      .addOption(usageChoice)
      .addOption(keystoreOption())
      .option('--out <file>', 'write the request here (PEM) instead of stdout'),
  ).action(
    pkiAction(async (options: ReqOptions) => {
      if (options.subject === undefined) throw new UsageError('--subject is required');
      const key = requireKey(options.keystore, options.label, options.usage);
      const der = await createCsr({ key, subject: options.subject, altNames: altNamesOf(options) });
      output(io, options.out, pemEncode('CERTIFICATE REQUEST', der));
    }),
  );

  addPasswordOptions(
    pki
      .command('export')
      .description('export a key pair and its certificates as PKCS#12 or encrypted PEM')
      .requiredOption('--label <label>', 'key label')
      .addOption(usageChoice)
      .addOption(keystoreOption())
      .option('--cert <file>', 'certificates (PEM, own first); default KEYSTORE/LABEL.crt when it exists')
      .option('--pkcs12 <file>', 'write a PKCS#12 file')
      .option('--pem <file>', 'write PEM: the key as ENCRYPTED PRIVATE KEY (AES-256), then the certificates'),
  ).action(
    pkiAction(async (options: ExportOptions) => {
      if ((options.pkcs12 === undefined) === (options.pem === undefined))
        throw new UsageError('give one of --pkcs12 FILE or --pem FILE');
      const key = requireKey(options.keystore, options.label, options.usage);
      const certPath = options.cert ?? certificateFile(options.keystore, options.label);
      const certificates =
        options.cert !== undefined || existsSync(certPath)
          ? derObjects(readInputFile(certPath, 'certificates'), 'CERTIFICATE')
          : [];
      if (options.pkcs12 !== undefined && certificates.length === 0)
        throw new UsageError(`no certificate for ${options.label}: give --cert FILE`);
      const password = await readSecret(passwordOptions(options), passwordSource, true);
      if (options.pkcs12 !== undefined) {
        const der = await writePkcs12({ key, certificates }, password, options.label);
        writeFileSync(options.pkcs12, der, { mode: 0o600 });
        io.stdout(
          `wrote ${options.pkcs12}: key ${options.label} and ${certificates.length} certificate(s)\n`,
        );
      } else if (options.pem !== undefined) {
        const encrypted = key.export({
          type: 'pkcs8',
          format: 'pem',
          cipher: 'aes-256-cbc',
          passphrase: password,
        });
        const pem = [String(encrypted), ...certificates.map((der) => pemEncode('CERTIFICATE', der))].join('');
        writeFileSync(options.pem, pem, { mode: 0o600 });
        io.stdout(`wrote ${options.pem}: key ${options.label} and ${certificates.length} certificate(s)\n`);
      }
    }),
  );

  addPasswordOptions(
    pki
      .command('import')
      .description('import a key pair (PKCS#12, or PEM key with certificates) into the key store')
      .argument('<file>', 'PKCS#12 (.p12/.pfx) or PEM file')
      .requiredOption('--label <label>', 'key label')
      .addOption(usageChoice)
      .addOption(keystoreOption())
      .option('--cert <file>', 'write the certificates here (default KEYSTORE/LABEL.crt)')
      .option('--force', 'replace a key pair of this label that exists'),
  ).action(
    pkiAction(async (file: string, options: ImportOptions) => {
      const content = readInputFile(file, 'key file');
      const existing = keyFile(options.keystore, options.label, options.usage);
      if (existsSync(existing) && options.force !== true)
        throw new UsageError(`${existing} exists; replace it with --force`);
      const { key, certificates } = await importKey(content, options);
      const keyPath = writeKeyPair(options.keystore, options.label, key, options.usage);
      io.stdout(`key ${options.label}: ${keyPath}\n`);
      if (certificates.length > 0) {
        const certPath = options.cert ?? certificateFile(options.keystore, options.label);
        writeFileSync(certPath, certificates.map((der) => pemEncode('CERTIFICATE', der)).join(''));
        io.stdout(`${certificates.length} certificate(s): ${certPath}\n`);
      }
    }),
  );

  registerPkiCa(pki, io);
  registerPkiScep(pki, io);
}

async function importKey(
  content: Buffer,
  options: ImportOptions,
): Promise<{ key: KeyObject; certificates: readonly Uint8Array[] }> {
  const text = content.toString('latin1');
  if (!text.includes('-----BEGIN ')) {
    const password = await readSecret(passwordOptions(options), passwordSource);
    return readPkcs12(new Uint8Array(content), password);
  }
  const blocks = pemDecodeAll(text);
  const keyBlock = blocks.find((block) => block.label.endsWith('PRIVATE KEY'));
  if (keyBlock === undefined) throw new UsageError('no PRIVATE KEY block in the PEM file');
  let passphrase: string | undefined;
  if (keyBlock.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type: 4,ENCRYPTED/.test(text))
    passphrase = await readSecret(passwordOptions(options), passwordSource);
  let key: KeyObject;
  try {
    const keyPem = text.slice(text.indexOf(`-----BEGIN ${keyBlock.label}-----`));
    key = createPrivateKey({
      key: keyPem,
      format: 'pem',
      ...(passphrase !== undefined ? { passphrase } : {}),
    });
  } catch {
    throw new UsageError(
      passphrase === undefined
        ? 'the private key does not decode'
        : 'the private key does not decrypt (wrong password?)',
    );
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new UsageError(`the key is ${key.asymmetricKeyType ?? 'unknown'}, not RSA`);
  const certificates = blocks.filter((block) => block.label === 'CERTIFICATE').map((block) => block.der);
  return { key, certificates };
}
