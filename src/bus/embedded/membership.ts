import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type Database from 'better-sqlite3';
import { GroupBusyError, LogError } from '../../errors.js';
import { isProcessAlive } from '../../util/processAlive.js';

interface MemberRow {
  member_id: string;
  holder: string;
  host: string;
  pid: number;
  heartbeat_at: number;
}

/**
 * One active member per consumer group, as a lease row in SQLite. A member keeps its lease by heartbeating;
 * another process may take the group over when the lease is older than the session timeout, or at once
 * when the holder's process is gone (same host). A member that lost its lease is fenced: it may no longer
 * commit, so a paused zombie cannot overwrite the new member's offsets.
 */
export class GroupMembership {
  readonly memberId = randomUUID();
  private readonly host = os.hostname();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database.Database,
    readonly group: string,
    private readonly sessionTimeoutMs: number,
    private readonly clock: () => number,
  ) {}

  /** Takes the group, waiting up to `waitMs` for a live holder to leave; throws GroupBusyError after that. */
  async join(waitMs: number): Promise<void> {
    const deadline = this.clock() + waitMs;
    for (;;) {
      const holder = this.tryJoin();
      if (holder === undefined) break;
      if (this.clock() >= deadline) throw new GroupBusyError(this.group, holder);
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(200, Math.max(10, deadline - this.clock()))),
      );
    }
    const interval = Math.max(100, Math.floor(this.sessionTimeoutMs / 3));
    this.timer = setInterval(() => this.heartbeat(), interval);
    this.timer.unref();
  }

  /** Returns undefined when joined, otherwise a description of the live holder. */
  private tryJoin(): string | undefined {
    const join = this.db.transaction((): string | undefined => {
      const row = this.db
        .prepare('select member_id, holder, host, pid, heartbeat_at from group_members where group_id = ?')
        .get(this.group) as MemberRow | undefined;
      const now = this.clock();
      if (row && row.member_id !== this.memberId) {
        const fresh = now - row.heartbeat_at < this.sessionTimeoutMs;
        const gone = row.host === this.host && !isProcessAlive(row.pid);
        if (fresh && !gone) return row.holder;
      }
      this.db
        .prepare(
          `insert into group_members (group_id, member_id, holder, host, pid, heartbeat_at) values (?, ?, ?, ?, ?, ?)
           on conflict (group_id) do update set member_id = excluded.member_id, holder = excluded.holder,
             host = excluded.host, pid = excluded.pid, heartbeat_at = excluded.heartbeat_at`,
        )
        .run(this.group, this.memberId, `pid ${process.pid} on ${this.host}`, this.host, process.pid, now);
      return undefined;
    });
    return join.immediate();
  }

  /** Renews the lease; false when another member has taken the group. */
  heartbeat(): boolean {
    const changed = this.db
      .prepare('update group_members set heartbeat_at = ? where group_id = ? and member_id = ?')
      .run(this.clock(), this.group, this.memberId).changes;
    return changed === 1;
  }

  /** Throws unless this member still holds the group (call inside the commit transaction). */
  assertHeld(): void {
    if (!this.heartbeat()) {
      throw new LogError(
        `log group fenced: ${this.group} was taken over by another member after this one's session expired; restart the consumer`,
        { context: { group: this.group } },
      );
    }
  }

  /** Gives the group up so the next member can join at once. */
  leave(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.db
      .prepare('delete from group_members where group_id = ? and member_id = ?')
      .run(this.group, this.memberId);
  }
}
