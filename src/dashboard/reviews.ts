import { z } from 'zod';
import type { Log } from '../bus/port.js';
import type { Config } from '../config/config.js';
import { topicName } from '../config/names.js';
import { InvalidArgumentError, KitError } from '../errors.js';
import { AnomalyReview } from '../schema/anomalyReview.js';
import type { Serving } from '../serving/port.js';
import { EPISODE_GAP_MS } from '../speed/tuning/episodes.js';

/**
 * Reviews made on the dashboard (SEED-FACTS "Anomaly review"): a person confirms or dismisses one anomaly
 * (or every anomaly of one episode). A review is produced to iot-anomaly-reviews first (the log is the
 * record; the landing sink lands it to raw/reviews/), and the request answers once the serving layer shows
 * it (read-your-write), whoever ingests: this process when it owns the serving layer, or the owner.
 */

/** Produces reviews to the log (the serving ingest applies them). */
export type ReviewProducer = (reviews: readonly AnomalyReview[]) => Promise<void>;

/** A review request as the page or a script sends it. */
export const ReviewRequest = z
  .object({
    device_id: AnomalyReview.shape.device_id,
    timestamp: AnomalyReview.shape.timestamp,
    anomaly_type: AnomalyReview.shape.anomaly_type,
    action: AnomalyReview.shape.action,
    reviewer: AnomalyReview.shape.reviewer,
    comment: z
      .string()
      .max(2000)
      .nullish()
      .transform((c) => (c?.trim() ? c.trim() : null)),
    /** Review every anomaly of this device and type in the episode this one belongs to. */
    episode: z.boolean().optional(),
  })
  .strict();
export type ReviewRequest = z.infer<typeof ReviewRequest>;

/**
 * Produces each review to iot-anomaly-reviews, key device_id, event time the anomaly's timestamp (so it
 * lands next to the anomaly's date).
 * @example const produce = reviewProducer(await stack.log(), stack.config);
 */
export function reviewProducer(log: Log, config: Config): ReviewProducer {
  const topic = topicName(config, 'anomalyReviews');
  let ensured = false;
  return async (reviews) => {
    if (!ensured) {
      await log.ensureTopic(topic);
      ensured = true;
    }
    await log.produce(
      topic,
      reviews.map((r) => ({
        key: r.device_id,
        value: JSON.stringify(r),
        timestamp: Date.parse(r.timestamp),
      })),
    );
  };
}

/** "YYYY-MM-DD HH:MM:SS.fff" (UTC): what both serving dialects cast to a timestamp. */
const sqlTime = (iso: string) => new Date(iso).toISOString().replace('T', ' ').replace('Z', '');

const ANOMALIES_OF = `
select timestamp as ts from anomalies_streaming
where device_id = $device and anomaly_type = $anomaly_type
order by timestamp`;

const VISIBLE = `
select count(*) as n from anomaly_reviews
where device_id = $device and timestamp = cast($ts as datetime) and anomaly_type = $anomaly_type
  and reviewed_at >= cast($reviewed_at as datetime)`;

/**
 * Embedded: the review is in the views too once its device-day and device-hour are no longer dirty (the
 * write marks them in the same transaction; the refresh clears them with the views' new rows).
 */
const VISIBLE_IN_VIEWS = `${VISIBLE}
  and not exists (select 1 from dirty_days d
                  where d.device_id = $device and d.date = cast(cast($ts as datetime) as date))
  and not exists (select 1 from dirty_hours h
                  where h.device_id = $device and h.hour = date_trunc('hour', cast($ts as datetime)))`;

/**
 * The anomalies a request targets: the one named, or with `episode` every anomaly of its device and type
 * chained to it by gaps under 1 h (EPISODE_GAP_MS, the rule-tuning episode). Unknown anomaly → error.
 */
export async function reviewTargets(serving: Serving, request: ReviewRequest): Promise<string[]> {
  const { rows } = await serving.query(ANOMALIES_OF, {
    device: request.device_id,
    anomaly_type: request.anomaly_type,
  });
  const times = rows.map((r) => Date.parse(String(r.ts)));
  const target = Date.parse(request.timestamp);
  const at = times.indexOf(target);
  if (at < 0) {
    throw new InvalidArgumentError(
      `dashboard review rejected: no anomaly ${request.anomaly_type} of ${request.device_id} at ${request.timestamp}`,
    );
  }
  if (!request.episode) return [new Date(target).toISOString()];
  let first = at;
  while (first > 0 && times[first]! - times[first - 1]! < EPISODE_GAP_MS) first -= 1;
  let last = at;
  while (last < times.length - 1 && times[last + 1]! - times[last]! < EPISODE_GAP_MS) last += 1;
  return times.slice(first, last + 1).map((ms) => new Date(ms).toISOString());
}

/** Raised when a produced review does not show in serving in time (nobody ingests?). */
export class ReviewNotVisibleError extends KitError {}

/**
 * Makes the reviews a request asks for: produces them, then waits (by condition, polling the serving
 * layer) until every one is visible there (embedded: in the refreshed views too), or `waitMs` passes.
 * @example const reviews = await submitReview({ serving, produce }, request);
 */
export async function submitReview(
  deps: { serving: Serving; produce: ReviewProducer; waitMs?: number; now?: () => Date },
  request: ReviewRequest,
): Promise<AnomalyReview[]> {
  const times = await reviewTargets(deps.serving, request);
  const reviewedAt = (deps.now?.() ?? new Date()).toISOString();
  const reviews = times.map((timestamp) =>
    AnomalyReview.parse({
      device_id: request.device_id,
      timestamp,
      anomaly_type: request.anomaly_type,
      action: request.action,
      reviewer: request.reviewer,
      comment: request.comment,
      reviewed_at: reviewedAt,
    }),
  );
  await deps.produce(reviews);
  const visible = deps.serving.kind === 'embedded' ? VISIBLE_IN_VIEWS : VISIBLE;
  const deadline = Date.now() + (deps.waitMs ?? 30_000);
  for (const review of reviews) {
    for (;;) {
      const { rows } = await deps.serving.query(visible, {
        device: review.device_id,
        ts: sqlTime(review.timestamp),
        anomaly_type: review.anomaly_type,
        reviewed_at: sqlTime(review.reviewed_at),
      });
      if (Number(rows[0]?.n ?? 0) > 0) break;
      if (Date.now() > deadline) {
        throw new ReviewNotVisibleError(
          `dashboard review not visible: produced to the log but not in serving after ${Math.round((deps.waitMs ?? 30_000) / 1000)} s (is \`lambda-iot serve\` or the dashboard ingesting?)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return reviews;
}
