import type { BuildOptions } from 'esbuild';

export function cliBundleOptions(entryPoints: Record<string, string>, outdir: string): BuildOptions;
export const STUB_FILES: string[];
