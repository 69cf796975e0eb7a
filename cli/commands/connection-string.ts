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
      // JDBC's failoverPartner takes a host (and instance) but no port.
      return `jdbc:sqlserver://${principal.server}:${principal.port};databaseName=${database};failoverPartner=${mirror.server};integratedSecurity=true;encrypt=true`;
  }
}

const command: Command = async (ctx) => {
  const format = optionText(ctx, 'format') ?? 'ado';
  if (format !== 'ado' && format !== 'odbc' && format !== 'jdbc') throw new UsageError(`--format ${format} is not allowed; expected ado, odbc or jdbc`);
  const only = optionText(ctx, 'database');
  const config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
  const databases = only ? config.databases.filter((d) => d.toLowerCase() === only.toLowerCase()) : config.databases;
  if (databases.length === 0) throw new UsageError(`--database ${only} is not in the config`, `configured: ${config.databases.join(', ')}`);
  const { principal, mirror } = config.pair;
  const result = databases.map((database) => ({ database, format, connectionString: connectionString(format, principal, mirror, database) }));
  if (ctx.flags.json) ctx.stdout.write(result.map((r) => JSON.stringify(r)).join('\n') + '\n');
  else ctx.stdout.write(result.map((r) => `${r.database}: ${r.connectionString}`).join('\n') + '\n');
  return 0;
};
export default command;
