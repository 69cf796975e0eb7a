// `mirrorbook plan <procedure>`: every step, where it runs, its flags and the exact T-SQL (secrets
// masked). Changes nothing and connects to nothing. With --chart: the procedure and the step chart
// as Mermaid diagrams.

import type { Command } from '../command.js';
import { UsageError, optionText } from '../command.js';
import { procedureHint } from '../../runbooks/procedures.js';
import { resolvePaths } from '../paths.js';
import type { LoadedProcedure } from '../../machines/procedure-source.js';
import type { LivePlan } from '../../machines/live-plan.js';
import { paceOf, type Pace } from '../../machines/pace.js';

const command: Command = async (ctx) => {
  const [name] = ctx.positionals;
  if (!name) throw new UsageError('plan needs a procedure name', procedureHint(undefined));
  const { loadProcedure } = await import('../load-procedure.js');
  const { hashDefinition, summarizeDefinition } = await import('../../machines/definition-hash.js');
  const { cleanupShape } = await import('../cleanup-options.js');
  const paths = resolvePaths(ctx.flags, ctx.env, ctx.cwd);
  const procedure = await loadProcedure(name, { configPath: paths.config, env: ctx.env, cwd: ctx.cwd, ...cleanupShape(ctx, name, paths.store) });
  const summary = summarizeDefinition(procedure.definition);
  if (ctx.options.chart) {
    const { chartMarkdown } = await import('../../machines/chart.js');
    ctx.stdout.write(chartMarkdown(summary));
    return 0;
  }
  const format = optionText(ctx, 'format') ?? 'text';
  if (format !== 'text' && format !== 'sqlcmd')
    throw new UsageError(`--format ${format} is not a plan format`, 'use --format text (default) or --format sqlcmd (a script for SSMS in SQLCMD mode)');
  const live = ctx.options.offline === true ? undefined : await livePlanOrOffline(procedure, paceOf(ctx.env));
  if (format === 'sqlcmd') {
    const { loadConfig } = await import('../../config/load.js');
    const { sqlcmdScript } = await import('../sqlcmd-script.js');
    const config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
    const marks = live && 'marks' in live ? { marks: live.marks } : live ? { offline: live.offline } : { offline: '--offline' };
    ctx.stdout.write(sqlcmdScript(procedure.definition, config, { hash: hashDefinition(summary), pairKey: procedure.pairKey, now: new Date(), ...marks }));
    return 0;
  }
  if (ctx.flags.json) {
    ctx.stdout.write(
      JSON.stringify({
        procedure: summary.name,
        title: summary.title,
        pair: procedure.pairKey,
        definitionHash: hashDefinition(summary),
        steps: summary.steps.map((s, i) => (live && 'marks' in live ? { ...s, live: live.marks[i] } : s)),
        ...(live && 'marks' in live ? { blocking: live.blocking } : live ? { offline: live.offline } : {}),
      }) + '\n',
    );
    return 0;
  }
  const hash = hashDefinition(summary);
  const { asInvokedHere } = await import('../as-invoked.js');
  const say = asInvokedHere(ctx);
  const lines = [
    `${summary.title} (${summary.name}) on ${procedure.pairKey} — ${summary.steps.length} steps, nothing is changed by this plan`,
    say(`plan hash ${hash}: 'mirrorbook run ${summary.name} --plan-hash ${hash}' runs exactly this plan`),
    '',
  ];
  if (live && 'offline' in live) lines.splice(1, 0, `(config only: ${live.offline})`);
  if (live && 'marks' in live) {
    const count = (state: string) => live.marks.filter((m) => m.state === state).length;
    lines.splice(
      1,
      0,
      `probed the servers (reads only): ${count('already-done')} already done · ${count('will-change')} will change · ${count('blocked')} blocked`,
    );
    if (live.blocking.length)
      lines.splice(
        2,
        0,
        `run refuses to start while a check is ✗ (mirrorbook check ${summary.name}): ${[...new Set(live.blocking.map((f) => `${f.check} (${f.server})`))].join(', ')}`,
      );
  }
  summary.steps.forEach((step, i) => {
    const marks = [
      step.manual ? 'MANUAL' : '',
      step.destructive ? `DESTRUCTIVE — asks you to type '${step.confirmText}'` : '',
      step.retry ? `retries ${step.retry.attempts - 1}×` : '',
      step.timeoutMs ? `timeout ${step.timeoutMs / 1000} s` : '',
    ].filter(Boolean);
    lines.push(`${String(i + 1).padStart(2)}. ${step.title}  [${step.id}] on ${step.target}${marks.length ? `  (${marks.join(', ')})` : ''}`);
    const mark = live && 'marks' in live ? live.marks[i] : undefined;
    if (mark)
      lines.push(
        mark.state === 'already-done'
          ? `    = already done: ${mark.detail}`
          : mark.state === 'will-change'
            ? `    + will change: ${mark.detail}`
            : `    ✗ blocked${mark.checks?.length ? ` by check ${mark.checks.join(', ')}` : ''}: ${mark.detail}`,
      );
    if (step.manualInstructions) lines.push(`      you do: ${say(step.manualInstructions)}`);
    const waits = procedure.definition.steps[i]?.waits;
    if (waits) lines.push(`      waits ${waits}`);
    for (const statement of step.statements) {
      const [first, ...rest] = statement.sql.split('\n');
      lines.push(`      ${statement.target}> ${first}`, ...rest.map((l) => `      ${' '.repeat(statement.target.length)}  ${l}`));
    }
  });
  ctx.stdout.write(lines.join('\n') + '\n');
  return 0;
};

/** The live plan, or why it fell back to the config-only one (a server that does not answer). */
async function livePlanOrOffline(procedure: LoadedProcedure, pace: Pace): Promise<LivePlan | { offline: string }> {
  const { livePlan } = await import('../../machines/live-plan.js');
  try {
    return await livePlan(procedure, pace);
  } catch (error) {
    return { offline: `the servers could not be probed: ${(error as Error).message}` };
  }
}
export default command;
