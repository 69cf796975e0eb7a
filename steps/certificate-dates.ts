// START_DATE / EXPIRY_DATE for a new endpoint certificate. SQL Server reads them as UTC; the
// default expiry is one year, so mirrorbook always passes one (20 years unless configured). The
// start is backdated so a peer whose clock runs behind does not see a not-yet-valid certificate.
export interface CertificateDates {
  start: string;
  expiry: string;
}

function yyyymmdd(date: Date): string {
  return date.toISOString().slice(0, 10).replaceAll('-', '');
}

export function certificateDates(now: Date, backdateDays: number, expiryYears: number): CertificateDates {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - backdateDays));
  const expiry = new Date(Date.UTC(start.getUTCFullYear() + expiryYears, start.getUTCMonth(), start.getUTCDate()));
  return { start: yyyymmdd(start), expiry: yyyymmdd(expiry) };
}

/** Reads a datetime column value (Date from mssql, or a string) as a Date. */
export function asDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}
