import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/lab.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-lab-cli-'));

const cases: { args: string[]; names: RegExp }[] = [
  { args: ['lab'], names: /subcommand/ },
  { args: ['lab', 'restart'], names: /unknown lab subcommand 'restart'/ },
  { args: ['lab', 'start', '--version', '2005'], names: /--version 2005.*2008R2/ },
  { args: ['lab', 'start', '--edition', 'Web'], names: /--edition Web.*Enterprise/ },
  { args: ['lab', 'start', '--colour'], names: /unknown option '--colour'/ },
  { args: ['lab', 'status', '--dir'], names: /--dir needs a value/ },
  { args: ['lab', 'fault', 'SQLPRI01', 'explode'], names: /unknown fault 'explode'/ },
  { args: ['lab', 'fault', 'SQLPRI01', 'slow'], names: /slow needs a delay in milliseconds/ },
  { args: ['lab', 'fault', 'SQLPRI01', 'slow', 'fast'], names: /found 'fast'/ },
  { args: ['lab', 'fault'], names: /missing the instance name/ },
  { args: ['lab', 'sessions', 'SQLPRI01', 'kill', 'x'], names: /unknown sessions action 'kill'/ },
  { args: ['lab', 'sessions', 'SQLPRI01', 'start'], names: /needs the program name/ },
  { args: ['lab', 'service-account', 'SQLPRI01'], names: /missing the instance name and the account/ },
  { args: ['lab', 'log'], names: /missing the instance name/ },
];

for (const { args, names } of cases) {
  test(`'${args.join(' ')}' exits 2 naming what is wrong`, async () => {
    const result = await runCli([...args, ...(args.includes('--dir') ? [] : ['--dir', dir])]);
    assert.is(result.code, 2, result.stderr);
    assert.match(result.stderr, names);
    assert.is(result.stdout, '');
  });
}

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
