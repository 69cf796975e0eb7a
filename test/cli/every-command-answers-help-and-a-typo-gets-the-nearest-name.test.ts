// Every command explains itself the same way (cli/command-table.ts through the one parser): --help
// exits 0 with its synopsis, every one of its options and real examples; a mistyped command,
// option, procedure or lab subcommand is refused with exit 2 and the nearest name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from '../../cli/arguments.js';
import { COMMANDS, COMMON_OPTIONS } from '../../cli/command-table.js';
import { UsageError } from '../../errors/operator-error.js';
import { PROCEDURE_NAMES } from '../../runbooks/procedures.js';
import { REPO_ROOT, runCli, runCliProcess } from '../helpers/lab.js';

test('every command: --help exits 0 naming its options and at least two examples', async () => {
  const names = Object.keys(COMMANDS);
  assert.ok(names.length >= 12, names.join(' '));
  const results = await Promise.all(names.map((name) => runCli([name, '--help'])));
  names.forEach((name, i) => {
    const { code, stdout, stderr } = results[i]!;
    assert.is(code, 0, `${name} --help: exit ${code}\n${stderr}`);
    assert.is(stderr, '', `${name} --help wrote to stderr`);
    assert.match(stdout, new RegExp(`^usage: mirrorbook ${name}\\b`), `${name}: synopsis first`);
    for (const option of [...Object.keys(COMMANDS[name]!.options), 'help']) assert.ok(stdout.includes(`--${option}`), `${name} --help names --${option}`);
    const examples = stdout.split('\n').filter((l) => l.startsWith(`  mirrorbook ${name}`));
    assert.ok(examples.length >= 2, `${name} --help shows ${examples.length} examples`);
  });
});

test('run and plan list every procedure of the registry; `help <command>` is `<command> --help`', async () => {
  const [run, plan, viaHelp] = await Promise.all([runCli(['run', '--help']), runCli(['plan', '-h']), runCli(['help', 'run'])]);
  for (const name of PROCEDURE_NAMES) {
    assert.match(run.stdout, new RegExp(`^  ${name} `, 'm'), `run --help lists ${name}`);
    assert.match(plan.stdout, new RegExp(`^  ${name} `, 'm'), `plan --help lists ${name}`);
  }
  assert.is(viaHelp.stdout, run.stdout);
  const bare = await runCli(['run']);
  assert.is(bare.code, 2);
  for (const name of PROCEDURE_NAMES) assert.ok(bare.stderr.includes(name), `'run' without a name lists ${name}: ${bare.stderr}`);
});

test('--version prints the package version and exits 0, before or after a command', async () => {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  // The binary itself, as an operator runs it (the rest of this file runs the CLI in-process).
  for (const args of [['--version'], ['runs', '--version']]) {
    const result = await runCliProcess(args);
    assert.is(result.code, 0, result.stderr);
    assert.is(result.stdout, `mirrorbook ${version}\n`);
  }
});

test('a mistyped command, option, procedure or lab subcommand exits 2 and names the nearest', async () => {
  const cases: [string[], RegExp][] = [
    [['stauts'], /unknown command 'stauts'[\s\S]*did you mean '.*\bstatus'/],
    [['run', 'setup', '--cofirm', 'Patriot'], /unknown option '--cofirm'[\s\S]*did you mean --confirm\?/],
    [['runs', '--limt', '3'], /unknown option '--limt'[\s\S]*did you mean --limit\?/],
    [['plan', 'failovr', '--config', join(REPO_ROOT, 'test', 'nonexistent.yaml')], /unknown procedure 'failovr'[\s\S]*did you mean 'failover'/],
    [['lab', 'strat', '--dir', join(REPO_ROOT, 'test', 'no-lab-here')], /unknown lab subcommand 'strat'[\s\S]*did you mean 'lab start'/],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  cases.forEach(([args, expected], i) => {
    assert.is(results[i]!.code, 2, `${args.join(' ')}: ${results[i]!.stderr}`);
    assert.match(results[i]!.stderr, expected, args.join(' '));
  });
});

test('the parser: values inline or apart, a flag-looking value is a missing value, a switch takes none', () => {
  const table = { ...COMMON_OPTIONS, limit: { type: 'string', value: 'N', help: '' } } as const;
  assert.equal(parseCommandLine(['--limit=3', 'x', '--json', '--config', 'a.yaml'], table, 'runs'), {
    values: { limit: '3', json: true, config: 'a.yaml' },
    positionals: ['x'],
  });
  assert.equal(parseCommandLine(['--confirm=-odd-name'], table, 'run').values, { confirm: '-odd-name' });
  const refused = (args: string[]): string => {
    try {
      parseCommandLine(args, table, 'runs');
    } catch (error) {
      assert.instance(error, UsageError);
      return (error as UsageError).message;
    }
    throw new Error(`${args.join(' ')} was accepted`);
  };
  assert.is(refused(['--confirm', '--yes']), '--confirm needs a value');
  assert.is(refused(['--limit']), '--limit needs a value');
  assert.is(refused(['--limit=']), '--limit needs a value');
  assert.is(refused(['--json=yes']), '--json takes no value');
  assert.is(refused(['-x']), "unknown option '-x'");
});

test.run();
