import { InvalidArgumentError } from '../errors.js';

const BRANCH = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Checks a branch name: letters, digits, '.', '_' and '-', starting with a letter or digit, ≤ 100 characters. */
export function assertBranchName(name: string): string {
  if (typeof name !== 'string' || !BRANCH.test(name) || name.includes('..')) {
    throw new InvalidArgumentError(
      `catalog branch name rejected: '${String(name)}' (letters, digits, '.', '_', '-'; starts with a letter or digit)`,
    );
  }
  return name;
}
