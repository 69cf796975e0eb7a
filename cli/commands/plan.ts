// `mirrorbook plan <procedure>`: every step, where it runs, its flags and the exact T-SQL (secrets
// masked). Changes nothing and connects to nothing. With --chart: the runbook and the step chart
// as Mermaid diagrams.

import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { procedureHint } from '../../runbooks/procedures.js';
import { resolvePaths } from '../paths.js';

const command: Command = async (ctx) => {
  const [name] = ctx.positionals;
  if (!name) throw new UsageError('plan needs a procedure name', procedureHint(undefined));
  const { loadProcedure } = await import('../load-procedure.js');
  const { hashDefinition, summarizeDefinition } = await import('../../machines/definition-hash.js');
  const procedure = await loadProcedure(name, { configPath: resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, env: ctx.env, cwd: ctx.cwd });
  const summary = summarizeDefinition(procedure.runbook);
  if (ctx.options.chart) {
    const { chartMarkdown } = await import('../../machines/chart.js');
    ctx.stdout.write(chartMarkdown(summary));
    return 0;
  }
  if (ctx.flags.json) {
    ctx.stdout.write(JSON.stringify({ procedure: summary.name, title: summary.title, pair: procedure.pairKey, definitionHash: hashDefinition(summary), steps: summary.steps }) + '\n');
    return 0;
  }
  const hash = hashDefinition(summary);
  const lines = [`${summary.title} (${summary.name}) on ${procedure.pairKey} — ${summary.steps.length} steps, nothing is changed by this plan`, `plan hash ${hash}: 'mirrorbook run ${summary.name} --plan-hash ${hash}' runs exactly this plan`, ''];
  summary.steps.forEach((step, i) => {
    const marks = [step.manual ? 'MANUAL' : '', step.destructive ? `DESTRUCTIVE — asks you to type '${step.confirmText}'` : '', step.retry ? `retries ${step.retry.attempts - 1}×` : '', step.timeoutMs ? `timeout ${step.timeoutMs / 1000} s` : ''].filter(Boolean);
    lines.push(`${String(i + 1).padStart(2)}. ${step.title}  [${step.id}] on ${step.target}${marks.length ? `  (${marks.join(', ')})` : ''}`);
    if (step.manualInstructions) lines.push(`      you do: ${step.manualInstructions}`);
    for (const statement of step.statements) {
      const [first, ...rest] = statement.sql.split('\n');
      lines.push(`      ${statement.target}> ${first}`, ...rest.map((l) => `      ${' '.repeat(statement.target.length)}  ${l}`));
    }
  });
  ctx.stdout.write(lines.join('\n') + '\n');
  return 0;
};
export default command;
