// A database under Transparent Data Encryption restores on the mirror only where the certificate
// that protects its database encryption key exists in master (else RESTORE fails, 33111).
// https://learn.microsoft.com/sql/relational-databases/security/encryption/move-a-tde-protected-database-to-another-sql-server
import { joinTsql, lit, tsql } from '../../steps/tsql.js';
import { fail, ok, partnersOf, SETUP_PROCEDURES, type Finding, type PreflightCheck } from '../check.js';

const ID = 'tde';

export const tdeCheck: PreflightCheck = {
  id: ID,
  title: 'a TDE-encrypted database has its certificate on the mirror',
  procedures: SETUP_PROCEDURES,
  async run(ctx) {
    const principal = partnersOf(ctx).find((s) => s.role === 'principal');
    const mirror = partnersOf(ctx).find((s) => s.role === 'mirror');
    if (!principal) return [];
    const names = joinTsql(ctx.config.databases.map((d) => tsql`${lit(d)}`), ', ');
    const encrypted = await ctx.rows<{ name: string }>('principal', tsql`SELECT name FROM sys.databases WHERE is_encrypted = 1 AND name IN (${names})`);
    if (encrypted.length === 0) return [ok(ID, principal.config.instance, 'no configured database is encrypted')];
    const findings: Finding[] = [];
    for (const { name } of encrypted) {
      const key = (await ctx.rows<{ certificate: string; thumbprint: Buffer }>('principal', tsql`SELECT c.name AS certificate, c.thumbprint FROM sys.dm_database_encryption_keys k JOIN master.sys.certificates c ON c.thumbprint = k.encryptor_thumbprint WHERE k.database_id = DB_ID(${lit(name)})`))[0];
      if (!key) {
        findings.push(fail(ID, principal.config.instance, `${name} is encrypted, and its encryptor is not a certificate in master`, 'find the encryptor in sys.dm_database_encryption_keys; mirrorbook checks certificate-protected keys only'));
        continue;
      }
      const hex = `0x${Buffer.from(key.thumbprint).toString('hex')}`;
      const onMirror = mirror ? await ctx.rows('mirror', tsql`SELECT name FROM master.sys.certificates WHERE CONVERT(varchar(130), thumbprint, 1) = ${lit(hex.toUpperCase())}`) : [];
      findings.push(onMirror.length
        ? ok(ID, mirror!.config.instance, `${name} is encrypted by ${key.certificate}; the mirror has that certificate`)
        : fail(ID, mirror?.config.instance ?? 'mirror', `${name} is encrypted by ${key.certificate} (thumbprint ${hex}); the mirror does not have that certificate`, `BACKUP CERTIFICATE ${key.certificate} WITH PRIVATE KEY on the principal, CREATE CERTIFICATE … FROM FILE on the mirror, then run again`));
    }
    return findings;
  },
};
