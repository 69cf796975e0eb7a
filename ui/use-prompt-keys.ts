// Keys for the operator's questions. Mounted only where raw mode exists (never the "Raw mode is
// not supported" crash); Ctrl-C interrupts the run the same way SIGINT does. Typed text can arrive
// as one chunk (a paste, a fast remote session), so it is read character by character.

import { useInput } from 'ink';
import type { Choice } from './run-state.js';
import type { RunStore } from './run-store.js';

export interface PromptKeysOptions {
  store: RunStore;
  answer(value: boolean | Choice): void;
  interrupt(): void;
  active: boolean;
}

export function usePromptKeys({ store, answer, interrupt, active }: PromptKeysOptions): void {
  useInput((input, key) => {
    if (key.ctrl && input === 'c') { interrupt(); return; }
    if (key.return) { onKey(store, answer, '\r'); return; }
    if (key.escape) { onKey(store, answer, '\x1b'); return; }
    if (key.backspace || key.delete) { onKey(store, answer, '\x7f'); return; }
    if (key.ctrl || key.meta) return;
    for (const ch of input) onKey(store, answer, ch);
  }, { isActive: active });
}

/** One key against the current prompt (read from the store: several keys may arrive before a render). */
export function onKey(store: RunStore, answer: (value: boolean | Choice) => void, ch: string): void {
  const prompt = store.getState().prompt;
  if (!prompt) return;
  const enter = ch === '\r' || ch === '\n';
  switch (prompt.kind) {
    case 'manual':
      if (enter) answer(true);
      else if (ch === 's' || ch === 'S') answer(false);
      return;
    case 'destructive':
      if (ch === '\x1b') answer(false);
      else if (enter) {
        if (prompt.typed === prompt.expected) answer(true);
        else store.dispatch({ type: 'typed', text: '', refused: prompt.typed });
      } else if (ch === '\x7f' || ch === '\b') store.dispatch({ type: 'typed', text: prompt.typed.slice(0, -1), refused: prompt.refused });
      else if (ch >= ' ') store.dispatch({ type: 'typed', text: prompt.typed + ch, refused: prompt.refused });
      return;
    case 'failure': {
      const choice = prompt.choices.find((c) => c[0] === ch.toLowerCase());
      if (choice) answer(choice);
    }
  }
}
