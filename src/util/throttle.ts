/** How often long-running commands report progress on a non-terminal stderr (land, stream, simulate). */
export const PROGRESS_INTERVAL_MS = 5_000;

/**
 * A gate for periodic reports: `due()` is true at most once per `intervalMs` (and then restarts the
 * interval). With `immediately` the first call is due at once, otherwise one interval after the gate was made.
 * @example const due = intervalGate(PROGRESS_INTERVAL_MS); if (due()) say(line);
 */
export function intervalGate(
  intervalMs: number,
  options: { immediately?: boolean; now?: () => number } = {},
): () => boolean {
  const now = options.now ?? Date.now;
  let last = options.immediately ? Number.NEGATIVE_INFINITY : now();
  return () => {
    const t = now();
    if (t - last < intervalMs) return false;
    last = t;
    return true;
  };
}
