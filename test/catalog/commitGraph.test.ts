import { describe, expect, it } from 'vitest';
import {
  type CommitGraph,
  changedTables,
  firstParentAsOf,
  firstParentLog,
  type GraphCommit,
  isAncestor,
  mergeBase,
  nextGeneration,
} from '../../src/catalog/commitGraph.js';

const HOUR = 3_600_000;

/**
 * An in-memory commit graph: commits are added parents first; each gets its generation from its parents
 * and a time from `clock` (default: one hour later per commit). Counts every commit the algorithms read.
 */
function memoryGraph(clock: (index: number) => number = (i) => i * HOUR) {
  const commits = new Map<string, GraphCommit>();
  const contents = new Map<string, Map<string, string>>();
  let reads = 0;
  const graph: CommitGraph = {
    commit(hash) {
      reads++;
      return commits.get(hash);
    },
    contents: (hash) => contents.get(hash) ?? new Map(),
  };
  return {
    graph,
    /** Adds a commit; `tables` are the table → location entries it sets on top of its first parent's. */
    add(hash: string, parents: string[] = [], tables: Record<string, string> = {}) {
      const generation = nextGeneration(parents.map((p) => commits.get(p)!.generation));
      commits.set(hash, { hash, parents, generation, timeMs: clock(commits.size) });
      contents.set(hash, new Map([...(contents.get(parents[0] ?? '') ?? []), ...Object.entries(tables)]));
      return hash;
    },
    /** Adds `n` commits on a line after `from`, named `${prefix}1..n`; returns the last. */
    line(prefix: string, from: string, n: number) {
      let head = from;
      for (let i = 1; i <= n; i++) head = this.add(`${prefix}${i}`, [head]);
      return head;
    },
    reads: () => reads,
    resetReads: () => {
      reads = 0;
    },
  };
}

describe('commit graph', () => {
  it('gives each commit 1 + the highest generation of its parents', () => {
    expect(nextGeneration([])).toBe(1);
    expect(nextGeneration([3, 7])).toBe(8);
  });

  it('finds the branch point of two lines as their merge base', () => {
    const g = memoryGraph();
    g.add('root');
    const fork = g.line('m', 'root', 5);
    const main = g.line('n', fork, 3);
    const dev = g.line('d', fork, 2);
    expect(mergeBase(g.graph, dev, main)).toBe(fork);
    expect(mergeBase(g.graph, main, dev)).toBe(fork);
    expect(mergeBase(g.graph, main, main)).toBe(main);
    // One head an ancestor of the other: that head.
    expect(mergeBase(g.graph, fork, main)).toBe(fork);
    expect(mergeBase(g.graph, main, fork)).toBe(fork);
  });

  it('finds the latest common ancestor after a sync even when each child is an hour older than its parent', () => {
    // Commit times run backwards: the order of time_ms is the reverse of the parent order.
    for (const clock of [(i: number) => -i * HOUR, (i: number) => i * HOUR]) {
      const g = memoryGraph(clock);
      g.add('root');
      g.add('m1', ['root'], { 'iot.a': 'a1' });
      g.add('d1', ['m1'], { 'iot.b': 'b1' });
      g.add('m2', ['m1'], { 'iot.a': 'a2' });
      // Sync main into dev, then change another table on dev.
      g.add('d2', ['d1', 'm2'], { 'iot.a': 'a2' });
      g.add('d3', ['d2'], { 'iot.b': 'b2' });
      expect(g.graph.commit('d3')!.timeMs < g.graph.commit('m1')!.timeMs).toBe(clock(1) > clock(2));
      const base = mergeBase(g.graph, 'd3', 'm2');
      expect(base).toBe('m2');
      // What dev brings into main since the base does not overlap what main changed: no conflict.
      expect(changedTables(g.graph, base!, 'd3')).toEqual(['iot.b']);
      expect(changedTables(g.graph, base!, 'm2')).toEqual([]);
    }
  });

  it('picks one of two equally good bases of a criss-cross merge, by generation then hash', () => {
    const g = memoryGraph();
    g.add('root');
    g.add('a1', ['root']);
    g.add('b1', ['root']);
    g.add('a2', ['a1', 'b1']);
    g.add('b2', ['b1', 'a1']);
    expect(mergeBase(g.graph, 'a2', 'b2')).toBe('b1');
    expect(mergeBase(g.graph, 'b2', 'a2')).toBe('b1');
  });

  it('says whether a commit is an ancestor, through merge parents too', () => {
    const g = memoryGraph();
    g.add('root');
    const fork = g.line('m', 'root', 3);
    const dev = g.line('d', fork, 2);
    g.add('merge', [fork, dev]);
    expect(isAncestor(g.graph, 'd1', 'merge')).toBe(true);
    expect(isAncestor(g.graph, 'root', 'merge')).toBe(true);
    expect(isAncestor(g.graph, 'merge', 'merge')).toBe(true);
    expect(isAncestor(g.graph, 'merge', 'd1')).toBe(false);
    expect(isAncestor(g.graph, 'd1', fork)).toBe(false);
    expect(isAncestor(g.graph, 'unknown', 'merge')).toBe(false);
  });

  it('has no merge base for two unrelated histories', () => {
    const g = memoryGraph();
    g.line('x', g.add('r1'), 2);
    g.line('y', g.add('r2'), 2);
    expect(mergeBase(g.graph, 'x2', 'y2')).toBeUndefined();
  });

  it('logs by first parents and finds a branch as of a time', () => {
    const g = memoryGraph();
    g.add('root');
    g.add('m1', ['root']);
    g.add('d1', ['m1']);
    g.add('m2', ['m1', 'd1']);
    expect(firstParentLog(g.graph, 'm2').map((c) => c.hash)).toEqual(['m2', 'm1', 'root']);
    expect(firstParentLog(g.graph, 'm2', 2).map((c) => c.hash)).toEqual(['m2', 'm1']);
    expect(firstParentAsOf(g.graph, 'm2', 1 * HOUR)).toBe('m1');
    expect(firstParentAsOf(g.graph, 'm2', 10 * HOUR)).toBe('m2');
    expect(firstParentAsOf(g.graph, 'm2', -1)).toBeUndefined();
  });

  it('reads only the commits since two branches diverged, however long the history before', () => {
    const g = memoryGraph();
    g.add('root');
    const fork = g.line('m', 'root', 500);
    const main = g.line('n', fork, 3);
    const dev = g.line('d', fork, 2);
    const sinceDivergence = 3 + 2;
    g.resetReads();
    expect(mergeBase(g.graph, dev, main)).toBe(fork);
    // Each commit since the divergence once, and the base itself.
    expect(g.reads()).toBeLessThanOrEqual(sinceDivergence + 1);
    g.resetReads();
    expect(isAncestor(g.graph, fork, main)).toBe(true);
    expect(g.reads()).toBeLessThanOrEqual(3 + 1 + 1);
    g.resetReads();
    expect(isAncestor(g.graph, dev, main)).toBe(false);
    expect(g.reads()).toBeLessThanOrEqual(sinceDivergence + 1);
  });
});
