import os from 'node:os';

/** This process, as the owner of leases and running jobs: `host:pid`. */
export const OWNER = `${os.hostname()}:${process.pid}`;

/** Is the owner certainly gone? (A process on this host that no longer exists.) Other hosts: not known. */
export function ownerGone(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  const host = owner.slice(0, at);
  const pid = Number(owner.slice(at + 1));
  if (host !== os.hostname() || !Number.isInteger(pid)) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
