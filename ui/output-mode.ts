// Which reporter fits the place the run is shown in. Ink only on a real terminal without CI: under
// CI Ink 6 draws nothing until unmount, and on a pipe it writes erase sequences between frames.

export type OutputMode = 'ink' | 'plain' | 'json';

export function chooseOutput(options: { json: boolean; plain: boolean; stdoutIsTTY: boolean; env: NodeJS.ProcessEnv }): OutputMode {
  if (options.json) return 'json';
  if (options.plain || !options.stdoutIsTTY) return 'plain';
  if (options.env.CI !== undefined && options.env.CI !== '' && options.env.CI !== '0' && options.env.CI.toLowerCase() !== 'false') return 'plain';
  if (options.env.TERM === 'dumb') return 'plain';
  return 'ink';
}
