import type { Command } from '../command.js';

const command: Command = async (ctx) => {
  ctx.stderr.write('mirrorbook show: not implemented yet\n');
  return 1;
};
export default command;
