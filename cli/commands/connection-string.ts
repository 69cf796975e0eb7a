// mirrorbook connection-string [--database NAME] [--format ado|odbc|jdbc] [--json]: what clients
// (the Patriot services, reports) need so they follow a failover: the principal and its Failover
// Partner. Built from the config; no connection is made. Failover Partner is only consulted when
// the first server cannot be reached, so list the partner that is usually principal first.
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { resolvePaths } from '../paths.js';
import { loadConfig } from '../../config/load.js';
import type { ServerConfig } from '../../config/types.js';

type Format = 'ado' | 'odbc' | 'jdbc';
const USAGE = 'usage: mirrorbook connection-string [--database NAME] [--format ado|odbc|jdbc] [--json]';

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
  let format: Format = 'ado';
  let only: string | undefined;
  for (let i = 0; i < ctx.argv.length; i++) {
    const arg = ctx.argv[i]!;
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : ctx.argv[++i];
      if (!v) throw new UsageError(`${arg} needs a value`, USAGE);
      return v;
    };
    if (arg === '--help' || arg === '-h') {
      ctx.stdout.write(`${USAGE}\n\nPrints, per configured database, the connection string clients need to follow a failover:\nthe principal and its Failover Partner (ado: Failover Partner=, odbc: Failover_Partner=,\njdbc: failoverPartner=). Built from the config; no connection is made.\n`);
      return 0;
    }
    if (arg.startsWith('--format')) {
      const v = value();
      if (v !== 'ado' && v !== 'odbc' && v !== 'jdbc') throw new UsageError(`--format ${v} is not allowed; expected ado, odbc or jdbc`, USAGE);
      format = v;
    } else if (arg.startsWith('--database')) only = value();
    else throw new UsageError(`connection-string: unknown argument '${arg}'`, USAGE);
  }
  const config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
  const databases = only ? config.databases.filter((d) => d.toLowerCase() === only!.toLowerCase()) : config.databases;
  if (databases.length === 0) throw new UsageError(`--database ${only} is not in the config`, `configured: ${config.databases.join(', ')}`);
  const { principal, mirror } = config.pair;
  const result = databases.map((database) => ({ database, format, connectionString: connectionString(format, principal, mirror, database) }));
  if (ctx.flags.json) ctx.stdout.write(result.map((r) => JSON.stringify(r)).join('\n') + '\n');
  else ctx.stdout.write(result.map((r) => `${r.database}: ${r.connectionString}`).join('\n') + '\n');
  return 0;
};
export default command;
