// A stdout that says it is a terminal and reports, on the first write, how long after the process
// started the first frame came — then exits.

import { Writable } from 'node:stream';

export function firstFrameTerminal(): NodeJS.WriteStream {
  const out = new Writable({
    write(_chunk, _encoding, done) {
      process.stdout.write(`${performance.now().toFixed(1)}\n`);
      process.exit(0);
      done();
    },
  }) as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number; rows: number };
  out.isTTY = true;
  out.columns = 100;
  out.rows = 30;
  return out;
}
