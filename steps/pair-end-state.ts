// The last step of the procedures that move the principal role: the pair is checked as a whole, so
// a run ends `done` only when the pair is where the procedure promised. Each database's step may
// have found its own part done (a racing run, a probe read mid-failover); this step reads both
// partners again. It never may be skipped (skip-policy.ts) and changes nothing.
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { ConnectionError } from './connection.js';
import { readDatabase, type DatabaseStateRow } from './database-state.js';
import { CheckFailedError, pause } from './step.js';
import type { WaitLimit } from './wait-synchronized.js';
import type { Partner } from '../config/types.js';

const other = (p: Partner): Partner => (p === 'principal' ? 'mirror' : 'principal');

interface Problem {
  text: string;
  /** Time will not fix it (two principals, not mirrored, SUSPENDED): stop polling at once. */
  lasting: boolean;
}

const describe = (row: DatabaseStateRow | undefined): string =>
  row ? `${row.mirroring_role_desc ?? 'not mirrored'} ${row.mirroring_state_desc ?? ''} ${row.state_desc}`.replace(/\s+/g, ' ').trim() : 'missing';

/** Reads a partner that may be gone: after a promote the lost principal usually does not answer. */
async function readIfReachable(ctx: StepContext, partner: Partner, database: string): Promise<DatabaseStateRow | undefined | 'unreachable'> {
  try {
    return await readDatabase(ctx, partner, database);
  } catch (error) {
    if (error instanceof ConnectionError && error.unreachable) return 'unreachable';
    throw error;
  }
}

/** After failover or failback: every database served by `to`, SYNCHRONIZED (no PENDING_FAILOVER), the other side MIRROR. */
async function swapProblems(ctx: StepContext, databases: string[], to: Partner, instances: Record<Partner, string>): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const database of databases) {
    const served = await readDatabase(ctx, to, database);
    const partner = await readIfReachable(ctx, other(to), database);
    const switching = partner !== 'unreachable' && partner?.mirroring_state_desc === 'PENDING_FAILOVER';
    if (!served?.mirroring_guid) problems.push({ text: `${database} is ${describe(served)} on ${instances[to]}`, lasting: true });
    else if (served.mirroring_role_desc !== 'PRINCIPAL')
      problems.push({ text: `${database} is ${describe(served)} on ${instances[to]}, not PRINCIPAL`, lasting: !switching });
    else if (served.mirroring_state_desc === 'SUSPENDED') problems.push({ text: `${database} is SUSPENDED on ${instances[to]}`, lasting: true });
    else if (served.mirroring_state_desc !== 'SYNCHRONIZED')
      problems.push({ text: `${database} is ${describe(served)} on ${instances[to]}, not SYNCHRONIZED yet`, lasting: false });
    else if (partner !== 'unreachable' && partner?.mirroring_role_desc === 'PRINCIPAL')
      problems.push({ text: `${database} is also PRINCIPAL on ${instances[other(to)]}`, lasting: true });
  }
  return problems;
}

/** After promote: exactly one principal — the configured mirror serves every database and the lost principal, if it answers, serves none. */
async function promoteProblems(ctx: StepContext, databases: string[], instances: Record<Partner, string>): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const database of databases) {
    const served = await readDatabase(ctx, 'mirror', database);
    if (served?.mirroring_role_desc !== 'PRINCIPAL' || served.state_desc !== 'ONLINE')
      problems.push({ text: `${database} is ${describe(served)} on ${instances.mirror}, not PRINCIPAL ONLINE`, lasting: true });
    const old = await readIfReachable(ctx, 'principal', database);
    if (old !== 'unreachable' && old?.mirroring_role_desc === 'PRINCIPAL' && old.state_desc === 'ONLINE') {
      problems.push({ text: `${database} is also PRINCIPAL ONLINE on ${instances.principal}: two principals`, lasting: true });
    }
  }
  return problems;
}

function endStateStep(
  id: string,
  title: string,
  target: Partner,
  read: (ctx: StepContext) => Promise<Problem[]>,
  holds: string,
  hint: string,
  limit: WaitLimit,
): StepDefinition {
  const probe = async (ctx: StepContext) => {
    const problems = await read(ctx);
    return problems.length === 0 ? { done: true, detail: holds } : { done: false, detail: problems.map((p) => p.text).join('; ') };
  };
  return {
    id,
    title,
    target,
    waits: `for the pair to settle there, at most ${limit.shown}`,
    probe,
    async apply(ctx) {
      const waitMs = limit.ms;
      const deadline = Date.now() + waitMs;
      for (;;) {
        const problems = await read(ctx);
        if (problems.length === 0) return;
        const text = problems.map((p) => p.text).join('; ');
        if (problems.some((p) => p.lasting) || Date.now() >= deadline)
          throw new CheckFailedError(`the pair is not where the procedure leaves it: ${text}`, hint);
        ctx.progress({ label: text });
        await pause(ctx.pollMs, ctx.signal);
      }
    },
    verify: probe,
    plan: () => [],
  };
}

export function verifySwapEndState(databases: string[], to: Partner, instances: Record<Partner, string>, limit: WaitLimit): StepDefinition {
  return endStateStep(
    `failover-to-${to}.end-state`,
    `Verify the pair: every database PRINCIPAL and SYNCHRONIZED on ${instances[to]}, MIRROR on ${instances[other(to)]}`,
    to,
    (ctx) => swapProblems(ctx, databases, to, instances),
    `every database is PRINCIPAL SYNCHRONIZED on ${instances[to]}`,
    `look at mirrorbook status: another run may be moving the pair (check the lock with mirrorbook status), or a database stayed behind — resume this run once the pair has settled; it moves only what is still on ${instances[other(to)]}`,
    limit,
  );
}

export function verifyPromoteEndState(databases: string[], instances: Record<Partner, string>, limit: WaitLimit): StepDefinition {
  return endStateStep(
    'promote.end-state',
    `Verify the pair: exactly one principal (${instances.mirror}) for every database`,
    'mirror',
    (ctx) => promoteProblems(ctx, databases, instances),
    `${instances.mirror} is the only principal for every database`,
    `two copies accepting writes lose data: fence ${instances.principal} at once (stop its SQL Server service or its network), then decide which copy to keep with mirrorbook status`,
    limit,
  );
}
