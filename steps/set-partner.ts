// Starting a session: SET PARTNER on the mirror first (it records the principal and waits), then
// on the principal (which connects and starts the session). Order matters: the reverse gives 1416.
import type { StepContext } from '../machines/runbook.js';
import { isMirrored, readDatabase } from './database-state.js';
import { CheckFailedError, sqlStep } from './step.js';
import { id, lit, tsql } from './tsql.js';

export function setPartner(target: 'mirror' | 'principal', database: string, partnerAddress: string) {
  const probe = async (ctx: StepContext) => {
    const row = await readDatabase(ctx, target, database);
    if (!row) throw new CheckFailedError(`database ${database} does not exist on the ${target}`, target === 'mirror' ? 'run the restore procedure first' : 'check the databases list in the config');
    if (!isMirrored(row)) {
      if (target === 'mirror' && row.state_desc !== 'RESTORING') {
        throw new CheckFailedError(`${database} on the mirror is ${row.state_desc}, not RESTORING`, 'restore the full and log backups WITH NORECOVERY (the restore procedure), then resume');
      }
      return { done: false, detail: `${database} is not mirrored on the ${target}` };
    }
    if ((row.mirroring_partner_name ?? '').toUpperCase() !== partnerAddress.toUpperCase()) {
      throw new CheckFailedError(
        `${database} on the ${target} is already mirrored with ${row.mirroring_partner_name}, not ${partnerAddress}`,
        `check pair.*.mirroringAddress; to rebuild, remove that session first (disable)`,
      );
    }
    return { done: true, detail: `${database} on the ${target}: partner ${row.mirroring_partner_name}, ${row.mirroring_role_desc}, ${row.mirroring_state_desc}` };
  };
  return sqlStep({
    id: `${target}.set-partner.${database}`,
    title: `SET PARTNER for ${database} on the ${target} → ${partnerAddress}`,
    target,
    statements: [tsql`ALTER DATABASE ${id('database', database)} SET PARTNER = ${lit(partnerAddress)}`],
    probe,
    // 1413/1421/1404: transient communication hiccups while the session forms.
    retry: { attempts: 3, backoffMs: 2000, retryable: (e) => [1404, 1413, 1421, 1438].includes((e as { number?: number }).number ?? 0) },
  });
}

export function setWitness(database: string, witnessAddress: string) {
  return sqlStep({
    id: `principal.set-witness.${database}`,
    title: `SET WITNESS for ${database} on the principal → ${witnessAddress}`,
    target: 'principal',
    statements: [tsql`ALTER DATABASE ${id('database', database)} SET WITNESS = ${lit(witnessAddress)}`],
    async probe(ctx) {
      const row = await readDatabase(ctx, 'principal', database);
      const witness = row?.mirroring_witness_name ?? null;
      if (witness && witness.toUpperCase() === witnessAddress.toUpperCase()) return { done: true, detail: `witness ${witness} (${row?.mirroring_witness_state_desc})` };
      return { done: false, detail: witness ? `witness is ${witness}` : 'no witness' };
    },
  });
}

export function setSafety(database: string, safety: 'FULL' | 'OFF') {
  return sqlStep({
    id: `principal.set-safety.${database}`,
    title: `SET PARTNER SAFETY ${safety} for ${database} on the principal`,
    target: 'principal',
    statements: [safety === 'FULL' ? tsql`ALTER DATABASE ${id('database', database)} SET PARTNER SAFETY FULL` : tsql`ALTER DATABASE ${id('database', database)} SET PARTNER SAFETY OFF`],
    async probe(ctx) {
      const row = await readDatabase(ctx, 'principal', database);
      return row?.mirroring_safety_level_desc === safety ? { done: true, detail: `SAFETY ${safety}` } : { done: false, detail: `SAFETY ${row?.mirroring_safety_level_desc ?? 'unknown'}` };
    },
  });
}
