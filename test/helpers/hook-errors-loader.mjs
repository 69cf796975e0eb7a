// The module hook of hook-errors.mjs.
const UVU = /\/uvu\/dist\/index\.mjs$/;
const LINE = 'for (hook of before) await hook(state);';
// format() reads the error's name and stack: something thrown that is not an Error is wrapped.
const REPORTED = `try { ${LINE} } catch (err) { errors += format('before', err instanceof Error ? err : new Error(String(err)), name); throw err; }`;

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!UVU.test(url)) return loaded;
  const source = String(loaded.source);
  if (!source.includes(LINE)) throw new Error(`test/helpers/hook-errors-loader.mjs: uvu no longer has \`${LINE}\`; update the hook`);
  return { ...loaded, source: source.replace(LINE, REPORTED) };
}
