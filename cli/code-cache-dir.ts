// Where compiled code is kept between runs: in the user's own cache folder, not in the shared
// temporary one Node defaults to — code another local user wrote there first would run with the
// DBA's credentials.

import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_CACHE_HOME/mirrorbook/<kind>` (default `~/.cache/mirrorbook/<kind>`). */
export function codeCacheDir(kind: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mirrorbook', kind);
}
