// The peer's public certificate, owned by the peer's user, is how this instance authenticates the
// peer's endpoint. Default route: CERTENCODED on the peer → CREATE CERTIFICATE … FROM BINARY here
// (2012+, no file to copy). Older instances: the file route (BACKUP CERTIFICATE → UNC → FROM FILE).
// Either way the imported certificate must be the peer's current one (same thumbprint).
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { assertNotExpired, certificateQuery, type CertificateRow } from './create-certificate.js';
import { CheckFailedError, firstRow, type SqlTarget } from './step.js';
import { Statement, hex, id, lit, tsql } from './tsql.js';

export interface PeerCertificate {
  /** Where it is imported. */
  target: SqlTarget;
  /** Whose certificate it is. */
  peer: SqlTarget;
  certificate: string;
  user: string;
}

function thumbprintHex(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex').toUpperCase();
  return String(value ?? '')
    .replace(/^0x/i, '')
    .toUpperCase();
}

const ownerQuery = (certificate: string) =>
  tsql`SELECT dp.name AS owner FROM master.sys.certificates c LEFT JOIN master.sys.database_principals dp ON dp.principal_id = c.principal_id WHERE c.name = ${lit(certificate)}`;

const versionQuery = tsql`SELECT CAST(SERVERPROPERTY(${lit('ProductMajorVersion')}) AS int) AS major`;

async function majorVersion(ctx: StepContext, target: SqlTarget): Promise<number | undefined> {
  const row = await firstRow<{ major: number | null }>(ctx, target, versionQuery);
  return row?.major ?? undefined;
}

async function probeImported(ctx: StepContext, spec: PeerCertificate) {
  const local = await firstRow<CertificateRow>(ctx, spec.target, certificateQuery(spec.certificate));
  if (!local) return { done: false, detail: `no certificate ${spec.certificate} on the ${spec.target}` };
  const source = await firstRow<CertificateRow>(ctx, spec.peer, certificateQuery(spec.certificate));
  if (source && thumbprintHex(source.thumbprint) !== thumbprintHex(local.thumbprint)) {
    throw new CheckFailedError(
      `certificate ${spec.certificate} on the ${spec.target} is not the ${spec.peer}'s current certificate (thumbprints differ); the ${spec.peer}'s endpoint would be refused (28045)`,
      `on the ${spec.target}: DROP CERTIFICATE [${spec.certificate}] (the stale copy), then resume to import the current one`,
    );
  }
  assertNotExpired(local, spec.target, new Date());
  // The owner decides which login the peer's endpoint authenticates as: another user's login has
  // no CONNECT on the endpoint, and the handshake fails (28034) while everything looks in place.
  const owner = await firstRow<{ owner: string | null }>(ctx, spec.target, ownerQuery(spec.certificate));
  if ((owner?.owner ?? '').toLowerCase() !== spec.user.toLowerCase()) {
    throw new CheckFailedError(
      `certificate ${spec.certificate} on the ${spec.target} is owned by ${owner?.owner ?? 'no user'}, not ${spec.user}: the ${spec.peer}'s endpoint would log in as that user's login, which has no CONNECT (28034)`,
      `on the ${spec.target}: ALTER AUTHORIZATION ON CERTIFICATE::[${spec.certificate}] TO [${spec.user}], or name that user in auth.users.${spec.peer}, then resume`,
    );
  }
  return { done: true, detail: `certificate ${spec.certificate} of the ${spec.peer} is in master on the ${spec.target}, owned by ${spec.user}` };
}

/** `scriptRoute`: how a SQLCMD script, which cannot carry bytes from one server to the next, moves
 * the certificate instead — the file route (BACKUP CERTIFICATE on the peer, FROM FILE here). */
