// Loaded by test/run.mjs into a test process that runs a test file from its sources
// (MIRRORBOOK_TEST_BUNDLE=0): uvu loads with a failing `before` hook's error reported
// (test/helpers/uvu-before-hook.mjs). The test bundle holds uvu with that rewrite made as it is built.
import { register } from 'node:module';

register('./hook-errors-loader.mjs', import.meta.url);
