// Status icons and colours. Colour is a context so NO_COLOR / --no-color switch every component at once.

import { createContext, useContext } from 'react';
import type { StepStatus } from '../machines/events.js';

export const ColorContext = createContext(true);

/** A colour name for Ink's <Text color>, or undefined when colour is off. */
export function useColor(): (name: string) => string | undefined {
  const on = useContext(ColorContext);
  return (name) => (on ? name : undefined);
}

export const ICON: Record<StepStatus, string> = {
  pending: '·',
  running: '▶',
  waiting: '?',
  done: '✔',
  'already-done': '✔',
  skipped: '↷',
  failed: '✖',
};

export const STATUS_COLOR: Record<StepStatus, string> = {
  pending: 'gray',
  running: 'cyan',
  waiting: 'yellow',
  done: 'green',
  'already-done': 'green',
  skipped: 'yellow',
  failed: 'red',
};

export { formatMs } from './format-ms.js';
