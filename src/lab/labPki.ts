// The lab's certificate authority, made in memory when a scenario with `labCa` starts: the
// chapter's certificates expired in 1999 and their private keys are not printed, so each trust
// point's `crypto ca certificate chain` is replaced by certificates this CA issues for key
// pairs made now. With usage keys (`crypto key generate rsa usage-keys`, as Example 13-7 holds)
// a router gets a signing and an encryption key pair and one certificate for each; the CA
// certificate goes to every router, so they trust each other. Nothing is written to disk.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { signCertificateSync } from '../pki/certificate.js';
import { caExtensions, endEntityExtensions, KeyUsageBit } from '../pki/extensions.js';
import { generateRsaKey } from '../pki/keygen.js';
import { defaultKeyLabel, type KeyUsage, type StoredKeyPair } from '../pki/keystore.js';
import { parseDn } from '../pki/name.js';
import { publicKeyInfo, randomSerial, serialHex } from '../pki/pkix.js';
import type { CertificateBlock, RouterConfig } from '../policy/model.js';

/** The CA of the chapter's certificates (their issuer: O=Cisco Systems, OU=Devtest, CN=CISCOCA-ULTRA). */
const CA_SUBJECT = 'O=Cisco Systems, OU=Devtest, CN=CISCOCA-ULTRA';
const MODULUS = 2048;
const DAY_MS = 86_400_000;

export interface LabCaOptions {
  /** A signing and an encryption key pair per router (else one general-purpose pair). */
  readonly usageKeys: boolean;
}

/** What one router gets: its configuration with the lab's chains, its signing keys and key pairs. */
export interface LabRouterPki {
  readonly config: RouterConfig;
  /** Signing key by trust point name (IkeManagerOptions.pki.signingKeys). */
  readonly signingKeys: ReadonlyMap<string, KeyObject>;
  /** The router's key pairs, as `show crypto key mypubkey rsa` lists them. */
  readonly keyPairs: readonly StoredKeyPair[];
}

interface Issuer {
  readonly key: KeyObject;
  readonly der: Uint8Array;
  readonly serial: string;
}

function certificateBlock(trustpoint: string, role: CertificateBlock['role'], c: Issuer): CertificateBlock {
  return { trustpoint, role, serial: c.serial, der: Buffer.from(c.der).toString('hex') };
}

/** The router's WAN address (the interface with a crypto map): its certificate carries it. */
function wanAddress(config: RouterConfig): string | undefined {
  return config.interfaces.find((i) => i.cryptoMap !== undefined && i.address !== undefined)?.address;
}

export function labCaCredentials(
  configs: readonly RouterConfig[],
  options: LabCaOptions,
  now: Date = new Date(),
): LabRouterPki[] {
  // Valid from an hour ago: the routers' wall clocks need not agree to the second.
  const notBefore = new Date(now.getTime() - 3600_000);
  const caKey = generateRsaKey(MODULUS);
  const caSpki = publicKeyInfo(caKey);
  const caName = parseDn(CA_SUBJECT);
  const caSerial = randomSerial();
  const ca: Issuer = {
    key: caKey,
    serial: serialHex(caSerial),
    der: signCertificateSync(
      {
        serialNumber: caSerial,
        issuer: caName,
        subject: caName,
        notBefore,
        notAfter: new Date(now.getTime() + 365 * DAY_MS),
        subjectPublicKeyInfo: caSpki,
        extensions: caExtensions(caSpki),
      },
      caKey,
    ).der,
  };

  const issue = (key: KeyObject, fqdn: string, address: string | undefined, usage: number): Issuer => {
    const spki = publicKeyInfo(key);
    const serial = randomSerial();
    const { der } = signCertificateSync(
      {
        serialNumber: serial,
        issuer: caName,
        subject: parseDn(`O=Cisco Systems, CN=${fqdn}`),
        notBefore,
        notAfter: new Date(now.getTime() + 30 * DAY_MS),
        subjectPublicKeyInfo: spki,
        extensions: endEntityExtensions(spki, caSpki, usage, {
          dns: [fqdn],
          ip: address === undefined ? [] : [address],
          email: [],
        }),
      },
      caKey,
    );
    return { key, der, serial: serialHex(serial) };
  };

  return configs.map((config) => {
    const fqdn = defaultKeyLabel(config.hostname, config.domainName);
    const address = wanAddress(config);
    const signingKeys = new Map<string, KeyObject>();
    const keyPairs: StoredKeyPair[] = [];
    const certificates: CertificateBlock[] = [];
    for (const tp of config.trustpoints) {
      const label = tp.rsakeypair ?? fqdn;
      const usages: readonly KeyUsage[] = options.usageKeys ? ['sign', 'encr'] : ['general'];
      const issued = usages.map((usage) => {
        const bits =
          usage === 'sign'
            ? KeyUsageBit.digitalSignature
            : usage === 'encr'
              ? KeyUsageBit.keyEncipherment
              : KeyUsageBit.digitalSignature | KeyUsageBit.keyEncipherment;
        const key = generateRsaKey(MODULUS);
        keyPairs.push({ label, usage, publicKey: createPublicKey(key), generatedAt: now });
        if (usage !== 'encr') signingKeys.set(tp.name, key);
        return issue(key, fqdn, address, bits);
      });
      // Example 13-7's order: the signing certificate, the CA's, the encryption certificate.
      const [first, ...rest] = issued;
      if (first) certificates.push(certificateBlock(tp.name, 'router', first));
      certificates.push(certificateBlock(tp.name, 'ca', ca));
      for (const c of rest) certificates.push(certificateBlock(tp.name, 'router', c));
    }
    const others = config.certificates.filter(
      (c) => !config.trustpoints.some((t) => t.name === c.trustpoint),
    );
    return { config: { ...config, certificates: [...others, ...certificates] }, signingKeys, keyPairs };
  });
}
