/**
 * Whether kafkajs's own log entries (connection retries, broker pool warnings) are printed. Off by default:
 * a failure reaches the caller as an error that says what to check; the CLI turns them on with --debug.
 * Kept apart from client.ts so that setting it never loads kafkajs.
 */
let shown = false;

/** Prints kafkajs's log entries (WARN and above) on stderr from now on, or stops printing them. */
export function showKafkaDiagnostics(on: boolean): void {
  shown = on;
}

/** Whether kafkajs's log entries are printed. */
export function kafkaDiagnosticsShown(): boolean {
  return shown;
}
