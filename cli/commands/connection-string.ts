// mirrorbook connection-string [--database NAME] [--format ado|odbc|jdbc] [--json]: what clients
// (the Patriot services, reports) need so they follow a failover: the principal and its Failover
// Partner. Built from the config; no connection is made. Failover Partner is only consulted when
// the first server cannot be reached, so list the partner that is usually principal first.
import type { Command } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { resolvePaths } from '../paths.js';
import { loadConfig } from '../../config/load.js';
import type { ServerConfig } from '../../config/types.js';

type Format = 'ado' | 'odbc' | 'jdbc';

const hostPort = (s: ServerConfig) => `${s.server},${s.port}`;

export function connectionString(format: Format, principal: ServerConfig, mirror: ServerConfig, database: string): string {
  switch (format) {
    case 'ado':
      return `Data Source=tcp:${hostPort(principal)};Failover Partner=${hostPort(mirror)};Initial Catalog=${database};Integrated Security=True;Encrypt=True;MultiSubnetFailover=False`;
    case 'odbc':
      return `Driver={ODBC Driver 18 for SQL Server};Server=tcp:${hostPort(principal)};Failover_Partner=${hostPort(mirror)};Database=${database};Trusted_Connection=yes;Encrypt=yes`;
    case 'jdbc':
      return `jdbc:sqlserver://${principal.server}:${principal.port};databaseName=${database};failoverPartner=${jdbcFailoverPartner(mirror)};integratedSecurity=true;encrypt=true`;
  }
}

/** The instance name of a named instance (@@SERVERNAME HOST\\NAME), else undefined. */
const instanceName = (s: ServerConfig): string | undefined => (s.instance.includes('\\') ? s.instance.slice(s.instance.indexOf('\\') + 1) : undefined);

/** What JDBC's failoverPartner may hold: a host, or host\\instance for a named instance (SQL Server
 * Browser answers its port) — never a port ("The driver does not support specifying the port number
 * of the failover server", learn.microsoft.com: setFailoverPartner Method (SQLServerDataSource)). */
export function jdbcFailoverPartner(mirror: ServerConfig): string {
  const named = instanceName(mirror);
  return named && mirror.port !== 1433 ? `${mirror.server}\\${named}` : mirror.server;
}

/** A mirror off 1433 is not reached through failoverPartner=host, and the string cannot say so:
 * the operator must hear it, with the ways the driver documents. A named instance is found
 * through SQL Server Browser (UDP 1434), which must then run on the mirror. */
export function jdbcPortWarning(format: Format, mirror: ServerConfig): string | undefined {
  if (format !== 'jdbc' || mirror.port === 1433) return undefined;
  const named = instanceName(mirror);
  if (named) {
    return `JDBC's failoverPartner cannot carry a port: it names the mirror as ${mirror.server}\\${named}, whose port (${mirror.port}) SQL Server Browser answers. Keep SQL Server Browser running on ${mirror.server} and UDP 1434 open from the clients, or a failover leaves JDBC clients without the database`;
  }
  return `JDBC's failoverPartner cannot carry a port: after a failover the driver looks for ${mirror.server} on 1433, but the mirror listens on ${mirror.port}. Fix one of: make the mirror listen on 1433 as well (SQL Server Configuration Manager → TCP/IP → IPAll → TCP Port); or run it as a named instance with SQL Server Browser, and failoverPartner=${mirror.server}\\<instance> (a host alias cannot carry a port either). The ADO.NET and ODBC strings carry the port and are not affected`;
}

/** What the vendor guide has the DBA type into Patriot Configurator → Data Service settings. */
export function patriotDataServiceSettings(principal: ServerConfig, mirror: ServerConfig): { sqlServer: string; sqlFailoverServer: string } {
  return { sqlServer: hostPort(principal), sqlFailoverServer: hostPort(mirror) };
}

const command: Command = async (ctx) => {
  const format = optionText(ctx, 'format') ?? 'ado';
  if (format !== 'ado' && format !== 'odbc' && format !== 'jdbc') throw new UsageError(`--format ${format} is not allowed; expected ado, odbc or jdbc`);
  const only = optionText(ctx, 'database');
  const config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
  const databases = only ? config.databases.filter((d) => d.toLowerCase() === only.toLowerCase()) : config.databases;
  if (databases.length === 0) throw new UsageError(`--database ${only} is not in the config`, `configured: ${config.databases.join(', ')}`);
  const { principal, mirror } = config.pair;
  const warning = jdbcPortWarning(format, mirror);
  const patriot = patriotDataServiceSettings(principal, mirror);
  const result = databases.map((database) => ({
    database,
    format,
    connectionString: connectionString(format, principal, mirror, database),
    patriotDataService: patriot,
    ...(warning ? { warning } : {}),
  }));
  if (ctx.flags.json) {
    ctx.stdout.write(result.map((r) => JSON.stringify(r)).join('\n') + '\n');
  } else {
    ctx.stdout.write(result.map((r) => `${r.database}: ${r.connectionString}`).join('\n') + '\n');
    ctx.stdout.write(
      `Patriot Configurator → Data Service settings: SQL Server = ${patriot.sqlServer}, SQL Failover Server = ${patriot.sqlFailoverServer} (then restart the Data Service)\n`,
    );
    if (warning) ctx.stdout.write(`⚠ ${warning}\n`);
  }
  return 0;
};
export default command;
