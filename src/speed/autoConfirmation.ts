import { InvalidArgumentError } from '../errors.js';
import type { Anomaly } from '../schema/anomaly.js';

/**
 * The first auto-confirmed anomaly and the anomalies of its device and type in the window before it,
 * (t − windowMs, t], oldest first: the ones that made it the count-th of its kind within the window and
 * so confirmed it. Throws an InvalidArgumentError when no anomaly is confirmed.
 * @example displayTable(pickAutoConfirmation(anomalies, { windowMs: rules.auto_confirm!.window_ms }));
 */
export function pickAutoConfirmation(
  anomalies: readonly Anomaly[],
  options: { windowMs: number },
): Anomaly[] {
  const confirmed = anomalies.find((a) => a.is_confirmed);
  if (!confirmed) {
    throw new InvalidArgumentError(
      `no auto-confirmed anomaly among ${anomalies.length}: run the speed layer with auto-confirm on`,
    );
  }
  const atMs = Date.parse(confirmed.timestamp);
  return anomalies
    .filter((a) => {
      const ms = Date.parse(a.timestamp);
      return (
        a.device_id === confirmed.device_id &&
        a.anomaly_type === confirmed.anomaly_type &&
        ms > atMs - options.windowMs &&
        ms <= atMs
      );
    })
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
}
