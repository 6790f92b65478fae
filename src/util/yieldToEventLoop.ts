/**
 * Lets the event loop run once (timers, I/O callbacks and signal handlers such as SIGINT) before the
 * caller goes on. A loop over a log whose calls resolve at once (the embedded log is synchronous SQLite)
 * never gives the event loop a turn otherwise, so Ctrl-C would wait until the whole loop ended. Loops call
 * it once per batch; it costs microseconds.
 * @example for (const batch of batches) { await handle(batch); await yieldToEventLoop(); if (signal.aborted) break; }
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
