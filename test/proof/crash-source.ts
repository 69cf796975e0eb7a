// The real procedures with stopping points, for the crash matrix (MIRRORBOOK_RUNBOOKS=<bundle of
// this file>). Every durable commit is a boundary, and so is the moment after each statement an
// apply sent that changes a server has returned: the lab executed it, the journal holds an intent
// without an outcome — the case a resume must probe. A commit reports one label per part (outcome,
// step, checkpoint) synchronously after it is durable: nothing happens between them, so only its
// first label is a place to halt (the others are traced).
//
// env CRASH_DIR    where `tested` (one boundary key per line, across the processes of a chain),
//                  `trace` (every key this process passed) and `halted-at` live (required)
// env CRASH_HALT   "1": halt at the first boundary key not yet in `tested` — record it there,
//                  write `halted-at`, block the whole process until it is SIGKILLed
//
// A key is a label and its occurrence in this process ("sent:backup-full-Patriot:1#1"): a resumed
// process passes the keys it shares with the killed one without stopping and halts at the next new
// one, so one chain of processes stops once at every boundary.

import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedProcedure, ProcedureSource } from '../../machines/procedure-source.js';
import { realProcedures } from '../../machines/real-procedures.js';
import type { StepDefinition } from '../../machines/runbook.js';
import { changesServer } from './crash-statements.js';

const dir = (): string => {
  const d = process.env.CRASH_DIR;
  if (!d) throw new Error('CRASH_DIR is not set');
  return d;
};

function durableAppend(file: string, line: string): void {
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, line + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const seen = new Map<string, number>();
let tested: Set<string> | undefined;
let inCommit = false;

function commitLabel(label: string): void {
  // A checkpoint is the last part of a commit; the labels of one commit arrive in one tick.
  const first = !inCommit;
  inCommit = !label.startsWith('checkpoint:');
  if (first && inCommit) queueMicrotask(() => (inCommit = false));
  boundary(label, first);
}

function boundary(label: string, haltable = true): void {
  const n = (seen.get(label) ?? 0) + 1;
  seen.set(label, n);
  const key = `${label}#${n}`;
  appendFileSync(join(dir(), 'trace'), key + '\n');
  if (process.env.CRASH_HALT !== '1' || !haltable) return;
  const file = join(dir(), 'tested');
  tested ??= new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  if (tested.has(key)) return;
  durableAppend(file, key);
  writeFileSync(join(dir(), 'halted-at'), key);
  // Blocks the event loop: nothing after this boundary can happen before the SIGKILL.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

function withStatementBoundaries(step: StepDefinition): StepDefinition {
  return {
    ...step,
    apply: (ctx) => {
      let sent = 0;
      return step.apply.call(step, {
        ...ctx,
        sql: async (target, statement) => {
          const result = await ctx.sql(target, statement);
          if (changesServer(statement.masked)) boundary(`sent:${step.id}:${++sent}`);
          return result;
        },
      });
    },
  };
}

export const names: ProcedureSource['names'] = () => realProcedures.names();

export const load: ProcedureSource['load'] = async (name, options): Promise<LoadedProcedure> => {
  const real = await realProcedures.load(name, options);
  return {
    ...real,
    runbook: { ...real.runbook, steps: real.runbook.steps.map(withStatementBoundaries) },
    onCheckpoint: commitLabel,
  };
};
