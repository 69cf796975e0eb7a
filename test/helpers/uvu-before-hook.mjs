// uvu 0.5 loses the error of a failing `before` hook (its runner returns from a `finally`), so a lab
// that failed to start showed as "(0 / 1)" and nothing else. This rewrites that one line of uvu's
// runner, so the error is reported as a failure with its message and stack; if uvu changes the line,
// the rewrite fails loudly instead. Applied as the test bundle is built (test/helpers/test-bundle.mjs,
// which bundles uvu) and, for a test run from its sources, as uvu loads (hook-errors-loader.mjs).
const LINE = 'for (hook of before) await hook(state);';
// format() reads the error's name and stack: something thrown that is not an Error is wrapped.
const REPORTED = `try { ${LINE} } catch (err) { errors += format('before', err instanceof Error ? err : new Error(String(err)), name); throw err; }`;

/** Which file of uvu holds the line: uvu/dist/index.mjs, as `import 'uvu'` resolves it. */
export const UVU_RUNNER = /\/uvu\/dist\/index\.mjs$/;

/** uvu's runner `source` with a failing `before` hook reported. */
export function reportingBeforeHooks(source) {
  if (!source.includes(LINE)) throw new Error(`test/helpers/uvu-before-hook.mjs: uvu no longer has \`${LINE}\`; update the rewrite`);
  return source.replace(LINE, REPORTED);
}
