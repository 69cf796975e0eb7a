// A lab pair for the procedure tests: the lab writes mirrorbook.yaml; `mb` runs the real CLI with
// that config and a store of the test's own; `status` reads what the partners say.
import { join } from 'node:path';
import { runCli, startTestLab, waitFor, type CliResult, type TestLab, type TestLabOptions } from '../helpers/lab.js';

export interface PairLab {
  lab: TestLab;
  config: string;
  mb(...args: string[]): Promise<CliResult>;
  status(): Promise<StatusJson>;
  /** Waits until `database` on `instance` reports the mirroring state (and role, if given). */
  waitFor(instance: string, database: string, state: string, role?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface StatusJson {
  partners: { instance: string; reachable: boolean; databases: { name: string; state: string; role: string | null; mirroringState: string | null; safety: string | null }[] }[];
}

export async function startPairLab(options: TestLabOptions = {}): Promise<PairLab> {
  const lab = await startTestLab(options);
  await lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: '50' });
  const config = join(lab.dir, 'mirrorbook.yaml');
  const store = join(lab.dir, 'state.db');
  const mb = (...args: string[]) => runCli([...args, '--config', config, '--store', store, '--plain']);
  const status = async (): Promise<StatusJson> => {
    const result = await mb('status', '--json');
    return JSON.parse(result.stdout) as StatusJson;
  };
  return {
    lab,
    config,
    mb,
    status,
    waitFor: async (instance, database, state, role) => {
      await waitFor(`${database} ${state} on ${instance}`, async () => {
        const s = await status();
        const d = s.partners.find((p) => p.instance === instance)?.databases.find((x) => x.name === database);
        return d?.mirroringState === state && (role === undefined || d.role === role);
      }, 60_000, 250);
    },
    stop: () => lab.stop(),
  };
}

/** Lines of a plain run log that report a step's outcome: "step <id>: done", "already done" … */
export function outcomes(stdout: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of stdout.matchAll(/^\S+ step (\S+): (already done|done|FAILED|skipped)/gm)) found.set(m[1]!, m[2]!);
  return found;
}
