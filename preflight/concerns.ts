// Which ✗ findings keep a step from running, for `plan`: a row about the config or the pair
// concerns every step; a row about some databases, the steps of those databases wherever they run
// (each one's backup, restore and partnering is one chain); a row about a server, the steps that
// send something to it. A check that guards only some kinds of step says which (PreflightCheck.blocks).
import type { StepDefinition } from '../machines/procedure.js';
import type { Finding } from './check.js';
import { CHECKS } from './registry.js';

export function concerns(finding: Finding, step: StepDefinition): boolean {
  const ofDatabase = !finding.databases?.length || (step.database !== undefined && finding.databases.some((d) => d.toLowerCase() === step.database!.toLowerCase()));
  const blocks = CHECKS.find((c) => c.id === finding.check)?.blocks;
  if (blocks) return blocks.test(step.id) && ofDatabase;
  if (finding.databases?.length) return ofDatabase;
  if (!finding.role) return true;
  return step.target === finding.role || step.plan().some((p) => p.target === finding.role);
}
