// Non-domain setup (the seed's "Non-Domain Setup", done better): per instance a master key, its own
// certificate with explicit dates, the endpoint with certificate auth (AES); then, on each
// instance, for each peer: login, user, the peer's certificate (CERTENCODED → FROM BINARY, or the
// file route for pre-2012 instances) and CONNECT on the endpoint. Outbound before inbound.
import type { MirrorbookConfig, PartnerRole, ServerConfig } from '../config/types.js';
import { endpointNameOf, partners } from '../config/types.js';
import type { ProcedureDefinition, StepDefinition } from '../machines/procedure.js';
import { certificateDates } from '../steps/certificate-dates.js';
import { createCertificate } from '../steps/create-certificate.js';
import { createEndpoint, startEndpoint } from '../steps/create-endpoint.js';
import { realignEncryption } from '../steps/endpoint-encryption.js';
import { createSqlLogin } from '../steps/create-login.js';
import { createMasterKey } from '../steps/create-master-key.js';
import { createUser } from '../steps/create-user.js';
import { grantEndpointConnect } from '../steps/grant-endpoint-connect.js';
import { exportCertificateToFile, importPeerCertificateFromBinary, importPeerCertificateFromFile } from '../steps/import-peer-certificate.js';
import { UsageError } from '../errors/operator-error.js';

/** Which instances hold a login/certificate for which: partners for each other and the witness;
 * the witness for both partners. */
function peersOf(role: PartnerRole, servers: ServerConfig[]): PartnerRole[] {
  return servers.map((s) => s.role).filter((r) => r !== role);
}

function certificateFile(config: MirrorbookConfig, peer: PartnerRole, certificate: string) {
  const { backup } = config;
  const dir = peer === 'principal' ? backup.directory : backup.mirrorDirectory;
  const readBy = peer === 'principal' ? backup.mirrorReadsFrom : backup.principalReadsFrom;
  if (!dir || !readBy || peer === 'witness') {
    throw new UsageError(
      'auth.exchange: file supports a principal and a mirror only',
      'use auth.exchange: binary with a witness (SQL Server 2012+), or set backup.mirrorDirectory and backup.principalReadsFrom',
    );
  }
  const trim = (p: string) => p.replace(/\\+$/, '');
  return { writtenAt: `${trim(dir)}\\${certificate}.cer`, readFrom: `${trim(readBy)}\\${certificate}.cer` };
}

/** A SQLCMD script cannot carry CERTENCODED bytes from one server to another: it moves each
 * certificate as a file through the principal's backup folder instead (the vendor guide's route),
 * which the principal reaches locally and the others as backup.mirrorReadsFrom. */
function scriptedCertificateFile(config: MirrorbookConfig, peer: PartnerRole, target: PartnerRole, certificate: string) {
  const trim = (p: string) => p.replace(/\\+$/, '');
  const at = (role: PartnerRole) => `${trim(role === 'principal' ? config.backup.directory : config.backup.mirrorReadsFrom)}\\${certificate}.cer`;
  return { writtenAt: at(peer), readFrom: at(target) };
}

export function certificateSetupSteps(config: MirrorbookConfig, now: Date): StepDefinition[] {
  const { auth } = config;
  if (auth.mode !== 'certificate')
    throw new UsageError('certificate-setup needs auth.mode: certificate', 'use domain-setup for auth.mode: domain, or change auth.mode');
  const { masterKeyPassword, endpointLoginPassword } = config.secrets;
  if (!masterKeyPassword || !endpointLoginPassword) throw new UsageError('certificate-setup needs secrets.masterKeyPassword and secrets.endpointLoginPassword');
  const servers = partners(config);
  const dates = certificateDates(now, auth.backdateDays, auth.expiryYears);
  const steps: StepDefinition[] = [];
  for (const server of servers) {
    const own = auth.names[server.role].certificate;
    steps.push(
      createMasterKey(server.role, masterKeyPassword),
      createCertificate(server.role, own, `${server.role.toUpperCase()} mirroring certificate for ${server.instance}`, dates),
      createEndpoint(server.role, config.endpoint, { kind: 'certificate', certificate: own }),
      startEndpoint(server.role, config.endpoint),
    );
  }
  steps.push(...realignEncryption(config, servers));
  for (const server of servers) {
    for (const peer of peersOf(server.role, servers)) {
      const names = auth.names[peer];
      steps.push(createSqlLogin(server.role, names.login, endpointLoginPassword), createUser(server.role, names.user, names.login));
      const spec = { target: server.role, peer, certificate: names.certificate, user: names.user };
      if (auth.exchange === 'file') {
        const file = certificateFile(config, peer, names.certificate);
        steps.push(exportCertificateToFile(peer, names.certificate, file, spec), importPeerCertificateFromFile(spec, file));
      } else {
        steps.push(importPeerCertificateFromBinary(spec, scriptedCertificateFile(config, peer, server.role, names.certificate)));
      }
      steps.push(grantEndpointConnect(server.role, endpointNameOf(config.endpoint, server.role), names.login));
    }
  }
  return steps;
}

export function certificateSetup(config: MirrorbookConfig, now: Date): ProcedureDefinition {
  return { name: 'certificate-setup', title: 'Certificate authentication between the partners (non-domain setup)', steps: certificateSetupSteps(config, now) };
}
