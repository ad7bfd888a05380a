// Certificates made by strongSwan's `pki` tool (an issuer independent of typeswan): RSA keys,
// a self-signed CA, certificates it issues, CRLs. Synchronous; files live in `dir`.

import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PKI = '/usr/bin/pki';

export function pkiSkipReason(): string | undefined {
  return existsSync(PKI)
    ? undefined
    : `strongSwan's pki tool is missing (${PKI}; .ci/run installs strongswan-pki)`;
}

export interface Issued {
  readonly name: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly der: Uint8Array;
  readonly pem: string;
  readonly key: KeyObject;
}

export interface IssueOptions {
  readonly dn: string;
  readonly sans?: readonly string[];
  readonly ca?: boolean;
  readonly pathlen?: number;
  readonly lifetimeDays?: number;
  /** strptime `%s` (seconds since the epoch). */
  readonly notBefore?: number;
  readonly notAfter?: number;
  readonly crlUri?: string;
  readonly flags?: readonly string[];
  readonly serial?: string;
}

export class SwanPki {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private pki(args: readonly string[]): Buffer {
    return execFileSync(PKI, [...args], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
  }

  private load(name: string, certFile: string, keyFile: string): Issued {
    const pem = readFileSync(certFile, 'utf8');
    return {
      name,
      certFile,
      keyFile,
      pem,
      der: new Uint8Array(new X509Certificate(pem).raw),
      key: createPrivateKey(readFileSync(keyFile)),
    };
  }

  key(name: string, bits = 2048): string {
    const file = join(this.dir, `${name}.key.pem`);
    if (!existsSync(file))
      execFileSync('sh', [
        '-c',
        `${PKI} --gen --type rsa --size ${bits} --outform pem > ${file} 2>/dev/null`,
      ]);
    return file;
  }

  selfSigned(name: string, o: IssueOptions): Issued {
    const keyFile = this.key(name);
    const certFile = join(this.dir, `${name}.cert.pem`);
    const args = ['--self', '--in', keyFile, '--type', 'rsa', '--dn', o.dn, '--outform', 'pem'];
    if (o.ca ?? true) args.push('--ca');
    args.push(...this.validity(o));
    if (o.pathlen !== undefined) args.push('--pathlen', String(o.pathlen));
    execFileSync('sh', ['-c', `${PKI} "$@" > ${certFile} 2>/dev/null`, 'pki', ...args]);
    return this.load(name, certFile, keyFile);
  }

  issue(name: string, issuer: Issued, o: IssueOptions): Issued {
    const keyFile = this.key(name);
    const certFile = join(this.dir, `${name}.cert.pem`);
    const pub = join(this.dir, `${name}.pub.pem`);
    execFileSync('sh', ['-c', `${PKI} --pub --in ${keyFile} --type rsa --outform pem > ${pub} 2>/dev/null`]);
    const args = [
      '--issue',
      '--in',
      pub,
      '--type',
      'pub',
      '--cacert',
      issuer.certFile,
      '--cakey',
      issuer.keyFile,
    ];
    args.push('--dn', o.dn, '--outform', 'pem', ...this.validity(o));
    for (const san of o.sans ?? []) args.push('--san', san);
    if (o.ca) args.push('--ca');
    if (o.pathlen !== undefined) args.push('--pathlen', String(o.pathlen));
    if (o.crlUri !== undefined) args.push('--crl', o.crlUri);
    if (o.serial !== undefined) args.push('--serial', o.serial);
    for (const f of o.flags ?? []) args.push('--flag', f);
    execFileSync('sh', ['-c', `${PKI} "$@" > ${certFile} 2>/dev/null`, 'pki', ...args]);
    return this.load(name, certFile, keyFile);
  }

  /** `pki --keyid` of a certificate: its subjectKeyIdentifier and key hashes. */
  keyIds(c: Issued): string {
    return this.pki(['--keyid', '--in', c.certFile, '--type', 'x509']).toString();
  }

  /** A DER CRL from `ca` revoking `revoked`. */
  crl(ca: Issued, revoked: readonly Issued[]): Uint8Array {
    const args = ['--signcrl', '--cacert', ca.certFile, '--cakey', ca.keyFile, '--lifetime', '30'];
    for (const r of revoked) args.push('--reason', 'key-compromise', '--cert', r.certFile);
    return new Uint8Array(this.pki([...args, '--outform', 'der']));
  }

  private validity(o: IssueOptions): string[] {
    if (o.notBefore !== undefined && o.notAfter !== undefined)
      return ['--dateform', '%s', '--not-before', String(o.notBefore), '--not-after', String(o.notAfter)];
    return ['--lifetime', String(o.lifetimeDays ?? 30)];
  }
}
