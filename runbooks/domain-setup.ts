// Domain setup (the seed's "Domain Setup", done better): the service runs as the domain account
// (manual, verified), a login for that account, an endpoint with Windows auth, and CONNECT — not
// sysadmin, which the seed hands out but mirroring does not need.
import { UsageError } from '../errors/operator-error.js';
import type { MirrorbookConfig } from '../config/types.js';
import { endpointNameOf, partners } from '../config/types.js';
import type { ProcedureDefinition, StepDefinition } from '../machines/procedure.js';
import { createEndpoint, startEndpoint } from '../steps/create-endpoint.js';
import { createWindowsLogin } from '../steps/create-login.js';
import { grantEndpointConnect } from '../steps/grant-endpoint-connect.js';
import { serviceRunsAs } from '../steps/service-account.js';
import { realignEncryption } from '../steps/endpoint-encryption.js';

export function domainSetupSteps(config: MirrorbookConfig): StepDefinition[] {
  if (config.auth.mode !== 'domain')
    throw new UsageError('domain-setup needs auth.mode: domain with auth.serviceAccount', 'use certificate-setup for auth.mode: certificate');
  const account = config.auth.serviceAccount;
  const servers = partners(config);
  const steps: StepDefinition[] = servers.map((s) => serviceRunsAs(s.role, s.instance, account));
  for (const server of servers) {
    steps.push(
      createWindowsLogin(server.role, account),
      createEndpoint(server.role, config.endpoint, { kind: 'windows' }),
      startEndpoint(server.role, config.endpoint),
      grantEndpointConnect(server.role, endpointNameOf(config.endpoint, server.role), account, true),
    );
  }
  steps.push(...realignEncryption(config, servers));
  return steps;
}

export function domainSetup(config: MirrorbookConfig): ProcedureDefinition {
  return { name: 'domain-setup', title: 'Windows (domain account) authentication between the partners', steps: domainSetupSteps(config) };
}
