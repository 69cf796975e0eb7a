// Loaded into every test process by test/run.mjs. uvu 0.5 loses the error of a failing `before`
// hook (its runner returns from a `finally`), so a lab that failed to start showed as "(0 / 1)" and
// nothing else. This rewrites that one line of uvu as it loads, so the error is reported as a
// failure with its message and stack; if uvu changes the line, loading fails loudly instead.
import { register } from 'node:module';

register('./hook-errors-loader.mjs', import.meta.url);