export function importPeerCertificateFromBinary(spec: PeerCertificate, scriptRoute?: CertificateFile): StepDefinition {
  const read = tsql`SELECT CERTENCODED(CERT_ID(${lit(spec.certificate)})) AS der`;
  const create = (der: Uint8Array) =>
    tsql`USE master; CREATE CERTIFICATE ${id('certificate', spec.certificate)} AUTHORIZATION ${id('user', spec.user)} FROM BINARY = ${hex(der)}`;
  const planned = new Statement(
    `USE master; CREATE CERTIFICATE ${id('certificate', spec.certificate).quoted} AUTHORIZATION ${id('user', spec.user).quoted} FROM BINARY = 0x… /* CERTENCODED from the ${spec.peer} */`,
    () => {
      throw new Error('the planned FROM BINARY statement is filled in at apply time');
    },
  );
  return {
    id: `${spec.target}.peer-certificate.${spec.certificate}`,
    title: `Import the ${spec.peer}'s certificate ${spec.certificate} on the ${spec.target} (CERTENCODED → FROM BINARY)`,
    target: spec.target,
    probe: (ctx) => probeImported(ctx, spec),
    async apply(ctx) {
      for (const role of [spec.peer, spec.target]) {
        const major = await majorVersion(ctx, role);
        if (major === undefined || major < 11) {
          throw new CheckFailedError(
            `the ${role} is older than SQL Server 2012 and has no CERTENCODED / FROM BINARY`,
            'set auth.exchange: file in the config (and backup.mirrorDirectory / backup.principalReadsFrom) to exchange certificates through files',
          );
        }
      }
      const row = await firstRow<{ der: Uint8Array | null }>(ctx, spec.peer, read);
      if (!row?.der || row.der.length === 0) {
        throw new CheckFailedError(
          `the ${spec.peer} has no certificate ${spec.certificate}`,
          `run the ${spec.peer}'s certificate step first (certificate-setup creates it)`,
        );
      }
      await ctx.sql(spec.target, create(row.der));
    },
    verify: (ctx) => probeImported(ctx, spec),
    plan: () => [
      { target: spec.peer, tsql: read },
      { target: spec.target, tsql: planned },
    ],
    ...(scriptRoute
      ? {
          script: () => ({
            statements: [
              { target: spec.peer, tsql: backupCertificate(spec.certificate, scriptRoute) },
              { target: spec.target, tsql: createFromFile(spec, scriptRoute) },
            ],
            note: `a script cannot carry CERTENCODED bytes from one server to the other: the ${spec.peer} writes the certificate's public part to ${scriptRoute.writtenAt}, the ${spec.target} reads it as ${scriptRoute.readFrom}`,
          }),
        }
      : {}),
  };
}

const backupCertificate = (certificate: string, file: CertificateFile) =>
  tsql`USE master; BACKUP CERTIFICATE ${id('certificate', certificate)} TO FILE = ${lit(file.writtenAt)}`;
const createFromFile = (spec: PeerCertificate, file: CertificateFile) =>
  tsql`USE master; CREATE CERTIFICATE ${id('certificate', spec.certificate)} AUTHORIZATION ${id('user', spec.user)} FROM FILE = ${lit(file.readFrom)}`;

export interface CertificateFile {
  /** Path on the peer's host where BACKUP CERTIFICATE writes. */
  writtenAt: string;
  /** The same file as the target's service account reads it (UNC). */
  readFrom: string;
}

export function exportCertificateToFile(peer: SqlTarget, certificate: string, file: CertificateFile, importedOn: PeerCertificate): StepDefinition {
  const backup = backupCertificate(certificate, file);
  return {
    id: `${peer}.certificate-file.${certificate}`,
    title: `Write the public part of ${certificate} to ${file.writtenAt} on the ${peer}`,
    target: peer,
    async probe(ctx) {
      const imported = await firstRow(ctx, importedOn.target, certificateQuery(certificate));
      return imported
        ? { done: true, detail: `the ${importedOn.target} already holds ${certificate}; no file needed` }
        : { done: false, detail: `the ${importedOn.target} does not hold ${certificate} yet` };
    },
    async apply(ctx) {
      try {
        await ctx.sql(peer, backup);
      } catch (error) {
        // A file left by an earlier attempt is fine: the import checks the thumbprint.
        if ((error as { number?: number }).number !== 15240) throw error;
        ctx.note(`${file.writtenAt} already exists; the import will check that it is the current certificate`);
      }
    },
    async verify() {
      return { done: true, detail: `written to ${file.writtenAt}` };
    },
    plan: () => [{ target: peer, tsql: backup }],
  };
}

export function importPeerCertificateFromFile(spec: PeerCertificate, file: CertificateFile): StepDefinition {
  const create = createFromFile(spec, file);
  return {
    id: `${spec.target}.peer-certificate.${spec.certificate}`,
    title: `Import the ${spec.peer}'s certificate ${spec.certificate} on the ${spec.target} from ${file.readFrom}`,
    target: spec.target,
    probe: (ctx) => probeImported(ctx, spec),
    async apply(ctx) {
      await ctx.sql(spec.target, create);
    },
    verify: (ctx) => probeImported(ctx, spec),
    plan: () => [{ target: spec.target, tsql: create }],
  };
}
