import os from 'node:os';

/** This process, as the owner of leases and running jobs: `host:pid`. */
export const OWNER = `${os.hostname()}:${process.pid}`;

/** Does process `pid` on `host` exist? Only this host can tell; another host's is 'unknown'. */
export function processAlive(host: string, pid: number): boolean | 'unknown' {
  if (host !== os.hostname()) return 'unknown';
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Is the owner (`host:pid`) certainly gone? This process never is; another host's is not known. */
export function ownerGone(owner: string): boolean {
  const at = owner.lastIndexOf(':');
  const pid = Number(owner.slice(at + 1));
  return Number.isInteger(pid) && pid !== process.pid && processAlive(owner.slice(0, at), pid) === false;
}
