// --json: every engine event as one JSON line, for scripts and schedulers.

import type { EngineEventListener } from '../machines/events.js';

export function ndjsonReporter(out: NodeJS.WritableStream): EngineEventListener {
  return (event) => {
    out.write(JSON.stringify(event) + '\n');
  };
}
