// A read-only snapshot of the pair for status and monitor: each partner's reachability and what it
// says about every configured database (role, state, safety, witness, queues).
import type { MirrorbookConfig, PartnerRole } from '../config/types.js';
import { pairName, partners } from '../config/types.js';
import { PairConnections } from './connection.js';
import { pairLockHoldersQuery, parseHolder, type PairLockHolder } from './pair-lock.js';
import { databaseStateQuery, type DatabaseStateRow } from './database-state.js';
import { joinTsql, lit, tsql } from './tsql.js';

export interface DatabaseStatus {
  name: string;
  state: string;
  recoveryModel: string;
  role: string | null;
  mirroringState: string | null;
  safety: string | null;
  partner: string | null;
  partnerInstance: string | null;
  witness: string | null;
  witnessState: string | null;
  sendQueueKb: number | null;
  redoQueueKb: number | null;
}

export interface PartnerStatus {
  role: PartnerRole;
  instance: string;
  address: string;
  reachable: boolean;
  error?: string;
  databases: DatabaseStatus[];
  /** The run holding the pair's lock on this partner (steps/pair-lock.ts), if any. */
  lock?: PairLockHolder;
  /** How long the partner took to answer the state query (a reconnect's login not counted). */
  answerMs?: number;
}

export interface PairStatus {
  at: string;
  partners: PartnerStatus[];
}

function toStatus(row: DatabaseStateRow, queues: Map<string, { send?: number; redo?: number }>): DatabaseStatus {
  const q = queues.get(row.name.toLowerCase());
  return {
    name: row.name,
    state: row.state_desc,
    recoveryModel: row.recovery_model_desc,
    role: row.mirroring_role_desc,
    mirroringState: row.mirroring_state_desc,
    safety: row.mirroring_safety_level_desc,
    partner: row.mirroring_partner_name,
    partnerInstance: row.mirroring_partner_instance,
    witness: row.mirroring_witness_name,
    witnessState: row.mirroring_witness_state_desc,
    sendQueueKb: q?.send ?? null,
    redoQueueKb: q?.redo ?? null,
  };
}

export async function readPairStatus(config: MirrorbookConfig, connections: PairConnections): Promise<PairStatus> {
  const names = joinTsql(
    config.databases.map((d) => tsql`${lit(d)}`),
    ', ',
  );
  const queuesQuery = tsql`SELECT instance_name, counter_name, cntr_value FROM sys.dm_os_performance_counters WHERE object_name LIKE ${lit('%Database Mirroring%')} AND counter_name IN (${lit('Log Send Queue KB')}, ${lit('Redo Queue KB')}) AND instance_name IN (${names})`;
  const result: PartnerStatus[] = await Promise.all(
    partners(config).map(async (server): Promise<PartnerStatus> => {
      const base = { role: server.role, instance: server.instance, address: `${server.server}:${server.port}` };
      try {
        await connections.pool(server.role);
        const asked = performance.now();
        const found = await connections.query(server.role, databaseStateQuery(config.databases));
        const answerMs = Math.round(performance.now() - asked);
        const rows = (found.recordsets[0] ?? []) as unknown as DatabaseStateRow[];
        const queues = new Map<string, { send?: number; redo?: number }>();
        try {
          const counters = (await connections.query(server.role, queuesQuery)).recordsets[0] ?? [];
          for (const c of counters as { instance_name: string; counter_name: string; cntr_value: number }[]) {
            const key = c.instance_name.trim().toLowerCase();
            const entry = queues.get(key) ?? {};
            if (c.counter_name.trim().startsWith('Log Send')) entry.send = Number(c.cntr_value);
            else entry.redo = Number(c.cntr_value);
            queues.set(key, entry);
          }
        } catch {
          // queue counters are optional
        }
        const databases = config.databases.map((name) => {
          const row = rows.find((r) => r.name.toLowerCase() === name.toLowerCase());
          return row
            ? toStatus(row, queues)
            : {
                name,
                state: 'MISSING',
                recoveryModel: '',
                role: null,
                mirroringState: null,
                safety: null,
                partner: null,
                partnerInstance: null,
                witness: null,
                witnessState: null,
                sendQueueKb: null,
                redoQueueKb: null,
              };
        });
        const holders = ((await connections.query(server.role, pairLockHoldersQuery)).recordsets[0] ?? []) as {
          program_name: string | null;
          host_name: string | null;
          login_time: Date;
        }[];
        const lock = holders.map((h) => parseHolder(h, server.instance)).find((h) => h?.pairKey === pairName(config));
        return { ...base, reachable: true, answerMs, databases: server.role === 'witness' ? [] : databases, ...(lock ? { lock } : {}) };
      } catch (error) {
        return { ...base, reachable: false, error: (error as Error).message, databases: [] };
      }
    }),
  );
  return { at: new Date().toISOString(), partners: result };
}
