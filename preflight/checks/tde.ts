// A database under Transparent Data Encryption restores on the mirror only where master holds the
// certificate that protects its database encryption key — the same thumbprint, with a private key
// the server opens by itself (protected by the master key) — else RESTORE fails with 33111
// ("Cannot find server certificate with thumbprint …").
// https://learn.microsoft.com/sql/relational-databases/security/encryption/move-a-tde-protected-database-to-another-sql-server
import { joinTsql, lit, tsql } from '../../steps/tsql.js';
import { about, fail, ok, partnersOf, SETUP_PROCEDURES, type Finding, type PreflightCheck } from '../check.js';

const ID = 'tde';

interface KeyRow {
  name: string;
  encryption_state: number;
  encryptor_thumbprint: Buffer | null;
  encryptor_type: string | null;
}

interface CertificateRow {
  name: string;
  thumbprint: Buffer;
  pvt_key_encryption_type: string;
}

const hex = (bytes: Buffer): string => `0x${Buffer.from(bytes).toString('hex').toUpperCase()}`;
const certificatesQuery = tsql`SELECT name, thumbprint, pvt_key_encryption_type FROM master.sys.certificates`;

export const tdeCheck: PreflightCheck = {
  id: ID,
  title: 'a TDE-encrypted database has its certificate (same thumbprint, with its private key) on the mirror',
  procedures: SETUP_PROCEDURES,
  async run(ctx) {
    const principal = partnersOf(ctx).find((s) => s.role === 'principal');
    const mirror = partnersOf(ctx).find((s) => s.role === 'mirror');
    if (!principal) return [];
    const names = joinTsql(ctx.config.databases.map((d) => tsql`${lit(d)}`), ', ');
    const keys = await ctx.rows<KeyRow>('principal', tsql`SELECT d.name, k.encryption_state, k.encryptor_thumbprint, k.encryptor_type FROM sys.databases d JOIN sys.dm_database_encryption_keys k ON k.database_id = d.database_id WHERE d.name IN (${names})`);
    if (keys.length === 0) return [ok(ID, principal.config.instance, 'no configured database has a database encryption key')];
    const onPrincipal = await ctx.rows<CertificateRow>('principal', certificatesQuery);
    const onMirror = mirror ? await ctx.rows<CertificateRow>('mirror', certificatesQuery) : [];
    const where = ctx.servers.find((s) => s.role === 'mirror')?.config.instance ?? 'mirror';
    const findings: Finding[] = [];
    for (const key of keys) {
      if (key.encryptor_type !== 'CERTIFICATE' || !key.encryptor_thumbprint) {
        findings.push(about(fail(ID, principal.config.instance, `${key.name}'s encryption key is protected by ${key.encryptor_type ?? 'an unknown encryptor'}, not a certificate in master`, 'move the key provider (EKM) to the mirror by hand; mirrorbook checks certificate-protected keys only'), [key.name]));
        continue;
      }
      const thumbprint = hex(key.encryptor_thumbprint);
      const certificate = onPrincipal.find((c) => hex(c.thumbprint) === thumbprint)?.name ?? `the certificate with thumbprint ${thumbprint}`;
      const copy = onMirror.find((c) => hex(c.thumbprint) === thumbprint);
      const what = `${key.name} ${key.encryption_state === 3 ? 'is encrypted' : 'has an encryption key'} (TDE) by ${certificate}, thumbprint ${thumbprint}`;
      const move = `BACKUP CERTIFICATE [${certificate}] TO FILE = '…\\${certificate}.cer' WITH PRIVATE KEY (FILE = '…\\${certificate}.pvk', ENCRYPTION BY PASSWORD = '…') in master on ${principal.config.instance}; on ${where}: CREATE MASTER KEY (if it has none), then CREATE CERTIFICATE [${certificate}] FROM FILE = '…\\${certificate}.cer' WITH PRIVATE KEY (FILE = '…\\${certificate}.pvk', DECRYPTION BY PASSWORD = '…'); then run again`;
      if (!copy) findings.push(about(fail(ID, where, `${what}; ${where} does not have that certificate — its RESTORE would fail (33111)`, move), [key.name]));
      else if (copy.pvt_key_encryption_type !== 'MK') findings.push(about(fail(ID, where, `${what}; ${where} has it as ${copy.name} but ${copy.pvt_key_encryption_type === 'NA' ? 'without its private key' : 'with a private key protected by a password, not the master key'} — its RESTORE would fail (33111)`, `on ${where}: DROP CERTIFICATE [${copy.name}], then import it again WITH PRIVATE KEY: ${move}`), [key.name]));
      else findings.push(ok(ID, where, `${what}; ${where} holds it (${copy.name}) with its private key`));
    }
    return findings;
  },
};
