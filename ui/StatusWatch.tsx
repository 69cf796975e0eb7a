// `status --watch` on a terminal: the pair redrawn in place by Ink on every refresh — each partner
// with how long it took to answer (called out when slower than monitor.slowAnswerMs), each
// database with its role, state and the course of its queue as a sparkline (the send queue on the
// principal, the redo queue on the mirror).
import { Box, render, Text } from 'ink';
import type { PairStatus, PartnerStatus } from '../steps/pair-status.js';
import { sparkline } from '../monitor/sparkline.js';
import { ColorContext, useColor } from './theme.js';

/** Queue values kept per database and side (a few minutes at the default interval). */
const KEEP = 120;
const SPARK_WIDTH = 24;

export interface StatusWatchFrame {
  status: PairStatus;
  intervalS: number;
  slowAnswerMs: number;
  /** Queue series by `${instance}/${database}`. */
  queues: ReadonlyMap<string, number[]>;
}

/** The queue a database shows on a partner: send on the principal, redo on the mirror. */
function queueOf(d: PartnerStatus['databases'][number]): { label: string; kb: number } | null {
  if (d.role === 'PRINCIPAL' && d.sendQueueKb !== null) return { label: 'send', kb: d.sendQueueKb };
  if (d.role === 'MIRROR' && d.redoQueueKb !== null) return { label: 'redo', kb: d.redoQueueKb };
  return null;
}

/** Adds this refresh's queues to the series (the caller keeps the map across refreshes). */
export function recordQueues(status: PairStatus, queues: Map<string, number[]>): void {
  for (const p of status.partners) {
    for (const d of p.databases) {
      const q = queueOf(d);
      if (!q) continue;
      const key = `${p.instance}/${d.name}`;
      const series = queues.get(key) ?? [];
      series.push(q.kb);
      if (series.length > KEEP) series.shift();
      queues.set(key, series);
    }
  }
}

const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? '—' : String(v));

function Partner({ partner, frame }: { partner: PartnerStatus; frame: StatusWatchFrame }) {
  const color = useColor();
  const slow = partner.answerMs !== undefined && partner.answerMs > frame.slowAnswerMs;
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text>
        <Text bold>{partner.instance}</Text> (configured {partner.role}, {partner.address})
        {partner.reachable ? <Text color={color(slow ? 'yellow' : 'gray')}> answered in {partner.answerMs ?? '—'} ms</Text> : null}
        {slow ? <Text color={color('yellow')}> — slow to answer (limit {frame.slowAnswerMs} ms)</Text> : null}
      </Text>
      {partner.reachable ? null : (
        <Text color={color('red')}>
          {'  '}UNREACHABLE: {partner.error}
        </Text>
      )}
      {partner.lock ? (
        <Text color={color('yellow')}>
          {'  '}locked by {partner.lock.owner} on {partner.lock.host}: run {partner.lock.runId} '{partner.lock.procedure}' since {partner.lock.since}
        </Text>
      ) : null}
      {partner.databases.map((d) => {
        const q = queueOf(d);
        const series = frame.queues.get(`${partner.instance}/${d.name}`) ?? [];
        const state = d.mirroringState ?? (d.role ? null : 'not mirrored');
        const stateColor = state === 'SYNCHRONIZED' ? 'green' : state === 'SYNCHRONIZING' ? 'cyan' : 'red';
        return (
          <Text key={d.name} wrap="truncate-end">
            {'  '}
            {d.name.padEnd(16)} {dash(d.role).padEnd(9)} <Text color={color(stateColor)}>{dash(state).padEnd(14)}</Text> {dash(d.safety).padEnd(4)}
            {d.witness ? ` witness ${dash(d.witnessState)}` : ''}
            {q ? ` ${q.label} ${sparkline(series, SPARK_WIDTH).padEnd(SPARK_WIDTH)} ${q.kb} KB` : ''}
          </Text>
        );
      })}
    </Box>
  );
}

export function StatusWatch({ frame }: { frame: StatusWatchFrame }) {
  return (
    <Box flexDirection="column">
      <Text>
        mirroring status at {frame.status.at} — every {frame.intervalS} s, Ctrl-C to stop
      </Text>
      {frame.status.partners.map((p) => (
        <Partner key={p.instance} partner={p} frame={frame} />
      ))}
    </Box>
  );
}

export interface StatusWatchView {
  show(frame: StatusWatchFrame): void;
  close(): Promise<void>;
}

export function startStatusWatch(options: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; color: boolean }): StatusWatchView {
  let instance: ReturnType<typeof render> | undefined;
  return {
    show: (frame) => {
      const element = (
        <ColorContext.Provider value={options.color}>
          <StatusWatch frame={frame} />
        </ColorContext.Provider>
      );
      if (instance) instance.rerender(element);
      else instance = render(element, { stdout: options.stdout, stderr: options.stderr, exitOnCtrlC: false, patchConsole: false });
    },
    close: async () => {
      instance?.unmount();
      await instance?.waitUntilExit().catch(() => undefined);
    },
  };
}
