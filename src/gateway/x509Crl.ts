// A CRL as fetched from a distribution point: DER (RFC 5280 §5) or PEM, read with pkijs's
// parser only to know it is one and when it expires; the engine's path validation checks it.

import * as pkijs from 'pkijs';

export class X509Crl {
  private constructor(
    readonly der: Uint8Array,
    readonly nextUpdate: number | undefined,
    readonly revoked: number,
  ) {}

  static read(body: Uint8Array): X509Crl {
    const text = Buffer.from(body).toString('latin1');
    const pem = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(text);
    const der = pem?.[1] ? new Uint8Array(Buffer.from(pem[1].replace(/\s+/g, ''), 'base64')) : body;
    let crl: pkijs.CertificateRevocationList;
    try {
      crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(der).buffer);
    } catch {
      throw new Error('not a CRL (neither DER nor PEM)');
    }
    return new X509Crl(der, crl.nextUpdate?.value.getTime(), crl.revokedCertificates?.length ?? 0);
  }
}
