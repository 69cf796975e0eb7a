// The run view's state outside React: engine events arrive far faster than a terminal should be
// redrawn, so listeners are told at most once per frame interval; prompts and the end are shown at once.

import type { EngineEvent } from '../machines/events.js';
import { initialRunViewState, reduceRunView, type RunViewAction, type RunViewState } from './run-state.js';

export interface RunStore {
  getState(): RunViewState;
  dispatch(action: RunViewAction): void;
  event(event: EngineEvent): void;
  subscribe(listener: () => void): () => void;
  /** Tells the listeners now of a change still waiting for its frame (before the view unmounts). */
  flush(): void;
}

export function createRunStore(options: { frameMs?: number } = {}): RunStore {
  const frameMs = options.frameMs ?? 80;
  let state = initialRunViewState;
  const listeners = new Set<() => void>();
  let timer: NodeJS.Timeout | undefined;
  const notify = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    for (const listener of listeners) listener();
  };
  const dispatch = (action: RunViewAction): void => {
    state = reduceRunView(state, action);
    const urgent = action.type !== 'event' || action.event.type === 'run-finished' || action.event.type === 'run-started';
    if (urgent || frameMs === 0) notify();
    else timer ??= setTimeout(notify, frameMs);
  };
  return {
    getState: () => state,
    dispatch,
    event: (event) => dispatch({ type: 'event', event }),
    flush: () => {
      if (timer) notify();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
