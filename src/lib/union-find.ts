/** Disjoint sets of ids, each named by its lowest id. */
export function unionFind() {
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as number;
    parent.set(x, root);
    return root;
  };
  return {
    find,
    union(a: number, b: number) {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
    },
    /** Root -> members, for every id seen. */
    groups() {
      const byRoot = new Map<number, number[]>();
      for (const id of parent.keys()) {
        const root = find(id);
        const members = byRoot.get(root);
        if (members) members.push(id);
        else byRoot.set(root, [id]);
      }
      return byRoot;
    },
  };
}
