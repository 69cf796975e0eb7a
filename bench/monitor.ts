// The Mirroring Monitor as a service: how soon a lost partner is reported (median over runs, the
// fault injected at a random point of the poll interval), and whether memory stays flat over many
// polls (RSS after 10,000 polls against RSS after 100, both after a full GC). The lab runs in this
// process and the monitor polls it over real TDS, with a real store; the RSS polls run back to
// back (interval 0) so 10,000 of them take minutes, not days.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '../config/load.js';
import { openLab } from '../lab/control/running-lab.js';
import { Monitor, runMonitor } from '../monitor/service.js';
import { openStore } from '../store/index.js';
import { fmt, spread } from './support/stats.js';
import { report } from './support/summary.js';

const RUNS = Number(process.env.BENCH_MONITOR_RUNS ?? 7);
const POLLS = Number(process.env.BENCH_MONITOR_POLLS ?? 10_000);
const INTERVAL_MS = 1000;

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
      config, intervalMs: INTERVAL_MS, signal: stop.signal, channels: [{
        name: 'bench',
        send: (e) => {
          if (e.key !== 'unreachable:SQLMIR01') return;
          if (e.type === 'raised') seen(performance.now() - downAt);
          if (e.type === 'cleared') cleared();
        },
        close: async () => {},
      }],
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
  const detection = spread(latencies.map((ms) => ms / 1000));
  console.log(`lost partner reported after ${fmt(detection.median)} s (median of ${RUNS}, ${detection.kind} ${fmt(detection.low)}–${fmt(detection.high)} s) at a ${INTERVAL_MS / 1000} s interval; bound: interval + 2 s`);
  report('monitor', 'lost partner reported (1 s interval)', detection, 's');

  // Memory over many polls, with the store taking every sample.
  const store = openStore(join(dir, 'state.db'));
  const monitor = new Monitor(config, store);
  const rss = (): number => {
    gc();
    return process.memoryUsage().rss / 1024 / 1024;
  };
  let at100 = 0;
  const started = performance.now();
  for (let n = 1; n <= POLLS; n++) {
    await monitor.poll();
    if (n === 100) at100 = rss();
  }
  const atEnd = rss();
  const perPoll = (performance.now() - started) / POLLS;
  await monitor.close();
  store.close();
  console.log(`RSS after 100 polls ${fmt(at100)} MB, after ${POLLS} ${fmt(atEnd)} MB (×${fmt(atEnd / at100)}; bound ×1.2); ${fmt(perPoll)} ms per poll`);
  report('monitor', `RSS after ${POLLS} polls ÷ after 100`, atEnd / at100, '×');
  report('monitor', 'one poll of the pair (lab, in process)', perPoll, 'ms');
} finally {
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
