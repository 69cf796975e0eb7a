// A small SQLCMD interpreter for tests: what SSMS's SQLCMD mode and `sqlcmd -i` do with the commands
// `plan --format sqlcmd` writes (learn.microsoft.com/sql/tools/sqlcmd/sqlcmd-commands): a command
// starts a line with ':' — :setvar NAME "value", :on error exit, :connect server,port -U login -P
// password — $(NAME) is replaced everywhere before a line is used (an undefined one stops the
// script, as in sqlcmd), and a line holding only GO ends a batch, which goes to the server
// connected last through mssql. An error (class ≥ 11) stops the script under :on error exit.
import sql from 'mssql';

export interface SqlcmdResult {
  batches: { server: string; text: string }[];
  /** Messages of class ≤ 10 (PRINT, RAISERROR … 10) the servers sent. */
  messages: string[];
}

export class SqlcmdError extends Error {
  constructor(
    message: string,
    readonly batch?: string,
  ) {
    super(message);
  }
}

/** Runs `script`; `variables` are what `sqlcmd -v NAME=value` gives (a :setvar in the script wins). */
export async function runSqlcmd(script: string, variables: Record<string, string>): Promise<SqlcmdResult> {
  const vars = new Map(Object.entries(variables).map(([k, v]) => [k.toLowerCase(), v]));
  const expand = (line: string) =>
    line.replace(/\$\(([^)\s]+)\)/g, (_, name: string) => {
      const value = vars.get(name.toLowerCase());
      if (value === undefined) throw new SqlcmdError(`'${name}' scripting variable not defined.`);
      return value;
    });
  const pools = new Map<string, sql.ConnectionPool>();
  const result: SqlcmdResult = { batches: [], messages: [] };
  let exitOnError = false;
  let current: { key: string; pool: sql.ConnectionPool } | undefined;
  let batch: string[] = [];

  const send = async () => {
    const text = batch.join('\n');
    batch = [];
    if (text.trim() === '') return;
    if (!current) throw new SqlcmdError('a batch before any :CONNECT', text);
    result.batches.push({ server: current.key, text });
    const request = current.pool.request();
    request.on('info', (info: { message: string }) => result.messages.push(info.message));
    try {
      await request.batch(text);
    } catch (error) {
      const message = `${current.key}: Msg ${(error as { number?: number }).number ?? '?'}: ${(error as Error).message}`;
      if (exitOnError) throw new SqlcmdError(message, text);
      result.messages.push(message);
    }
  };

  try {
    for (const raw of script.split(/\r?\n/)) {
      if (/^\s*GO\s*$/i.test(raw)) {
        await send();
        continue;
      }
      const command = /^\s*:(\w+)\s*(.*)$/.exec(raw);
      if (!command) {
        batch.push(expand(raw));
        continue;
      }
      const [, name, rest] = command;
      const args = expand(rest!);
      switch (name!.toLowerCase()) {
        case 'setvar': {
          const set = /^(\S+)\s+"(.*)"\s*$/.exec(args) ?? /^(\S+)\s+(\S+)\s*$/.exec(args);
          if (!set) throw new SqlcmdError(`:setvar needs a name and a value: ${raw}`);
          vars.set(set[1]!.toLowerCase(), set[2]!);
          break;
        }
        case 'on':
          if (!/^error\s+(exit|ignore)$/i.test(args)) throw new SqlcmdError(`unsupported: ${raw}`);
          exitOnError = /exit/i.test(args);
          break;
        case 'connect': {
          const connect = /^(\S+?)(?:,(\d+))?(?:\s+-U\s+(\S+))?(?:\s+-P\s+(\S+))?\s*$/.exec(args);
          if (!connect) throw new SqlcmdError(`:CONNECT server[,port] [-U login -P password]: ${raw}`);
          const key = `${connect[1]},${connect[2] ?? 1433}`;
          let pool = pools.get(key);
          if (!pool) {
            pool = await new sql.ConnectionPool({
              server: connect[1]!,
              port: Number(connect[2] ?? 1433),
              user: connect[3]!,
              password: connect[4]!,
              options: { encrypt: true, trustServerCertificate: true },
              pool: { max: 1 },
              requestTimeout: 120_000,
            }).connect();
            pools.set(key, pool);
          }
          current = { key, pool };
          break;
        }
        default:
          throw new SqlcmdError(`unsupported SQLCMD command: ${raw}`);
      }
    }
    await send();
  } finally {
    for (const pool of pools.values()) await pool.close();
  }
  return result;
}
