import { useSyncExternalStore } from 'react';
import type { RunStore } from './run-store.js';
import type { RunViewState } from './run-state.js';

export function useRunState(store: RunStore): RunViewState {
  return useSyncExternalStore(store.subscribe, store.getState, store.getState);
}
