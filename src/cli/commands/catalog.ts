import type { Command } from 'commander';
import { type CommitInfo, MAIN_BRANCH } from '../../catalog/port.js';
import { formatTextTable } from '../../util/formatTable.js';
import { withCatalog } from '../context.js';
import { positiveInt } from '../options.js';
import { printJson, writeOut } from '../output.js';

const short = (hash: string) => hash.slice(0, 12);

function formatLog(commits: CommitInfo[]): string {
  return formatTextTable(
    commits.map((c) => ({
      commit: short(c.hash),
      time: new Date(c.timeMs).toISOString().replace('.000Z', 'Z'),
      author: c.author,
      message: c.message,
      tables: c.tables.join(', ') || '–',
    })),
  );
}

export function registerCatalog(program: Command): void {
  const catalog = program
    .command('catalog')
    .description(
      'Inspect and manage the catalog that versions the Iceberg tables: branches point at commits, a commit changes ' +
        'one or more tables atomically, a merge brings a branch into another atomically (refused, naming the tables, ' +
        'when the target changed the same tables meanwhile). The embedded catalog lives in catalog/catalog.sqlite under ' +
        'the data directory; table files live in the lake (warehouse/).',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-iot catalog branches\n  $ lambda-iot catalog log --limit 5\n' +
        '  $ lambda-iot catalog merge run-20261126T101500Z-1a2b\n  $ lambda-iot catalog drop run-20261126T101500Z-1a2b',
    );

  catalog
    .command('branches')
    .summary('list branches with their head commit')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCatalog(async ({ catalog: c }) => {
        const branches = await c.listBranches();
        const rows = [];
        for (const b of branches) {
          const [head] = await c.log(b.name, { limit: 1 });
          rows.push({
            branch: b.name,
            head: b.hash,
            time: head ? new Date(head.timeMs).toISOString() : null,
            message: head?.message ?? '',
            tables: (await c.listTables(b.name)).length,
          });
        }
        if (options.json) return printJson(rows);
        return writeOut(`${formatTextTable(rows.map((r) => ({ ...r, head: short(r.head) })))}\n`);
      }, 'read');
    });

  catalog
    .command('log')
    .summary('commits of a branch (default main), newest first')
    .argument('[ref]', 'branch, branch@hash or commit hash', MAIN_BRANCH)
    .option('--limit <n>', 'most commits to show', positiveInt)
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { limit?: number; json?: boolean }) => {
      await withCatalog(async ({ catalog: c }) => {
        const commits = await c.log(ref, { limit: options.limit });
        if (options.json) return printJson(commits);
        return writeOut(`${formatLog(commits)}\n`);
      }, 'read');
    });

  catalog
    .command('merge')
    .summary('merge a branch into another (default main), atomically for all its tables')
    .argument('<branch>', 'the branch whose changes to merge')
    .option('--into <branch>', 'the branch that receives them', MAIN_BRANCH)
    .option('--json', 'print JSON')
    .action(async (from: string, options: { into: string; json?: boolean }) => {
      await withCatalog(async ({ catalog: c }) => {
        const result = await c.merge({ from, into: options.into });
        if (options.json) return printJson(result);
        if (!result.commit)
          return writeOut(`nothing to merge: ${from} has no table changes that ${options.into} lacks\n`);
        return writeOut(
          `merged ${from} into ${options.into}: commit ${short(result.commit.hash)} (${result.commit.tables.join(', ')})\n`,
        );
      });
    });

  catalog
    .command('drop')
    .summary('delete a branch (not main); its commits stay readable by hash')
    .argument('<branch>', 'the branch to delete')
    .option('--json', 'print JSON')
    .action(async (branch: string, options: { json?: boolean }) => {
      await withCatalog(async ({ catalog: c }) => {
        const { hash } = await c.getBranch(branch);
        await c.deleteBranch(branch, hash);
        if (options.json) return printJson({ dropped: branch, hash });
        return writeOut(`dropped branch ${branch} (was at ${short(hash)})\n`);
      });
    });
}
