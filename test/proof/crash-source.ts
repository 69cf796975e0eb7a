// The real procedures with stopping points, for the crash matrix (MIRRORBOOK_RUNBOOKS=<bundle of
// this file>). Two kinds of boundary:
//   commit     every durable commit of the engine (intent, outcome, a step's end, a checkpoint).
//              A commit reports one label per part synchronously after it is durable; nothing
//              happens between them, so its first label names it. An outcome a resume records for
//              an interrupted attempt ("reconciled:<step>") is recovery, not a boundary of the run.
//   statement  after a statement an apply sent that changes a server has returned: the lab executed
//              it, the journal holds an intent without an outcome — the case a resume must probe.
//
// env CRASH_DIR    where `tested` (one boundary key per line, across the processes of a chain) and
//                  `trace` (every key this process passed) live (required)
// env CRASH_HALT   commit | statement: halt at the first boundary of that kind whose key is not yet
//                  in `tested` — record it there, say `[crash-halted] <key>` on stderr, block until
//                  SIGKILLed
// env CRASH_PART   "k/n": halt only at boundaries of the k-th of n equal runs of steps (the run's
//                  first commit belongs to the first step, its last to the last), so a long
//                  procedure's chain can be shared out between test files
//
// A key is a label and its occurrence in this process ("sent:principal.backup-full.Patriot:1#1"): a
// resumed process passes the keys it shares with the killed one and halts at the next new one, so
// one chain of processes stops once at every boundary of its kind.

import { appendFileSync, existsSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { durableAppend } from '../helpers/durable-append.js';
import type { LoadedProcedure, ProcedureSource } from '../../machines/procedure-source.js';
import { realProcedures } from '../../cli/real-procedures.js';
import type { StepDefinition } from '../../machines/procedure.js';
import { changesServer } from './crash-statements.js';
import { haltedLine } from './crash-halted.js';

const dir = (): string => {
  const d = process.env.CRASH_DIR;
  if (!d) throw new Error('CRASH_DIR is not set');
  return d;
};

const seen = new Map<string, number>();
const applying = new Set<string>();
let tested: Set<string> | undefined;
let inCommit = false;

function commitLabel(label: string): void {
  const first = !inCommit;
  // A checkpoint is the last part of a commit; the labels of one commit arrive in one tick.
  inCommit = !label.startsWith('checkpoint:');
  if (first && inCommit) queueMicrotask(() => (inCommit = false));
  const step = /^(intent|outcome):(.*)$/.exec(label);
  if (step?.[1] === 'intent') applying.add(step[2]!);
  if (step?.[1] === 'outcome' && !applying.delete(step[2]!)) return boundary(`reconciled:${step[2]}`, false);
  boundary(label, first ? 'commit' : false);
}

function boundary(label: string, kind: 'commit' | 'statement' | false): void {
  const n = (seen.get(label) ?? 0) + 1;
  seen.set(label, n);
  const key = `${label}#${n}`;
  appendFileSync(join(dir(), 'trace'), key + '\n');
  if (!kind || process.env.CRASH_HALT !== kind || !inStepRange(label)) return;
  const file = join(dir(), 'tested');
  tested ??= new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  if (tested.has(key)) return;
  durableAppend(file, key);
  // Written before blocking, synchronously: the line is in the pipe when the runner reads it.
  writeSync(2, haltedLine(key));
  // Blocks the event loop: nothing after this boundary can happen before the SIGKILL.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

let stepIndex = new Map<string, number>();

function inStepRange(label: string): boolean {
  const part = /^(\d+)\/(\d+)$/.exec(process.env.CRASH_PART ?? '');
  if (!part) return true;
  const [k, n] = [Number(part[1]), Number(part[2])];
  const from = Math.floor(((k - 1) * stepIndex.size) / n);
  const to = Math.floor((k * stepIndex.size) / n) - 1;
  const checkpoint = /^checkpoint:(?:\{"s(\d+)"|"(idle|done)")/.exec(label);
  const index = checkpoint
    ? checkpoint[1] !== undefined
      ? Number(checkpoint[1])
      : checkpoint[2] === 'idle'
        ? 0
        : stepIndex.size - 1
    : stepIndex.get(/^(?:intent|outcome|reconciled|step|sent):(.*?)(?::[\w-]+)?$/.exec(label)?.[1] ?? '');
  return index !== undefined && index >= from && index <= to;
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
          if (changesServer(statement.masked)) boundary(`sent:${step.id}:${++sent}`, 'statement');
          return result;
        },
      });
    },
  };
}

export const names: ProcedureSource['names'] = () => realProcedures.names();

export const load: ProcedureSource['load'] = async (name, options): Promise<LoadedProcedure> => {
  const real = await realProcedures.load(name, options);
  stepIndex = new Map(real.definition.steps.map((step, i) => [step.id, i]));
  return {
    ...real,
    definition: { ...real.definition, steps: real.definition.steps.map(withStatementBoundaries) },
    onCheckpoint: commitLabel,
  };
};
