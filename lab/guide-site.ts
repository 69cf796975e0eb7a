// A site built by hand from the vendor guide ("Patriot Database Mirroring", Non-Domain Setup), the
// way many real Patriot sites were: its own statements, run batch by batch (split on GO, as SSMS
// does) through the instances' SQL handler, with the fields the guide marks in bold filled in as a
// site would — its example password Patriot12##, today's date and 20 years on, port 1430, C:\Temp —
// and each .cer file copied to the other server as the guide says. That leaves both endpoints with
// `ENCRYPTION = REQUIRED ALGORITHM RC4` and the guide's names (PRINCIPAL_cert, MIRROR_login …).
// The site's own Patriot backup job has run too (full and log backups of Patriot, a full backup of
// PatriotArchive, to .dat files), so msdb holds backup history mirrorbook did not write.

import { randomUUID } from 'node:crypto';
import type { LabState } from './model.js';
import { inProcessInstance } from './server/in-process.js';
import { readFile, writeFile } from './storage/files.js';
import type { SiteRoles } from './site.js';

export const GUIDE_PASSWORD = 'Patriot12##';

const mmddyyyy = (date: Date): string =>
  `${String(date.getUTCMonth() + 1).padStart(2, '0')}/${String(date.getUTCDate()).padStart(2, '0')}/${date.getUTCFullYear()}`;

/** "Principal Endpoint" / "Mirror Endpoint" of the guide, for PRINCIPAL or MIRROR: the master key
 * under `password`, the certificate from `now` for 20 years, the RC4 endpoint, the certificate's
 * backup in `certificateDirectory` (the guide's C:\Temp). */
export function guideEndpointScript(prefix: 'PRINCIPAL' | 'MIRROR', options: { now: Date; password: string; certificateDirectory: string }): string {
  const expiry = new Date(options.now);
  expiry.setUTCFullYear(expiry.getUTCFullYear() + 20);
  return `CREATE MASTER KEY ENCRYPTION BY PASSWORD = '${options.password.replace(/'/g, "''")}';
GO
USE master
CREATE CERTIFICATE ${prefix}_cert
WITH SUBJECT = '${prefix} certificate',
START_DATE = '${mmddyyyy(options.now)}',
EXPIRY_DATE = '${mmddyyyy(expiry)}'
GO
CREATE ENDPOINT Endpoint_Mirroring
STATE = STARTED
AS TCP ( LISTENER_PORT=1430, LISTENER_IP = ALL)
FOR DATABASE_MIRRORING (
AUTHENTICATION = CERTIFICATE ${prefix}_cert,
ENCRYPTION = REQUIRED ALGORITHM RC4,
ROLE = ALL);
GO
BACKUP CERTIFICATE ${prefix}_cert TO FILE = '${options.certificateDirectory}\\${prefix}_cert.cer';
GO
`;
}

const endpointScript = (prefix: 'PRINCIPAL' | 'MIRROR', now: Date): string =>
  guideEndpointScript(prefix, { now, password: GUIDE_PASSWORD, certificateDirectory: 'C:\\Temp' });

/** "Principal User" / "Mirror User" of the guide: the login, user and certificate standing for the
 * other server, the certificate read from `certificateDirectory` (the guide's C:\Temp). */
export function guideUserScript(peer: 'PRINCIPAL' | 'MIRROR', options: { password: string; certificateDirectory: string }): string {
  return `USE master;
CREATE LOGIN ${peer}_login WITH PASSWORD = '${options.password.replace(/'/g, "''")}';
GO
CREATE USER ${peer}_user FOR LOGIN ${peer}_login;
GO
CREATE CERTIFICATE ${peer}_cert
AUTHORIZATION ${peer}_user
FROM FILE = '${options.certificateDirectory}\\${peer}_cert.cer'
GO
GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [${peer}_login];
GO
`;
}

const userScript = (peer: 'PRINCIPAL' | 'MIRROR'): string => guideUserScript(peer, { password: GUIDE_PASSWORD, certificateDirectory: 'C:\\Temp' });

/** The site's own backup job (Patriot's backups are .dat files, the log beside them). */
const SITE_BACKUPS = `BACKUP DATABASE Patriot TO DISK = 'E:\\Backup\\Patriot.dat' WITH INIT
GO
BACKUP LOG Patriot TO DISK = 'E:\\Backup\\Patriot_log.dat' WITH INIT
GO
BACKUP DATABASE PatriotArchive TO DISK = 'E:\\Backup\\PatriotArchive.dat' WITH INIT
GO`;

async function runScript(lab: LabState, instance: string, login: { name: string; password: string }, script: string, now: Date): Promise<void> {
  const session = await inProcessInstance(lab, instance, { now: () => now }).login(login.name, login.password, 'master');
  if (!('query' in session)) throw new Error(`the guide site: cannot log in to ${instance}: ${session.message}`);
  try {
    for (const batch of script
      .split(/^GO$/m)
      .map((b) => b.trim())
      .filter(Boolean)) {
      const result = await session.query(batch);
      if (result.errors.length > 0)
        throw new Error(`the guide site: ${instance} refused "${batch.split('\n')[0]}": ${result.errors.map((e) => `${e.number} ${e.message}`).join('; ')}`);
    }
  } finally {
    session.close();
  }
}

/** Copies C:\Temp\<name> from one server to the same folder on the other, as the guide asks. */
function copyCertificateFile(lab: LabState, from: string, to: string, name: string): void {
  const path = `C:\\Temp\\${name}`;
  const { path: _source, ...content } = readFile(lab, lab.instances[from]!.host, path);
  writeFile(lab, lab.instances[to]!.host, path, content);
}

export async function buildGuideSite(lab: LabState, roles: SiteRoles, login: { name: string; password: string }, now: Date): Promise<void> {
  const principal = lab.instances[roles.principal]!;
  // The job that takes those backups exists on the principal only, as on a site that never
  // thought about the mirror: after a failover nothing backs up the databases.
  principal.agentJobs = [
    {
      jobId: randomUUID().toUpperCase(),
      name: 'Patriot - nightly backup',
      enabled: true,
      createdAt: now.toISOString(),
      steps: [
        {
          stepId: 1,
          stepName: 'Back up Patriot and PatriotArchive',
          subsystem: 'TSQL',
          command: SITE_BACKUPS.replace(/\nGO/g, ';').trim(),
          databaseName: 'master',
        },
      ],
    },
  ];
  const speed = principal.behaviour.backupMsPerGB;
  principal.behaviour.backupMsPerGB = 0; // the job ran before the lab started: no waiting now
  try {
    await runScript(lab, roles.principal, login, SITE_BACKUPS, now);
  } finally {
    principal.behaviour.backupMsPerGB = speed;
  }
  await runScript(lab, roles.principal, login, endpointScript('PRINCIPAL', now), now);
  await runScript(lab, roles.mirror, login, endpointScript('MIRROR', now), now);
  copyCertificateFile(lab, roles.principal, roles.mirror, 'PRINCIPAL_cert.cer');
  copyCertificateFile(lab, roles.mirror, roles.principal, 'MIRROR_cert.cer');
  await runScript(lab, roles.principal, login, userScript('MIRROR'), now);
  await runScript(lab, roles.mirror, login, userScript('PRINCIPAL'), now);
}
