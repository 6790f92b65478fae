import { CatalogError } from '../errors.js';
import type { TableName } from '../iceberg/tableName.js';

/**
 * The commit-graph algorithms of a catalog with Nessie's semantics, pure over a small reading interface:
 * ancestry, merge base, the tables changed between two commits, and the first-parent log. Every walk is
 * ordered by generation number (1 for a root commit, else 1 + the highest generation of its parents), never
 * by commit time: clocks of different writers disagree, and a child may carry an older time than its parent.
 * A walk stops as soon as generations prove the answer, so its cost is the commits it must pass (for a
 * merge base: the commits since the two heads diverged), not the whole history.
 */

/** One commit as the algorithms see it. */
export interface GraphCommit {
  hash: string;
  /** First parent first; a merge commit has the merged branch's head second. */
  parents: readonly string[];
  /** 1 for a commit without parents, else 1 + the highest generation of its parents. */
  generation: number;
  /** When the commit was made (wall clock): only the "as of a time" lookup reads it. */
  timeMs: number;
}

/** What the algorithms read: commits by hash, and the tables (metadata locations) at a commit. */
export interface CommitGraph<C extends GraphCommit = GraphCommit> {
  /** The commit, or undefined when the graph has no such hash. */
  commit(hash: string): C | undefined;
  /** Table name → metadata location at the commit. */
  contents(hash: string): ReadonlyMap<TableName, string>;
}

/** The generation of a new commit with these parents' generations. */
export function nextGeneration(parentGenerations: readonly number[]): number {
  return 1 + Math.max(0, ...parentGenerations);
}

function read<C extends GraphCommit>(graph: CommitGraph<C>, hash: string): C {
  const commit = graph.commit(hash);
  if (commit === undefined) throw new CatalogError(`catalog commit graph: commit ${hash} is missing`);
  return commit;
}

/** A max-heap of commits by generation (ties by hash, for a deterministic order). */
class GenerationQueue {
  private readonly items: GraphCommit[] = [];

  get size(): number {
    return this.items.length;
  }

  private static above(a: GraphCommit, b: GraphCommit): boolean {
    return a.generation > b.generation || (a.generation === b.generation && a.hash > b.hash);
  }

  push(commit: GraphCommit): void {
    const items = this.items;
    items.push(commit);
    let i = items.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!GenerationQueue.above(items[i]!, items[up]!)) break;
      [items[i], items[up]] = [items[up]!, items[i]!];
      i = up;
    }
  }

  pop(): GraphCommit | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < items.length && GenerationQueue.above(items[l]!, items[best]!)) best = l;
      if (r < items.length && GenerationQueue.above(items[r]!, items[best]!)) best = r;
      if (best === i) return top;
      [items[i], items[best]] = [items[best]!, items[i]!];
      i = best;
    }
  }
}

/**
 * Whether `ancestor` is `of` or reachable from it by parents. Walks down from `of` by generation and
 * never below the ancestor's generation (an ancestor's generation is always lower than its descendants').
 */
export function isAncestor(graph: CommitGraph, ancestor: string, of: string): boolean {
  if (ancestor === of) return true;
  const target = graph.commit(ancestor);
  if (target === undefined) return false;
  const queue = new GenerationQueue();
  const seen = new Set<string>([of]);
  queue.push(read(graph, of));
  for (let commit = queue.pop(); commit !== undefined; commit = queue.pop()) {
    if (commit.hash === ancestor) return true;
    if (commit.generation <= target.generation) continue;
    for (const parent of commit.parents) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      const next = read(graph, parent);
      if (next.generation >= target.generation) queue.push(next);
    }
  }
  return false;
}

const FROM_A = 1;
const FROM_B = 2;

/**
 * The merge base of two commits: their latest common ancestor, i.e. the common ancestor with the highest
 * generation (no other common ancestor descends from it; with criss-cross merges, one of the equally
 * good ones, chosen by generation then hash). Walks both histories at once by descending generation,
 * marking each commit with the sides that reach it; the first commit reached from both sides is the
 * answer, because every descendant of a commit has a higher generation and was walked before it. Cost:
 * the commits since the two diverged (and their parents), whatever the length of the history before.
 * Undefined when the two share no ancestor.
 */
export function mergeBase(graph: CommitGraph, a: string, b: string): string | undefined {
  if (a === b) return a;
  const sides = new Map<string, number>();
  const queue = new GenerationQueue();
  const reach = (hash: string, side: number) => {
    const had = sides.get(hash) ?? 0;
    if ((had | side) === had) return;
    sides.set(hash, had | side);
    if (had === 0) queue.push(read(graph, hash));
  };
  reach(a, FROM_A);
  reach(b, FROM_B);
  for (let commit = queue.pop(); commit !== undefined; commit = queue.pop()) {
    const side = sides.get(commit.hash)!;
    if (side === (FROM_A | FROM_B)) return commit.hash;
    for (const parent of commit.parents) reach(parent, side);
  }
  return undefined;
}

/** The tables whose metadata differs between two commits (added, changed or dropped), sorted. */
export function changedTables(graph: CommitGraph, from: string, to: string): TableName[] {
  if (from === to) return [];
  const a = graph.contents(from);
  const b = graph.contents(to);
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((t) => a.get(t) !== b.get(t)).sort();
}

/** The commits reachable from `head` by first parents, newest first (at most `limit`). */
export function firstParentLog<C extends GraphCommit>(
  graph: CommitGraph<C>,
  head: string,
  limit = Number.POSITIVE_INFINITY,
): C[] {
  const out: C[] = [];
  let hash: string | undefined = head;
  while (hash !== undefined && out.length < limit) {
    const commit: C = read(graph, hash);
    out.push(commit);
    hash = commit.parents[0];
  }
  return out;
}

/**
 * The first commit on the first-parent line from `head` made at or before `asOfMs` (a branch as it was
 * at a time), or undefined when the branch has none that old.
 */
export function firstParentAsOf(graph: CommitGraph, head: string, asOfMs: number): string | undefined {
  let hash: string | undefined = head;
  while (hash !== undefined) {
    const commit: GraphCommit = read(graph, hash);
    if (commit.timeMs <= asOfMs) return commit.hash;
    hash = commit.parents[0];
  }
  return undefined;
}
