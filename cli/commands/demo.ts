// mirrorbook demo (what `npm start` runs): a lab in a temporary directory, `setup` then `failover`
// against it in the run view (plain lines where there is no terminal), then what to try next.
// The lab is stopped on the way out — also on Ctrl-C or a forced exit — unless --keep; its
// directory stays, so `lab start --dir` brings the same pair back.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { optionText } from '../command.js';
import { currentInvocation, selfCommand } from '../self-command.js';

const PROCEDURES = ['setup', 'failover'] as const;

const command: Command = async (ctx) => {
  const dir = optionText(ctx, 'dir');
  const root = dir !== undefined ? resolve(ctx.cwd, dir) : mkdtempSync(join(tmpdir(), 'mirrorbook-demo-'));
  const labDir = join(root, 'lab');
  const config = join(labDir, 'mirrorbook.yaml');
  const keep = ctx.options.keep === true;
  const say = (line: string): void => { if (!ctx.flags.json) ctx.stdout.write(line + '\n'); };

  const { startLabProcess, stopLabProcess } = await import('../../lab/control/launch.js');
  let labPid: number | undefined;
  let inRun = false;
  // A forced exit (second Ctrl-C) cannot wait for an orderly stop: the lab gets SIGTERM on the way out.
  const onExit = (): void => { if (labPid !== undefined && !keep) try { process.kill(labPid, 'SIGTERM'); } catch { /* already gone */ } };
  const onSignal = (): void => {
    // During a run the run's own handler checkpoints and returns 130; between runs, stop here.
    if (!inRun) { onExit(); process.exit(130); }
  };
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    say(`mirrorbook demo: starting a simulated SQL Server pair in ${labDir} …`);
    const { status } = await startLabProcess({ dir: labDir });
    labPid = status.pid;
    say(`  ${status.instances.map((i) => `${i.name} on 127.0.0.1:${i.port}`).join(', ')}; config ${config}\n`);
    const flags = { ...ctx.flags, config };
    const { default: run } = await import('./run.js');
    let code = 0;
    for (const procedure of PROCEDURES) {
      say(`\n── mirrorbook run ${procedure} --config ${config}`);
      inRun = true;
      code = await run({ ...ctx, positionals: [procedure], options: {}, flags });
      inRun = false;
      if (code !== 0) break;
    }
    if (code === 0) say('\n' + nextSteps(ctx, root, labDir, config, keep));
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!keep && labPid !== undefined) {
      await stopLabProcess(labDir).catch(() => undefined);
      labPid = undefined;
      say(`lab stopped; its state is kept in ${labDir}`);
    }
    process.off('exit', onExit);
  }
};
export default command;

function nextSteps(ctx: CommandContext, root: string, labDir: string, config: string, keep: boolean): string {
  const mb = selfCommand(currentInvocation(ctx.env, ctx.cwd));
  const c = `--config ${config}`;
  const tries: [string, string][] = [
    ...(keep ? [] : [['bring the same lab back (the demo stops it on the way out)', `${mb} lab start --dir ${labDir}`] as [string, string]]),
    ['both partners, every database', `${mb} status ${c}`],
    ['planned failover back to SQLPRI01', `${mb} run failback ${c}`],
    ['a lab fault: lose the principal', `${mb} lab fault SQLPRI01 down --dir ${labDir}`],
    ['forced service on SQLMIR01 (on a terminal you type SQLMIR01 to confirm; else add --confirm SQLMIR01)', `${mb} run promote ${c}`],
    ['the runs, and one of them with its audit timeline', `${mb} runs ${c}\n  ${mb} show <run-id> ${c}`],
    ['check the hash chain of every audit record', `${mb} audit verify ${c}`],
    ['a report a change board can file', `${mb} audit --format md ${c}`],
    ...(keep ? [[`when you are done (files in ${root})`, `${mb} lab stop --dir ${labDir}`] as [string, string]] : []),
  ];
  return ['The pair is mirrored and SQLMIR01 is now the principal. Try next:', ...tries.map(([why, cmd]) => `  # ${why}\n  ${cmd}`)].join('\n');
}
