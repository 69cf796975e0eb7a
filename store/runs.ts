// Runs: one row per execution of a procedure against a pair. Creating one and ending one are
// audited in the same transaction as the row change.
import type Database from 'better-sqlite3';
import { nowIso } from './clock.js';
import { maskedJson, maskedText } from './secret-guard.js';
import { sha256 } from './audit-ties.js';
import { StoreError, type DefinitionSummary, type RunRecord, type RunStatus, type Store } from './types.js';

export interface RunRow {
  id: string;
  procedure: string;
  pair_key: string;
  definition_hash: string;
  definition: string;
  operator: string;
  os_user: string;
  host: string;
  pid: number;
  argv: string;
  status: RunStatus;
  exit_code: number | null;
  started_at: string;
  updated_at: string;
  ended_at: string | null;
}

const UNFINISHED: readonly RunStatus[] = ['running', 'interrupted', 'needs-operator'];

export function runRecordOf(row: RunRow): RunRecord {
  return {
    id: row.id,
    procedure: row.procedure,
    pairKey: row.pair_key,
    definitionHash: row.definition_hash,
    definition: JSON.parse(row.definition) as DefinitionSummary,
    operator: row.operator,
    osUser: row.os_user,
    host: row.host,
    pid: row.pid,
    argv: JSON.parse(row.argv) as string[],
    status: row.status,
    exitCode: row.exit_code,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
  };
}

export function createRuns(db: Database.Database, audit: Store['audit']): Store['runs'] {
  const insert = db.prepare(`INSERT INTO runs (id, procedure, pair_key, definition_hash, definition, operator, os_user,
    host, pid, argv, status, exit_code, started_at, updated_at, ended_at)
    VALUES (@id, @procedure, @pair_key, @definition_hash, @definition, @operator, @os_user,
    @host, @pid, @argv, 'running', NULL, @started_at, @started_at, NULL)`);
  const byId = db.prepare('SELECT * FROM runs WHERE id = ?');
  const list = db.prepare('SELECT * FROM runs ORDER BY rowid DESC LIMIT ?');
  const latestQuery = new Map<string, Database.Statement>();
  const latestOf = (byPair: boolean, unfinished: boolean): Database.Statement => {
    const key = `${byPair}/${unfinished}`;
    let statement = latestQuery.get(key);
    if (!statement) {
      statement = db.prepare(`SELECT * FROM runs WHERE 1 = 1 ${byPair ? 'AND pair_key = ?' : ''}
        ${unfinished ? `AND status IN (${UNFINISHED.map((s) => `'${s}'`).join(', ')})` : ''}
        ORDER BY rowid DESC LIMIT 1`);
      latestQuery.set(key, statement);
    }
    return statement;
  };
  const update = db.prepare('UPDATE runs SET status = ?, exit_code = ?, updated_at = ?, ended_at = ? WHERE id = ?');

  const get = (id: string): RunRecord | undefined => {
    const row = byId.get(id) as RunRow | undefined;
    return row && runRecordOf(row);
  };

  const create = db.transaction((run: Parameters<Store['runs']['create']>[0]): RunRecord => {
    const definition = maskedJson(run.definition, 'run definition');
    insert.run({
      id: run.id,
      procedure: run.procedure,
      pair_key: run.pairKey,
      definition_hash: run.definitionHash,
      definition,
      operator: maskedText(run.operator, 'run operator'),
      os_user: run.osUser,
      host: run.host,
      pid: run.pid,
      argv: maskedJson(run.argv, 'run argv'),
      started_at: nowIso(),
    });
    audit.append({
      kind: 'run-start',
      runId: run.id,
      operator: run.operator,
      osUser: run.osUser,
      host: run.host,
      pid: run.pid,
      data: {
        procedure: run.procedure,
        pairKey: run.pairKey,
        definitionHash: run.definitionHash,
        definitionSha: sha256(definition ?? ''),
        pid: run.pid,
        argv: run.argv,
      },
    });
    return get(run.id)!;
  });

  const setStatus = db.transaction((id: string, status: RunStatus, exitCode?: number) => {
    const before = get(id);
    if (!before) throw unknownRun(id);
    const now = nowIso();
    const ended = status === 'running' ? null : now;
    update.run(status, exitCode ?? null, now, ended, id);
    if (status === 'running' && before.status !== 'running') {
      audit.append({ kind: 'resume', runId: id, result: status, data: { from: before.status } });
    } else if (status !== 'running') {
      audit.append({ kind: 'run-end', runId: id, result: status, data: { exitCode: exitCode ?? null } });
    }
  });

  return {
    create: (run) => create.immediate(run),
    get,
    latest(filter = {}) {
      const statement = latestOf(filter.pairKey !== undefined, filter.unfinished ?? false);
      const row = (filter.pairKey === undefined ? statement.get() : statement.get(filter.pairKey)) as RunRow | undefined;
      return row && runRecordOf(row);
    },
    list: (options = {}) => (list.all(options.limit ?? -1) as RunRow[]).map(runRecordOf),
    setStatus: (id, status, exitCode) => setStatus.immediate(id, status, exitCode),
  };
}

export function unknownRun(id: string): StoreError {
  return new StoreError('unknown-run', `no run ${id} in this store`, 'list runs with `mirrorbook runs`; check --store points at the right file');
}
