// The Mirroring Monitor as a service: how soon a lost partner is reported (median over runs, the
// fault injected at a random point of the poll interval), and whether memory stays flat over many
// polls (RSS after 10,000 polls against RSS after 100, both after a full GC). The lab runs in this
// process and the monitor polls it over real TDS, with a real store and through the service loop
// (runMonitor: its sleep, abort signal and channels) at a small interval (10 ms,
// BENCH_MONITOR_INTERVAL_MS) so 10,000 polls take minutes, not days. BENCH_MONITOR_RUNS=0 skips
// the detection runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../config/load.js';
import { openLab } from '../lab/control/running-lab.js';
import { runMonitor } from '../monitor/service.js';
import { openStore } from '../store/index.js';
import { fmt, spread } from './support/stats.js';
import { report } from './support/summary.js';

const RUNS = Number(process.env.BENCH_MONITOR_RUNS ?? 7);
const POLLS = Number(process.env.BENCH_MONITOR_POLLS ?? 10_000);
const INTERVAL_MS = 1000;
const SOAK_INTERVAL_MS = Number(process.env.BENCH_MONITOR_INTERVAL_MS ?? 10);

setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-bench-monitor-'));
const lab = await openLab({ dir: join(dir, 'lab') });
try {
  const config = loadConfig(join(dir, 'lab', 'mirrorbook.yaml'), { env: process.env });

  // Detection latency: a monitor polling every second; the mirror goes down at a random moment.
  const latencies: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const stop = new AbortController();
    let downAt = 0;
    let seen: (ms: number) => void = () => {};
    const detected = new Promise<number>((resolve) => (seen = resolve));
    let cleared: () => void = () => {};
    const back = new Promise<void>((resolve) => (cleared = resolve));
    const running = runMonitor({
      config,
      intervalMs: INTERVAL_MS,
      signal: stop.signal,
      channels: [
        {
          name: 'bench',
          send: (e) => {
            if (e.key !== 'unreachable:SQLMIR01') return;
            if (e.type === 'raised') seen(performance.now() - downAt);
            if (e.type === 'cleared') cleared();
          },
          close: async () => {},
        },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, 1500 + Math.random() * INTERVAL_MS));
    downAt = performance.now();
    await lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'down' });
    latencies.push(await detected);
    await lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'up' });
    await back;
    stop.abort();
    await running;
  }
  if (RUNS > 0) {
    const detection = spread(latencies.map((ms) => ms / 1000));
    console.log(
      `lost partner reported after ${fmt(detection.median)} s (median of ${RUNS}, ${detection.kind} ${fmt(detection.low)}–${fmt(detection.high)} s) at a ${INTERVAL_MS / 1000} s interval; bound: interval + 2 s`,
    );
    report('monitor', 'lost partner reported (1 s interval)', detection, 's');
  }

  // Memory over many polls, with the store taking every sample.
  const store = openStore(join(dir, 'state.db'));
  const rss = (): number => {
    gc();
    return process.memoryUsage().rss / 1024 / 1024;
  };
  let at100 = 0;
  let polls = 0;
  const started = performance.now();
  await runMonitor({
    config,
    store,
    intervalMs: SOAK_INTERVAL_MS,
    polls: POLLS,
    signal: new AbortController().signal,
    channels: [{ name: 'bench', send: () => {}, close: async () => {} }],
    onPoll: () => {
      if (++polls === 100) at100 = rss();
    },
  });
  const atEnd = rss();
  const perPoll = (performance.now() - started) / POLLS;
  store.close();
  console.log(
    `RSS after 100 polls ${fmt(at100)} MB, after ${POLLS} ${fmt(atEnd)} MB (×${fmt(atEnd / at100)}; bound ×1.2); ${fmt(perPoll)} ms per poll at a ${SOAK_INTERVAL_MS} ms interval`,
  );
  report('monitor', `RSS after ${POLLS} polls ÷ after 100`, atEnd / at100, '×');
  report('monitor', `one poll of the pair and its interval (lab in process, ${SOAK_INTERVAL_MS} ms interval)`, perPoll, 'ms');
} finally {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
