// mirrorbook demo (what `npm start` runs): a lab in a temporary directory, `setup` then `failover`
// against it in the run view (plain lines where there is no terminal), then what to try next.
// The lab is stopped on the way out — also on Ctrl-C or a forced exit — unless --keep; the
// temporary directory the demo made is removed with it (a --dir the operator named stays).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { optionText } from '../command.js';
import { selfCommand } from '../self-command.js';
import { formatTries } from '../next-steps.js';
import { rememberLab } from '../last-lab.js';
import { DEMO_DOES, TOUR, tourLine } from '../tour.js';

const PROCEDURES = ['setup', 'failover'] as const;

const command: Command = async (ctx) => {
  const dir = optionText(ctx, 'dir');
  const made = dir === undefined;
  const root = dir !== undefined ? resolve(ctx.cwd, dir) : mkdtempSync(join(tempRoot(ctx.env), 'mirrorbook-demo-'));
  const labDir = join(root, 'lab');
  const config = join(labDir, 'mirrorbook.yaml');
  const keep = ctx.options.keep === true;
  const say = (line: string): void => {
    if (!ctx.flags.json) ctx.stdout.write(line + '\n');
  };

  const { startLabProcess, stopLabProcess } = await import('../../lab/control/launch.js');
  let labPid: number | undefined;
  // A signal between runs exits at once (nothing claims it; a run claims the signals over this and
  // checkpoints), as does a forced one (second Ctrl-C): neither can wait for an orderly stop, so the
  // lab gets SIGTERM on the way out.
  const onExit = (): void => {
    if (labPid !== undefined && !keep)
      try {
        process.kill(labPid, 'SIGTERM');
      } catch {
        /* already gone */
      }
  };
  process.on('exit', onExit);
  try {
    say(`mirrorbook demo: starting a simulated SQL Server pair in ${labDir} …`);
    const { status } = await startLabProcess({ dir: labDir, witness: true, env: ctx.env });
    labPid = status.pid;
    // A lab that outlives the demo is the one the next lab command without --dir finds.
    if (keep || !made) rememberLab(ctx.env, labDir);
    say(`  ${status.instances.map((i) => `${i.name} on 127.0.0.1:${i.port}`).join(', ')}; config ${config}\n`);
    const flags = { ...ctx.flags, config };
    const { runProcedure } = await import('./run.js');
    let code = 0;
    for (const procedure of PROCEDURES) {
      say(`\n── mirrorbook run ${procedure} --config ${config}`);
      // Piped, a page rather than a log: each step's result, the waits, the notes (ui/plain-reporter.ts).
      code = await runProcedure({ ...ctx, positionals: [procedure], options: {}, flags }, procedure, { brief: true });
      if (code !== 0) break;
    }
    if (code === 0) say('\n' + nextSteps(ctx, labDir, keep, made));
    return code;
  } finally {
    if (!keep && labPid !== undefined) {
      await stopLabProcess(labDir).catch(() => undefined);
      labPid = undefined;
      // What the demo created goes with it: its temporary directory (a --dir named by the operator stays).
      if (made) rmSync(root, { recursive: true, force: true });
      say(made ? `lab stopped and ${root} removed (--keep keeps the pair running)` : `lab stopped; its state is kept in ${labDir}`);
    }
    process.off('exit', onExit);
  }
};
export default command;

/** The temporary folder of the command's environment (os.tmpdir() reads the process's). */
const tempRoot = (env: NodeJS.ProcessEnv): string => env.TMPDIR || env.TMP || env.TEMP || tmpdir();

/** The rest of the tour (cli/tour.ts) on this lab — brought back first when the demo stopped it,
 * or, when the demo removed its lab, on the lab a `demo --keep --dir` would leave. */
function nextSteps(ctx: CommandContext, labDir: string, keep: boolean, made: boolean): string {
  const mb = selfCommand(ctx);
  const dir = keep || !made ? labDir : join(tempRoot(ctx.env), 'mb-demo', 'lab');
  const rest = TOUR.slice(DEMO_DOES).map((stop) => [stop.why, `${mb} ${tourLine(stop, dir)}`] as const);
  if (keep) return `The pair is mirrored, SQLMIR01 is the principal and the lab is still running. Try next:\n${formatTries(rest)}`;
  if (!made)
    return `The pair is mirrored and SQLMIR01 is the principal. Try next:\n${formatTries([['bring the same lab back (the demo stops it on the way out)', `${mb} lab start --dir ${dir}`], ...rest])}`;
  return `The pair was mirrored and SQLMIR01 became the principal; the demo removes its lab on the way out. Try next — keep a pair:\n  ${mb} demo --keep --dir ${dirname(dir)}\nthen:\n${formatTries(rest)}`;
}
