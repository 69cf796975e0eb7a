// How a crash-matrix process that halted at a boundary says so (crash-source.ts writes the line,
// crash-harness.ts waits for it): one line on stderr, written before the process blocks.

const PREFIX = '[crash-halted] ';

export function haltedLine(key: string): string {
  return `\n${PREFIX}${key}\n`;
}

/** The key of the boundary `stderr` says the process halted at, once the whole line is there. */
export function haltedKey(stderr: string): string | undefined {
  const at = stderr.indexOf(`\n${PREFIX}`);
  const end = at < 0 ? -1 : stderr.indexOf('\n', at + 1 + PREFIX.length);
  return end < 0 ? undefined : stderr.slice(at + 1 + PREFIX.length, end);
}
