import { blockingKeys, duplicateThreshold, scorePair, type PreparedRecord } from "./match";

// Pure: from prepared records to clusters of likely duplicates, comparing only records that share
// a blocking key. Used by the workspace scan and by the labelled-fixture quality test, so the
// numbers the test asserts are the numbers the scan produces.

export type PairEvidence = { a: string; b: string; score: number; reasons: string[] };
export type FoundCluster = { ids: string[]; score: number; pairs: PairEvidence[] };

export type ClusterOptions = {
  /** A block with more members than this is not compared all-pairs (see window). */
  maxBlock?: number;
  /** In a capped block, each record is compared with this many neighbours in name order. */
  window?: number;
  /** A cluster never grows beyond this many contacts (one primary and nine duplicates). */
  maxClusterSize?: number;
  threshold?: number;
  /** Pairs people said are not duplicates: never joined, whatever their score. */
  isDismissed?: (a: string, b: string) => boolean;
};

export type ClusterResult = { clusters: FoundCluster[]; comparisons: number; blocks: number; cappedBlocks: number };

export const defaultMaxBlock = 100;
export const defaultWindow = 10;
export const maxClusterSize = 10;

/** "a,b" with the smaller id first: the key of a pair in dismissals and reasons. */
export function orderedPair(x: string, y: string): [string, string] {
  return x < y ? [x, y] : [y, x];
}

export function findDuplicateClusters(records: readonly PreparedRecord[], options: ClusterOptions = {}): ClusterResult {
  const maxBlock = options.maxBlock ?? defaultMaxBlock;
  const window = options.window ?? defaultWindow;
  const sizeCap = options.maxClusterSize ?? maxClusterSize;
  const threshold = options.threshold ?? duplicateThreshold;
  const n = records.length;

  const blocks = new Map<string, number[]>();
  records.forEach((record, index) => {
    for (const key of blockingKeys(record)) {
      const members = blocks.get(key);
      if (members) {
        // A record files under a key once even if two of its fields produce it.
        if (members[members.length - 1] !== index) members.push(index);
      } else {
        blocks.set(key, [index]);
      }
    }
  });

  const seen = new Set<number>();
  const edges: { i: number; j: number; score: number; reasons: string[] }[] = [];
  let comparisons = 0;
  let blockCount = 0;
  let cappedBlocks = 0;
  const compare = (x: number, y: number) => {
    const i = Math.min(x, y);
    const j = Math.max(x, y);
    const key = i * n + j;
    if (seen.has(key)) return;
    seen.add(key);
    comparisons += 1;
    const a = records[i];
    const b = records[j];
    if (!a || !b) return;
    const { score, reasons } = scorePair(a, b);
    if (score < threshold) return;
    if (options.isDismissed?.(a.id, b.id)) return;
    edges.push({ i, j, score, reasons });
  };

  for (const members of blocks.values()) {
    if (members.length < 2) continue;
    blockCount += 1;
    if (members.length <= maxBlock) {
      for (let x = 0; x < members.length; x++) for (let y = x + 1; y < members.length; y++) compare(members[x] ?? 0, members[y] ?? 0);
      continue;
    }
    // A huge block (a switchboard number shared by a whole company, a very common name in a
    // capital city): sorted neighbourhood in name order instead of all pairs, so its cost is
    // linear in its size; look-alike names sort next to each other.
    cappedBlocks += 1;
    const sorted = [...members].sort((x, y) => {
      const a = records[x]?.nameKey ?? "";
      const b = records[y]?.nameKey ?? "";
      return a < b ? -1 : a > b ? 1 : x - y;
    });
    for (let x = 0; x < sorted.length; x++) {
      for (let y = x + 1; y <= x + window && y < sorted.length; y++) compare(sorted[x] ?? 0, sorted[y] ?? 0);
    }
  }

  // Strongest pairs first; a pair joins two groups only while the result stays mergeable in one
  // go, so a chain of weak links cannot make one giant cluster.
  edges.sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
  const parent = new Int32Array(n).map((_, index) => index);
  const size = new Int32Array(n).fill(1);
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root] ?? root;
    let node = x;
    while (parent[node] !== root) {
      const next = parent[node] ?? root;
      parent[node] = root;
      node = next;
    }
    return root;
  };
  for (const edge of edges) {
    const ri = find(edge.i);
    const rj = find(edge.j);
    if (ri === rj) continue;
    if ((size[ri] ?? 1) + (size[rj] ?? 1) > sizeCap) continue;
    parent[rj] = ri;
    size[ri] = (size[ri] ?? 1) + (size[rj] ?? 1);
  }

  const groups = new Map<number, { members: Set<number>; pairs: PairEvidence[] }>();
  for (const edge of edges) {
    const root = find(edge.i);
    if (root !== find(edge.j)) continue;
    const group = groups.get(root) ?? { members: new Set<number>(), pairs: [] };
    group.members.add(edge.i).add(edge.j);
    const [a, b] = orderedPair(records[edge.i]?.id ?? "", records[edge.j]?.id ?? "");
    group.pairs.push({ a, b, score: edge.score, reasons: edge.reasons });
    groups.set(root, group);
  }
  const clusters = [...groups.values()].map((group) => {
    const ids = [...group.members].map((index) => records[index]?.id ?? "").sort();
    const pairs = group.pairs.sort((x, y) => (x.a === y.a ? (x.b < y.b ? -1 : 1) : x.a < y.a ? -1 : 1));
    const score = Math.round((pairs.reduce((sum, pair) => sum + pair.score, 0) / pairs.length) * 100) / 100;
    return { ids, score, pairs };
  });
  clusters.sort((x, y) => (x.ids[0] ?? "").localeCompare(y.ids[0] ?? ""));
  return { clusters, comparisons, blocks: blockCount, cappedBlocks };
}

/** The cluster's identity: its sorted member ids joined with ",". */
export function memberKey(ids: readonly string[]): string {
  return [...ids].sort().join(",");
}
