// A place events go. send() must return at once: a slow receiver never delays the next poll.
import type { MonitorEvent } from '../events.js';

export interface Channel {
  name: string;
  send(event: MonitorEvent): void;
  /** Delivers what is still queued, within `ms`, then lets go. */
  close(ms: number): Promise<void>;
}

/** Runs `deliver` for each queued item in order, one at a time, off the poll loop. */
export class Queue<T> {
  readonly #items: T[] = [];
  #running: Promise<void> | null = null;

  constructor(private readonly deliver: (item: T) => Promise<void>, private readonly limit: number, private readonly onDrop: (item: T) => void) {}

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    this.#items.push(item);
    while (this.#items.length > this.limit) this.onDrop(this.#items.shift()!);
    this.#running ??= this.#drain().finally(() => (this.#running = null));
  }

  async #drain(): Promise<void> {
    while (this.#items.length > 0) {
      await this.deliver(this.#items[0]!);
      this.#items.shift();
    }
  }

  /** Resolves when the queue is empty or `ms` has passed. */
  async idle(ms: number): Promise<void> {
    if (!this.#running) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#running, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}
