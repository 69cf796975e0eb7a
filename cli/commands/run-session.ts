// What `run` and `resume` share: the store, the operator, the reporter and the signals (cli/signals.ts).
// First SIGINT / SIGTERM / SIGHUP: abort the running step, checkpoint, print the resume command,
// exit 130 / 143 / 129. A second one during that: the run recorded interrupted, exit at once.

import type { CommandContext } from '../command.js';
import { resumeCommandFor } from '../command.js';
import { commandLine } from '../next-steps.js';
import { resolvePaths } from '../paths.js';
import { paceOf } from '../../machines/pace.js';
import type { Store } from '../../store/types.js';
import type { EngineEventListener } from '../../machines/events.js';
import type { Operator } from '../../machines/procedure.js';
import type { RunOptions, Who } from '../../machines/engine.js';
import type { AnchorWriter } from '../../machines/run-anchor.js';
import type { InkRun } from '../../ui/ink-run.js';

export interface Session {
  store: Store;
  options: Omit<RunOptions, 'procedure'>;
  configPath: string;
  close(): Promise<void>;
}

export async function openSession(ctx: CommandContext, show: { brief?: boolean } = {}): Promise<Session> {
  const { openStore } = await import('../../store/index.js');
  const { currentWho, stopRunNow } = await import('../../machines/engine.js');
  const { commandLineOperator, terminalOperator } = await import('../../machines/operators.js');
  const { SIGNAL_EXIT } = await import('../signals.js');
  const paths = resolvePaths(ctx.flags, ctx.env, ctx.cwd);
  const who: Who = currentWho(ctx.flags.operator);
  const interactive = !ctx.flags.json && ctx.stdin.isTTY === true && ctx.stdout.isTTY === true;
  const { chooseOutput } = await import('../../ui/output-mode.js');
  const mode = chooseOutput({ json: ctx.flags.json, plain: ctx.flags.plain, stdoutIsTTY: ctx.stdout.isTTY === true, env: ctx.env });

  const auditKey = await auditKeyOf(ctx);
  const store = openStore(paths.store, auditKey ? { auditKey } : {});
  let runId: string | undefined;
  let ink: InkRun | undefined;
  // Writes to a terminal that was closed (SIGHUP) fail; the run's end must not depend on them.
  const say = (text: string): void => {
    try {
      ctx.stderr.write(text);
    } catch {
      /* nobody is reading */
    }
  };
  const releaseSignals = ctx.signals.claim({
    first: (name) => {
      if (ink) ink.interrupting(name === 'SIGINT' ? 'SIGINT' : 'SIGTERM');
      else say(`\nmirrorbook: ${name}: stopping the running step and writing the checkpoint (Ctrl-C again to force)\n`);
    },
    // A second signal during the shutdown: the run is recorded interrupted before the exit.
    force: (name) => {
      ink?.close();
      const stopped = runId !== undefined && stopRunNow(store, runId, SIGNAL_EXIT[name]);
      say(
        `\nmirrorbook: forced exit; ${stopped ? `run ${runId} recorded as interrupted — continue it with: ${resumeCommandFor(ctx, runId!)}` : 'the last checkpoint stands — resume to reconcile'}\n`,
      );
    },
  });
  const signal = ctx.signals.signal;
  const { asInvokedHere, eventAsInvoked } = await import('../as-invoked.js');
  const asInvoked = asInvokedHere(ctx);

  // Ink (the run view) only on a real terminal; it is imported only then.
  ink =
    mode === 'ink'
      ? (await import('../../ui/ink-run.js')).startInkRun({
          operatorName: who.operator,
          stdout: ctx.stdout,
          stdin: ctx.stdin,
          stderr: ctx.stderr,
          color: ctx.flags.color,
          signal,
          interrupt: () => process.emit('SIGINT', 'SIGINT'),
          yes: ctx.flags.yes,
          say: asInvoked,
          ...(ctx.flags.confirm !== undefined ? { confirm: ctx.flags.confirm } : {}),
        })
      : undefined;
  const operator: Operator =
    ink?.operator ??
    (interactive
      ? terminalOperator({
          name: who.operator,
          input: ctx.stdin,
          output: ctx.stdout,
          yes: ctx.flags.yes,
          signal,
          ...(ctx.flags.confirm !== undefined ? { confirm: ctx.flags.confirm } : {}),
        })
      : commandLineOperator({ name: who.operator, yes: ctx.flags.yes, ...(ctx.flags.confirm !== undefined ? { confirm: ctx.flags.confirm } : {}) }));
  const reporter: EngineEventListener = ink
    ? ink.listener
    : ctx.flags.json
      ? (await import('../../ui/ndjson-reporter.js')).ndjsonReporter(ctx.stdout)
      : (await import('../../ui/plain-reporter.js')).plainReporter(ctx.stdout, { verbose: ctx.flags.verbose, brief: show.brief === true });
  const listener: EngineEventListener = (event) => {
    runId ??= event.runId;
    reporter(eventAsInvoked(event, asInvoked));
  };

  const { writeAnchor } = await import('../../steps/run-anchor.js');
  const anchor: AnchorWriter = (targets, target, facts, anchorSignal) => writeAnchor((statement) => targets.query(target, statement, anchorSignal), facts);
  return {
    store,
    configPath: paths.config,
    options: {
      store,
      operator,
      who,
      signal,
      listener,
      argv: [...ctx.args],
      pace: paceOf(ctx.env),
      resumeCommand: (id) => resumeCommandFor(ctx, id),
      commandFor: (args) => commandLine(ctx, args),
      anchor,
    },
    close: async () => {
      await ink?.close();
      releaseSignals();
      store.close();
    },
  };
}

/** For the history commands: the store as it is, never created; undefined when there is none yet.
 * `migrate`: a store an older build wrote is migrated once (runs, show); the audit commands read
 * the evidence as it is and never write it. */
export async function openExistingStore(
  ctx: CommandContext,
  options: { readonly: boolean; migrate?: boolean; auditKey?: boolean },
): Promise<{ store: Store; path: string } | { store: undefined; path: string }> {
  const { existsSync } = await import('node:fs');
  const paths = resolvePaths(ctx.flags, ctx.env, ctx.cwd);
  if (!existsSync(paths.store)) return { store: undefined, path: paths.store };
  const { openStore, StoreError } = await import('../../store/index.js');
  const auditKey = options.auditKey ? await auditKeyOf(ctx) : undefined;
  const open = (readonly: boolean) => openStore(paths.store, { readonly, ...(auditKey ? { auditKey } : {}) });
  try {
    return { store: open(options.readonly), path: paths.store };
  } catch (error) {
    if (!(options.readonly && options.migrate && error instanceof StoreError && error.code === 'needs-migration')) throw error;
    // A store an older build wrote: migrate it once (one transaction; refused if the file is
    // read-only), then read it — the read commands are what an operator tries first after an upgrade.
    open(false).close();
    return { store: open(true), path: paths.store };
  }
}

/** audit.key from the config file, when there is one (config/audit-key.ts). */
/** The audit key of the config; a command that writes to the store needs the config (a record
 * appended without the key to a signed chain would read as a chain rebuilt without it). */
export async function auditKeyOf(ctx: CommandContext): Promise<Buffer | undefined> {
  const { readAuditKey } = await import('../../config/audit-key.js');
  return readAuditKey(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, ctx.env);
}
