// A run is pinned to the definition it started with. The summary keeps what an operator would call
// "the procedure": ordered steps, titles, targets, flags, retry/timeout and the masked planned T-SQL.
// Its hash is stored with the run and every checkpoint; a resume with a different hash is refused
// with a list of what changed (XState would otherwise restore into the wrong states, or hang).

import { createHash } from 'node:crypto';
import type { DefinitionStepSummary, DefinitionSummary } from '../store/types.js';
import type { ProcedureDefinition, StepDefinition } from './procedure.js';
import { maySkip } from './skip-policy.js';

export interface PinnedStepSummary extends DefinitionStepSummary {
  manualInstructions?: string;
  confirmText?: string;
  retry?: { attempts: number; backoffMs: number; factor: number };
  timeoutMs?: number;
  /** Present only when the operator may skip it, so older pinned definitions keep their hash. */
  skippable?: true;
}

export interface PinnedDefinition extends DefinitionSummary {
  steps: PinnedStepSummary[];
}

function summarizeStep(step: StepDefinition): PinnedStepSummary {
  const summary: PinnedStepSummary = {
    id: step.id,
    title: step.title,
    target: step.target,
    manual: step.manual !== undefined,
    destructive: step.destructive !== undefined,
    statements: step.plan().map((p) => ({ target: p.target, sql: p.tsql.masked })),
  };
  if (step.manual) summary.manualInstructions = step.manual.instructions;
  if (step.destructive) summary.confirmText = step.destructive.confirmText;
  if (maySkip(step)) summary.skippable = true;
  if (step.retry) summary.retry = { attempts: step.retry.attempts, backoffMs: step.retry.backoffMs, factor: step.retry.factor ?? 2 };
  if (step.timeoutMs !== undefined) summary.timeoutMs = step.timeoutMs;
  return summary;
}

export function summarizeDefinition(definition: ProcedureDefinition): PinnedDefinition {
  return { name: definition.name, title: definition.title, steps: definition.steps.map(summarizeStep) };
}

/** Key order is fixed by construction, so JSON.stringify is canonical here. */
export function hashDefinition(summary: PinnedDefinition): string {
  const canonical = JSON.stringify({
    name: summary.name,
    steps: summary.steps.map((s) => [
      s.id,
      s.title,
      s.target,
      s.manual,
      s.destructive,
      s.manualInstructions ?? null,
      s.confirmText ?? null,
      s.retry ?? null,
      s.timeoutMs ?? null,
      s.statements.map((st) => [st.target, st.sql]),
    ]),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** What changed between the pinned definition of a run and the current one, in an operator's words. */
export function describeDefinitionChanges(before: DefinitionSummary, after: DefinitionSummary): string[] {
  const changes: string[] = [];
  const oldSteps = before.steps as PinnedStepSummary[];
  const newSteps = after.steps as PinnedStepSummary[];
  const oldIds = oldSteps.map((s) => s.id);
  const newIds = newSteps.map((s) => s.id);
  const removed = oldSteps.filter((s) => !newIds.includes(s.id));
  const added = newSteps.filter((s) => !oldIds.includes(s.id));
  const renamedPairs: [PinnedStepSummary, PinnedStepSummary][] = [];
  for (const r of removed) {
    const twin = added.find((a) => a.title === r.title && !renamedPairs.some(([, n]) => n === a));
    if (twin) renamedPairs.push([r, twin]);
  }
  for (const [r, a] of renamedPairs) changes.push(`step renamed: '${r.id}' is now '${a.id}' ("${a.title}")`);
  for (const r of removed) if (!renamedPairs.some(([o]) => o === r)) changes.push(`step removed: '${r.id}' ("${r.title}")`);
  for (const a of added) if (!renamedPairs.some(([, n]) => n === a)) changes.push(`step added: '${a.id}' ("${a.title}")`);

  const common = oldIds.filter((id) => newIds.includes(id));
  const commonInNewOrder = newIds.filter((id) => oldIds.includes(id));
  if (common.join('\0') !== commonInNewOrder.join('\0')) changes.push(`steps reordered: was ${common.join(', ')}; now ${commonInNewOrder.join(', ')}`);

  for (const id of common) {
    const o = oldSteps.find((s) => s.id === id)!;
    const n = newSteps.find((s) => s.id === id)!;
    if (o.title !== n.title) changes.push(`step '${id}': title "${o.title}" → "${n.title}"`);
    if (o.target !== n.target) changes.push(`step '${id}': target ${o.target} → ${n.target}`);
    if (o.manual !== n.manual || (o.manualInstructions ?? '') !== (n.manualInstructions ?? ''))
      changes.push(`step '${id}': manual flag or instructions changed`);
    if (o.destructive !== n.destructive || (o.confirmText ?? '') !== (n.confirmText ?? ''))
      changes.push(`step '${id}': destructive flag or confirmation text changed`);
    if (JSON.stringify(o.retry ?? null) !== JSON.stringify(n.retry ?? null)) changes.push(`step '${id}': retry policy changed`);
    if ((o.timeoutMs ?? null) !== (n.timeoutMs ?? null)) changes.push(`step '${id}': timeout ${o.timeoutMs ?? 'none'} → ${n.timeoutMs ?? 'none'} ms`);
    const oSql = o.statements.map((s) => `${s.target}: ${s.sql}`);
    const nSql = n.statements.map((s) => `${s.target}: ${s.sql}`);
    if (oSql.join('\n') !== nSql.join('\n')) {
      const first = nSql.find((s, i) => s !== oSql[i]) ?? oSql.find((s, i) => s !== nSql[i]) ?? '';
      changes.push(`step '${id}': planned T-SQL changed (first difference: ${first.length > 120 ? first.slice(0, 117) + '...' : first})`);
    }
  }
  if (before.name !== after.name) changes.push(`procedure name ${before.name} → ${after.name}`);
  if (changes.length === 0) changes.push('the definition hash differs (no step-level difference found; the procedure module changed)');
  return changes;
}
