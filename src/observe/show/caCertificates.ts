// `show crypto ca certificates` in the IOS 12.x layout: the router's and the CA's certificates
// of each `crypto ca certificate chain`, with status, serial, key usage, subject and validity.

import { X509Certificate } from 'node:crypto';
import type { CertificateBlock } from '../../policy/model.js';

export interface CaCertificateView {
  readonly trustpoint: string;
  readonly role: CertificateBlock['role'];
  readonly serial: string;
  readonly status: 'Available' | 'Unusable';
  readonly keyUsage: string;
  readonly subject?: string;
  readonly issuer?: string;
  readonly notBefore?: string;
  readonly notAfter?: string;
}

const KEY_USAGE_OID = [0x55, 0x1d, 0x0f];

/** keyUsage's first bits byte (RFC 5280 §4.2.1.3), found after its OID; undefined when absent. */
function keyUsageBits(der: Uint8Array): number | undefined {
  for (let i = 0; i + 10 < der.length; i++) {
    if (der[i] !== 0x06 || der[i + 1] !== 3 || KEY_USAGE_OID.some((b, k) => der[i + 2 + k] !== b)) continue;
    let p = i + 5;
    if (der[p] === 0x01) p += 3; // critical BOOLEAN
    // OCTET STRING { BIT STRING { unused-bits, bits... } }
    if (der[p] !== 0x04 || der[p + 2] !== 0x03) return undefined;
    return der[p + 5];
  }
  return undefined;
}

function usageText(bits: number | undefined): string {
  if (bits === undefined) return 'Not Set';
  const sign = (bits & 0xc0) !== 0;
  const encr = (bits & 0x30) !== 0;
  return sign && encr ? 'General Purpose' : sign ? 'Signature' : encr ? 'Encryption' : 'Not Set';
}

/** IOS's date in show output: `06:07:49 UTC Jan 13 1996`. */
export function iosDate(text: string): string {
  const d = new Date(text);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${d.toISOString().slice(11, 19)} UTC ${month} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

export function caCertificateViews(blocks: readonly CertificateBlock[]): CaCertificateView[] {
  return blocks.map((b) => {
    const base = { trustpoint: b.trustpoint, role: b.role, serial: b.serial.toUpperCase() };
    if (b.der === undefined) return { ...base, status: 'Unusable', keyUsage: 'Not Set' };
    try {
      const der = Buffer.from(b.der, 'hex');
      const x = new X509Certificate(der);
      return {
        ...base,
        status: 'Available',
        keyUsage: usageText(keyUsageBits(der)),
        subject: x.subject.split('\n').join(', '),
        issuer: x.issuer.split('\n').join(', '),
        notBefore: iosDate(x.validFrom),
        notAfter: iosDate(x.validTo),
      };
    } catch {
      return { ...base, status: 'Unusable', keyUsage: 'Not Set' };
    }
  });
}

export function formatCaCertificates(views: readonly CaCertificateView[]): string {
  const out: string[] = [];
  for (const v of views) {
    out.push(v.role === 'ca' ? 'CA Certificate' : v.role === 'ra' ? 'RA Certificate' : 'Certificate');
    out.push(
      `  Status: ${v.status}`,
      `  Certificate Serial Number: ${v.serial}`,
      `  Key Usage: ${v.keyUsage}`,
    );
    if (v.subject !== undefined) out.push('  Subject Name', `    ${v.subject}`);
    if (v.issuer !== undefined) out.push('  Issuer Name', `    ${v.issuer}`);
    if (v.notBefore !== undefined && v.notAfter !== undefined)
      out.push('  Validity Date:', `    start date: ${v.notBefore}`, `    end   date: ${v.notAfter}`);
    out.push(`  Associated Trustpoints: ${v.trustpoint}`, '');
  }
  return out.join('\n') + (out.length > 0 ? '\n' : '');
}
