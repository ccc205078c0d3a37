/**
 * Clustering under people's decisions. Connected components (in SQL) join every pair of records
 * linked by a path of links; a cannot-link (a split, a "not the same person") can still be bridged
 * by a third record. The few components holding both ends of a cannot-link are re-clustered here:
 * must-links first, then links from the strongest down, never joining two groups a cannot-link keeps
 * apart (greedy, like a maximum spanning forest with forbidden unions).
 */
export interface Edge {
  l: string;
  r: string;
  /** Match probability; must-links count as 1 and come first. */
  p: number;
  must: boolean;
}

class Groups {
  private parent = new Map<string, string>();
  /** root → roots it may never join */
  private apart = new Map<string, Set<string>>();

  find(x: string): string {
    let p = this.parent.get(x) ?? x;
    if (p === x) return x;
    p = this.find(p);
    this.parent.set(x, p);
    return p;
  }

  forbid(a: string, b: string): void {
    const ra = this.find(a), rb = this.find(b);
    if (!this.apart.has(ra)) this.apart.set(ra, new Set());
    if (!this.apart.has(rb)) this.apart.set(rb, new Set());
    this.apart.get(ra)!.add(rb);
    this.apart.get(rb)!.add(ra);
  }

  /** Join the groups of a and b unless a cannot-link keeps them apart (must-links are joined regardless). */
  join(a: string, b: string, force: boolean): boolean {
    const ra = this.find(a), rb = this.find(b);
    if (ra === rb) return true;
    const sa = this.apart.get(ra) ?? new Set<string>(), sb = this.apart.get(rb) ?? new Set<string>();
    if (!force && sa.has(rb)) return false;
    // the smaller id becomes the root, so the result never depends on the order of equal edges
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent.set(child, root);
    const merged = new Set<string>();
    for (const s of [sa, sb]) for (const x of s) {
      const rx = this.find(x);
      if (rx !== root) merged.add(rx);
    }
    for (const x of merged) {
      const other = this.apart.get(x);
      other?.delete(child);
      other?.add(root);
    }
    this.apart.delete(child);
    this.apart.set(root, merged);
    return true;
  }
}

/**
 * Cluster `nodes` from `edges` without joining any cannot-link pair (unless must-links force it).
 * Returns node → cluster label (the smallest node id of its cluster).
 */
export function constrainedClusters(nodes: string[], edges: Edge[], cannot: Array<[string, string]>): Map<string, string> {
  const g = new Groups();
  for (const [a, b] of cannot) g.forbid(a, b);
  const ordered = [...edges].sort((x, y) => Number(y.must) - Number(x.must) || y.p - x.p || (x.l + '\u0000' + x.r < y.l + '\u0000' + y.r ? -1 : 1));
  for (const e of ordered) g.join(e.l, e.r, e.must);
  const label = new Map<string, string>();
  for (const n of nodes) {
    const root = g.find(n);
    const cur = label.get(root);
    if (cur === undefined || n < cur) label.set(root, n);
  }
  return new Map(nodes.map((n) => [n, label.get(g.find(n))!]));
}
