import type { BuildOptions } from 'esbuild';

export const CLI_ENTRY_POINTS: Record<string, string>;
export function cliBundleOptions(entryPoints: Record<string, string>, outdir: string): BuildOptions;
export const STUB_FILES: string[];
export const JS_JODA_SHIM: string;
export const BUNDLE_OPTION_FILES: string[];
