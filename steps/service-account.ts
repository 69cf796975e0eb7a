// Domain setup: the SQL Server service must run as the domain account on every instance. That is a
// change in Services.msc (and a restart) that no T-SQL can make, so it is a manual step verified
// through sys.dm_server_services (account and last start time).
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { firstRow, type SqlTarget } from './step.js';
import { lit, tsql } from './tsql.js';

const serviceQuery = tsql`SELECT servicename, service_account, status_desc, last_startup_time FROM sys.dm_server_services WHERE servicename LIKE ${lit('SQL Server (%')}`;

export function serviceRunsAs(target: SqlTarget, instance: string, account: string): StepDefinition {
  const probe = async (ctx: StepContext) => {
    const row = await firstRow<{ servicename: string; service_account: string; last_startup_time: unknown }>(ctx, target, serviceQuery);
    if (!row) return { done: false, detail: 'sys.dm_server_services shows no SQL Server service' };
    const started = row.last_startup_time instanceof Date ? row.last_startup_time.toISOString() : String(row.last_startup_time);
    return row.service_account.toLowerCase() === account.toLowerCase()
      ? { done: true, detail: `${row.servicename} runs as ${row.service_account} (started ${started})` }
      : { done: false, detail: `${row.servicename} runs as ${row.service_account} (started ${started}), not ${account}` };
  };
  return {
    id: `${target}.service-account`,
    title: `SQL Server on ${instance} runs as ${account}`,
    target: 'operator',
    manual: {
      instructions:
        `On ${instance}: open Services.msc, SQL Server (${instance.includes('\\') ? instance.split('\\')[1] : 'MSSQLSERVER'}) → Properties → Log On → This account: ${account} and its password. ` +
        'Restart the service (a short outage for that instance). Use SQL Server Configuration Manager if you can: it also sets the permissions the account needs. ' +
        'mirrorbook then checks sys.dm_server_services for the account and the new start time.',
    },
    probe,
    async apply() {
      // The operator made the change; verify reads the result.
    },
    verify: probe,
    plan: () => [{ target, tsql: serviceQuery }],
  };
}
