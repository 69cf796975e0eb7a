// Keys for the operator's questions. Mounted only where raw mode exists (never the "Raw mode is
// not supported" crash); Ctrl-C interrupts the run the same way SIGINT does. Typed text can arrive
// as one chunk (a paste, a fast remote session), so it is read character by character.

import { useInput } from 'ink';
import type { Answer } from './run-state.js';
import type { RunStore } from './run-store.js';

export interface PromptKeysOptions {
  store: RunStore;
  answer(value: Answer): void;
  interrupt(): void;
  active: boolean;
}

export function usePromptKeys({ store, answer, interrupt, active }: PromptKeysOptions): void {
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') {
        interrupt();
        return;
      }
      if (key.return) {
        onKey(store, answer, '\r');
        return;
      }
      if (key.escape) {
        onKey(store, answer, '\x1b');
        return;
      }
      if (key.backspace || key.delete) {
        onKey(store, answer, '\x7f');
        return;
      }
      if (key.ctrl || key.meta) return;
      for (const ch of input) onKey(store, answer, ch);
    },
    { isActive: active },
  );
}

/** One key against the current prompt (read from the store: several keys may arrive before a render).
 * Keys mean the same in every panel: Enter goes ahead, Esc stops (or backs out of a skip), and
 * where nothing is typed r retries, s skips (only where the step allows it), a stops. */
export function onKey(store: RunStore, answer: (value: Answer) => void, ch: string): void {
  const prompt = store.getState().prompt;
  if (!prompt) return;
  const enter = ch === '\r' || ch === '\n';
  const escape = ch === '\x1b';
  switch (prompt.kind) {
    case 'manual':
      if (enter) answer(true);
      else if (escape || ch.toLowerCase() === 'a') answer(false);
      return;
    case 'destructive':
      if (escape) answer(false);
      else if (enter) {
        if (prompt.typed === prompt.expected) answer(true);
        else store.dispatch({ type: 'typed', text: '', refused: prompt.typed });
      } else typeInto(store, prompt, ch);
      return;
    case 'skip':
      if (escape) answer(false);
      else if (enter && !prompt.confirmed) {
        if (prompt.typed === prompt.expected) store.dispatch({ type: 'skip-confirmed' });
        else store.dispatch({ type: 'typed', text: '', refused: prompt.typed });
      } else if (enter) {
        if (prompt.typed.trim()) answer(prompt.typed.trim());
      } else typeInto(store, prompt, ch);
      return;
    case 'failure': {
      const choice = escape ? 'abort' : prompt.choices.find((c) => c[0] === ch.toLowerCase());
      if (choice && prompt.choices.includes(choice)) answer(choice);
    }
  }
}

function typeInto(store: RunStore, prompt: { typed: string; refused?: string }, ch: string): void {
  if (ch === '\x7f' || ch === '\b') store.dispatch({ type: 'typed', text: prompt.typed.slice(0, -1), refused: prompt.refused });
  else if (ch >= ' ') store.dispatch({ type: 'typed', text: prompt.typed + ch, refused: prompt.refused });
}
