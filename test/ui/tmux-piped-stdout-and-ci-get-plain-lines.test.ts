import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatesCli, openTerminal } from './tmux.js';

const PLAIN_STEP = /^\d\d:\d\d:\d\d\.\d{3} step backup: done/m;

for (const [label, wrap] of [
  ['stdout piped', (cmd: string) => `${cmd} | cat`],
  ['CI=true on a terminal', (cmd: string) => `env CI=true ${cmd}`],
] as const) {
  test(`${label}: plain timestamped lines, no frames, gates answered by --yes/--confirm`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mb-ui-plain-'));
    const { command, env } = gatesCli(dir, 'run gates --yes --confirm Patriot');
    const term = openTerminal(wrap(command), { env });
    try {
      const end = await term.waitFor('EXIT=');
      assert.match(end, PLAIN_STEP);
      assert.match(end, /run \S+: done \(exit 0\)/);
      assert.not.match(end, /[╭│✔▶]/, 'nothing of the run view');
      assert.match(end, /EXIT=0/);
    } finally {
      term.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
