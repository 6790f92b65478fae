import type { Audit } from '../catalog/wap.js';
import { describeGap, type LandedGap, LOST_ROOT } from '../lake/landingGaps.js';

/**
 * The audit that the lake has no gap it cannot see: each partition's landed files cover every offset
 * from 0 up to the highest landed offset the run read, except ranges recorded as lost under raw/_lost/.
 * A landed file deleted from the middle, or offsets skipped, fail the publish, named.
 * @example audits.push(landedRangesAudit(plan.rawGaps));
 */
export function landedRangesAudit(gaps: readonly LandedGap[]): Audit {
  return {
    name: 'raw landed offsets contiguous',
    run: async () => {
      if (gaps.length === 0) {
        return {
          passed: true,
          detail: 'every landed partition is contiguous up to its highest landed offset',
        };
      }
      const shown = gaps.slice(0, 3).map(describeGap).join('; ');
      return {
        passed: false,
        detail:
          `${gaps.length} gap(s) in the landed offsets, in no raw file and not recorded as lost: ${shown}` +
          `${gaps.length > 3 ? '; …' : ''}. Land them again with 'lambda-iot land --ignore-committed' ` +
          `(what the log no longer holds is then recorded under ${LOST_ROOT}/)`,
        offending: gaps.map((g) => ({ ...g })),
      };
    },
  };
}
