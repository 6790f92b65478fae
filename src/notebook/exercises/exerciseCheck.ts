import { KitError } from '../../errors.js';

/** What a notebook exercise's check found. */
export interface ExerciseCheck {
  /** The exercise, e.g. "01.1 the device that failed most". */
  exercise: string;
  /** Whether an answer was given at all (the shipped placeholder is undefined). */
  answered: boolean;
  passed: boolean;
  /** What was right, or what to look at again. */
  message: string;
}

/** A check's verdict when nothing has been answered yet. */
export function notAnswered(exercise: string, what: string): ExerciseCheck {
  return {
    exercise,
    answered: false,
    passed: false,
    message: `replace undefined with ${what}, then run the cell again`,
  };
}

/** A check's verdict on an answer: passed when `ok`, with the message for either case. */
export function verdict(
  exercise: string,
  ok: boolean,
  messages: { pass: string; fail: string },
): ExerciseCheck {
  return { exercise, answered: true, passed: ok, message: ok ? messages.pass : messages.fail };
}

/**
 * The line a check cell prints: "✓ …" when passed, "not yet: …" otherwise (an unanswered or wrong exercise
 * is not an error: a headless "Run All" goes on).
 * @example describeCheck(checkMostFailures(undefined, { summary })); // "not yet: 01.1 …: replace undefined with …"
 */
export function describeCheck(check: ExerciseCheck): string {
  return check.passed
    ? `✓ ${check.exercise}: ${check.message}`
    : `not yet: ${check.exercise}: ${check.message}`;
}

/**
 * Prints a check's line (`describeCheck`); what an exercise's check cell calls.
 * @example showCheck(checkMostFailures(answer, { summary: summary }));
 */
export function showCheck(check: ExerciseCheck): void {
  console.log(describeCheck(check));
}

/**
 * For the shipped solutions: prints every check's line and throws when one did not pass, so a headless run of
 * a notebook fails when a solution no longer solves its exercise on the notebook's own data.
 * @example await showSolutionChecks([checkMostFailures(solutions.mostFailures(summary), { summary: summary })]);
 */
export function showSolutionChecks(checks: readonly ExerciseCheck[]): void {
  for (const check of checks) console.log(`solution ${describeCheck(check)}`);
  const failed = checks.filter((c) => !c.passed);
  if (failed.length > 0) {
    throw new KitError(
      `notebook solutions failed their checks: ${failed.map((c) => `${c.exercise} (${c.message})`).join('; ')}`,
    );
  }
}
