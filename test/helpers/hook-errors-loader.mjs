// The module hook of hook-errors.mjs: uvu's runner with test/helpers/uvu-before-hook.mjs's rewrite.
import { reportingBeforeHooks, UVU_RUNNER } from './uvu-before-hook.mjs';

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!UVU_RUNNER.test(url)) return loaded;
  return { ...loaded, source: reportingBeforeHooks(String(loaded.source)) };
}
