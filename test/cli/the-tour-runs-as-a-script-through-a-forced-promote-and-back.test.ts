// The tour (cli/tour.ts: the README's and the demo's "Try next") run as a script, every command as
// printed (plus --yes, as a script has no terminal): each exits 0, the forced promote happens while
// SQLPRI01 is the principal, the pair is recovered after it, the second setup (Windows
// authentication) ends SYNCHRONIZED, and every procedure of the registry is run — a procedure
// added without a stop of the tour fails here. The README shows the same tour.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOUR, tourLine } from '../../cli/tour.js';
import { PROCEDURE_NAMES } from '../../runbooks/procedures.js';
import { stopLabProcess } from '../../lab/control/launch.js';
import { REPO_ROOT, runCli } from '../helpers/lab.js';

const root = mkdtempSync(join(tmpdir(), 'mb-tour-'));
const dir = join(root, 'lab');
test.after(async () => {
  await stopLabProcess(dir).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

const roles = async (config = join(dir, 'mirrorbook.yaml')): Promise<string> => {
  const status = await runCli(['status', '--config', config]);
  return status.stdout;
};

/** A command line as a POSIX shell splits it (the tour quotes only with '…'). */
const words = (line: string): string[] => [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);

test('every stop of the tour exits 0; promote forces service on SQLMIR01 while SQLPRI01 is the principal; the pair is recovered', async () => {
  // Sessions SYNCHRONIZED as soon as they caught up (a lab setting taken from the command that starts it).
  const env = { MIRRORBOOK_POLL_MS: '50', MIRRORBOOK_LAB_SYNCHRONIZED_AFTER_MS: '0' };
  const ran: string[] = [];
  for (const stop of TOUR) {
    const args = words(tourLine(stop, dir));
    if (args[0] === 'run') args.push('--yes');
    if (stop.args.startsWith('lab fault SQLPRI01 down'))
      assert.match(await roles(), /SQLPRI01 \(configured principal[^\n]*\n[^\n]*\n\s+Patriot\s+PRINCIPAL/, 'SQLPRI01 is the principal when it is lost');
    const result = await runCli(args, env);
    assert.is(result.code, 0, `mirrorbook ${args.join(' ')}: exit ${result.code}\n${result.stdout.slice(-2500)}\n${result.stderr}`);
    if (args[0] === 'run') ran.push(args[1]!);
    // The lab's backups at test speed (a behaviour switch, lab/README.md).
    if (stop.args.startsWith('lab start')) assert.is((await runCli(['lab', 'behaviour', '*', 'backupMsPerGB', '5', '--dir', dir])).code, 0);
    if (stop.args.startsWith('run promote')) assert.match(result.stdout, /forced|FORCE_SERVICE_ALLOW_DATA_LOSS/i);
    if (stop.args.startsWith('run resume-session') && !ran.includes('suspend')) {
      assert.match(
        await roles(),
        /SQLMIR01 \(configured mirror[^\n]*\n[^\n]*\n\s+Patriot\s+PRINCIPAL\s+SYNCHRONIZED/,
        'after the recovery SQLMIR01 serves, SQLPRI01 mirrors, SYNCHRONIZED',
      );
    }
    if (stop.args.startsWith('run enable')) {
      assert.match(
        await roles(join(dir, 'mirrorbook-domain.yaml')),
        /SQLPRI01 \(configured principal[^\n]*\n[^\n]*\n\s+Patriot\s+PRINCIPAL\s+SYNCHRONIZED/,
        'mirrored again, with Windows authentication',
      );
    }
  }
  for (const procedure of PROCEDURE_NAMES) assert.ok(ran.includes(procedure), `the tour runs ${procedure}: add a stop to cli/tour.ts`);
});

test('the README shows the same tour', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  for (const stop of TOUR) assert.ok(readme.includes(`npx mirrorbook ${tourLine(stop, '/tmp/mb-tour')}`), `README tour has: ${tourLine(stop, '/tmp/mb-tour')}`);
});

test.run();
