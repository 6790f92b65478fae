/**
 * Whether a process with this pid exists on this host (signal 0 checks without signalling; EPERM means it
 * exists under another user). Used to tell a lock, lease or temporary file of a live process from one a
 * killed process left behind.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
