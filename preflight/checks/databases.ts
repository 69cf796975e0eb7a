// Every configured database exists where the procedure needs it, under exactly that name. A name
// with non-ASCII characters is shown with their code points: a Cyrillic "а" prints like "a", and
// "Pаtriot" is not "Patriot". Recovery model FULL is what mirroring needs (the setup sets it).
// https://learn.microsoft.com/previous-versions/sql/sql-server-2012/ms366349(v=sql.110)
import { databaseStateQuery, type DatabaseStateRow } from '../../steps/database-state.js';
import { tsql } from '../../steps/tsql.js';
import { about, fail, ok, partnersOf, SETUP_PROCEDURES, warn, type Finding, type PreflightCheck } from '../check.js';

const ID = 'database';

/** "Pаtriot (U+0430 at 2)": the characters a terminal may draw like ASCII ones. */
export function showName(name: string): string {
  const odd = [...name].map((ch, i) => ({ ch, i })).filter(({ ch }) => ch.codePointAt(0)! > 0x7e || ch.codePointAt(0)! < 0x20);
  if (odd.length === 0) return `'${name}'`;
  return `'${name}' (non-ASCII: ${odd.map(({ ch, i }) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at ${i + 1}`).join(', ')})`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const kept = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = kept;
    }
  }
  return row[b.length]!;
}

const allNames = tsql`SELECT name FROM sys.databases`;

export const databasesCheck: PreflightCheck = {
  id: ID,
  title: 'every configured database exists under exactly that name, in the FULL recovery model',
  async run(ctx) {
    const findings: Finding[] = [];
    const setup = (SETUP_PROCEDURES as readonly string[]).includes(ctx.procedure);
    // The setup reads the principal's copies; the other procedures act on both partners'.
    const where = partnersOf(ctx).filter((s) => !setup || s.role === 'principal');
    const read = [];
    for (const server of where) read.push({ server, rows: await ctx.rows<DatabaseStateRow>(server.role, databaseStateQuery(ctx.config.databases)) });
    const find = (rows: DatabaseStateRow[], database: string) => rows.find((r) => r.name === database) ?? rows.find((r) => r.name.toLowerCase() === database.toLowerCase());
    for (const { server, rows } of read) {
      const names = (await ctx.rows<{ name: string }>(server.role, allNames)).map((r) => r.name);
      for (const database of ctx.config.databases) {
        const row = find(rows, database);
        // Missing here while the other partner has it: no mirror copy yet, the pair was never set up.
        const holder = row ? undefined : read.find((r) => r.server !== server && find(r.rows, database))?.server;
        if (holder) {
          findings.push(about(fail(ID, server.config.instance, `no database ${showName(database)} while ${holder.config.instance} has it: mirroring is not set up`, `set it up first: 'mirrorbook plan setup' shows what it does, 'mirrorbook run setup' does it; then run ${ctx.procedure} again`), [database]));
          continue;
        }
        if (!row) {
          const near = names.filter((n) => distance(n.toLowerCase(), database.toLowerCase()) <= 2).map(showName);
          findings.push(about(fail(ID, server.config.instance, `no database ${showName(database)}${near.length ? `; there is ${near.join(', ')}` : ''}`, `correct databases: in the config to the exact name (SELECT name FROM sys.databases on ${server.config.instance})`), [database]));
          continue;
        }
        const state = `${showName(row.name)} ${row.state_desc}, recovery ${row.recovery_model_desc}`;
        if (setup && row.state_desc !== 'ONLINE') findings.push(about(fail(ID, server.config.instance, state, 'the principal\'s copy must be ONLINE to be backed up'), [database]));
        else if (setup && row.recovery_model_desc !== 'FULL') findings.push(warn(ID, server.config.instance, state, 'mirroring needs the FULL recovery model: the setup switches it (log backups start then; tell whoever runs backups)'));
        else findings.push(ok(ID, server.config.instance, state));
      }
    }
    return findings;
  },
};
