// The instance's own endpoint certificate: self-signed, private key protected by the master key
// (never ENCRYPTION BY PASSWORD — the endpoint could not use it, 28055), explicit dates.
import { asDate, type CertificateDates } from './certificate-dates.js';
import { CheckFailedError, firstRow, sqlStep, type SqlTarget } from './step.js';
import { id, lit, tsql } from './tsql.js';

export interface CertificateRow {
  name: string;
  pvt_key_encryption_type: string;
  start_date: unknown;
  expiry_date: unknown;
  thumbprint: unknown;
}

export const certificateQuery = (name: string) =>
  tsql`SELECT name, pvt_key_encryption_type, start_date, expiry_date, thumbprint FROM master.sys.certificates WHERE name = ${lit(name)}`;

/** Refuses an expired certificate: mirroring handshakes with it fail (28024/28025). */
export function assertNotExpired(row: CertificateRow, where: string, now: Date): void {
  const expiry = asDate(row.expiry_date);
  if (expiry && expiry.getTime() <= now.getTime()) {
    throw new CheckFailedError(
      `certificate ${row.name} on the ${where} expired on ${expiry.toISOString().slice(0, 10)}; mirroring connections that use it will fail (28024/28025)`,
      `replace it: on the ${where}, drop what depends on it (the endpoint, or the peer certificate's owner) and the certificate — DROP CERTIFICATE [${row.name}] — then resume; mirrorbook creates a new one valid for the configured years`,
    );
  }
}

export function createCertificate(target: SqlTarget, name: string, subject: string, dates: CertificateDates) {
  return sqlStep({
    id: `${target}.certificate`,
    title: `Create certificate ${name} on the ${target} (valid ${dates.start}–${dates.expiry})`,
    target,
    statements: [
      tsql`USE master; CREATE CERTIFICATE ${id('certificate', name)} WITH SUBJECT = ${lit(subject)}, START_DATE = ${lit(dates.start)}, EXPIRY_DATE = ${lit(dates.expiry)}`,
    ],
    async probe(ctx) {
      const row = await firstRow<CertificateRow>(ctx, target, certificateQuery(name));
      if (!row) return { done: false, detail: `no certificate ${name}` };
      if (String(row.pvt_key_encryption_type).trim() !== 'MK') {
        throw new CheckFailedError(
          `certificate ${name} exists on the ${target} but its private key is ${String(row.pvt_key_encryption_type).trim() === 'NA' ? 'missing' : 'not protected by the master key'}, so the endpoint cannot use it (28055)`,
          `check that auth.certificates names this instance's own certificate; drop the wrong one (DROP CERTIFICATE [${name}]) and resume`,
        );
      }
      assertNotExpired(row, target, new Date());
      const expiry = asDate(row.expiry_date);
      return { done: true, detail: `certificate ${name} exists, valid until ${expiry?.toISOString().slice(0, 10) ?? '?'}` };
    },
  });
}
