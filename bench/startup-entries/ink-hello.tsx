import { render, Text } from 'ink';
import { firstFrameTerminal } from './fake-terminal.js';

render(<Text>hello</Text>, { stdout: firstFrameTerminal(), patchConsole: false });
