// What several test files need and only one should make, made before they start (test/run.mjs runs
// this beside the files that need neither): the set-up pair (set-up-pair.ts) and the crash matrices'
// CLI bundle (test/proof/crash-bundle.ts). Each is built once per state of its sources, so a file
// run alone still builds what it needs itself.
import { buildSetUpPair } from './set-up-pair.js';
import { buildCrashBundle } from '../proof/crash-bundle.js';

await Promise.all([buildSetUpPair(), buildCrashBundle()]);
