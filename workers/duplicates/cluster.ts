import { blockingKeyHashes, duplicateThreshold, pairEvidence, reasonsOf, scoreOf, type PreparedRecord } from "./match";

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

  // Blocks without a Map of strings (a 100,000-contact scan has about a million keys, most of them
  // alone): every (key hash, record) pair is one number in a typed array, sorted, so a block is a
  // run of equal hashes. Each record also keeps its own sorted hashes, to find the keys two
  // records share.
  const indexBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const hashBits = Math.min(32, 53 - indexBits);
  const indexScale = 2 ** indexBits;
  const keyOffsets = new Int32Array(n + 1);
  const perRecord: number[][] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const record = records[i];
    // A 32-bit hash collision only merges two blocks (more comparisons, same results).
    const hashes = record ? blockingKeyHashes(record) : [];
    if (hashBits < 32) {
      const shortened = [...new Set(hashes.map((hash) => hash >>> (32 - hashBits)))].sort((x, y) => x - y);
      hashes.splice(0, hashes.length, ...shortened);
    }
    perRecord.push(hashes);
    keyOffsets[i] = total;
    total += hashes.length;
  }
  keyOffsets[n] = total;
  const recordKeys = new Float64Array(total);
  const entries = new Float64Array(total);
  for (let i = 0; i < n; i++) {
    const hashes = perRecord[i] ?? [];
    const offset = keyOffsets[i] ?? 0;
    for (let k = 0; k < hashes.length; k++) {
      const hash = hashes[k] ?? 0;
      recordKeys[offset + k] = hash;
      entries[offset + k] = hash * indexScale + i;
    }
  }
  perRecord.length = 0;
  entries.sort();

  const blockSizes = new Map<number, number>();
  for (let start = 0; start < total; ) {
    const hash = Math.floor((entries[start] ?? 0) / indexScale);
    let end = start + 1;
    while (end < total && Math.floor((entries[end] ?? 0) / indexScale) === hash) end += 1;
    if (end - start > 1) blockSizes.set(hash, end - start);
    start = end;
  }

  /** The smallest key two records share whose block is compared all-pairs; -1 when none. */
  const firstSharedFullBlock = (x: number, y: number): number => {
    let a = keyOffsets[x] ?? 0;
    let b = keyOffsets[y] ?? 0;
    const aEnd = keyOffsets[x + 1] ?? 0;
    const bEnd = keyOffsets[y + 1] ?? 0;
    while (a < aEnd && b < bEnd) {
      const ka = recordKeys[a] ?? 0;
      const kb = recordKeys[b] ?? 0;
      if (ka < kb) a += 1;
      else if (kb < ka) b += 1;
      else {
        if ((blockSizes.get(ka) ?? 0) <= maxBlock) return ka;
        a += 1;
        b += 1;
      }
    }
    return -1;
  };

  const edges: { i: number; j: number; score: number; reasons: string[] }[] = [];
  let comparisons = 0;
  let blockCount = 0;
  let cappedBlocks = 0;
  const compare = (x: number, y: number) => {
    const i = Math.min(x, y);
    const j = Math.max(x, y);
    comparisons += 1;
    const a = records[i];
    const b = records[j];
    if (!a || !b) return;
    const evidence = pairEvidence(a, b);
    const score = scoreOf(evidence);
    if (score < threshold) return;
    if (options.isDismissed?.(a.id, b.id)) return;
    edges.push({ i, j, score, reasons: reasonsOf(evidence) });
  };
  // Pairs met in capped blocks (few) are remembered so a pair in two of them is scored once.
  const cappedSeen = new Set<string>();

  for (let start = 0; start < total; ) {
    const hash = Math.floor((entries[start] ?? 0) / indexScale);
    let end = start + 1;
    while (end < total && Math.floor((entries[end] ?? 0) / indexScale) === hash) end += 1;
    const members: number[] = [];
    for (let e = start; e < end; e++) members.push((entries[e] ?? 0) % indexScale);
    start = end;
    if (members.length < 2) continue;
    blockCount += 1;
    if (members.length <= maxBlock) {
      // A pair sharing several keys is scored in the block of the smallest of them only.
      for (let x = 0; x < members.length; x++) {
        for (let y = x + 1; y < members.length; y++) {
          const i = members[x] ?? 0;
          const j = members[y] ?? 0;
          if (firstSharedFullBlock(i, j) === hash) compare(i, j);
        }
      }
      continue;
    }
    // A huge block (a switchboard number shared by a whole company, a very common name in a
    // capital city): sorted neighbourhood in name order instead of all pairs, so its cost is
    // linear in its size; look-alike names sort next to each other.
    cappedBlocks += 1;
    members.sort((x, y) => {
      const a = records[x]?.nameKey ?? "";
      const b = records[y]?.nameKey ?? "";
      return a < b ? -1 : a > b ? 1 : x - y;
    });
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y <= x + window && y < members.length; y++) {
        const i = Math.min(members[x] ?? 0, members[y] ?? 0);
        const j = Math.max(members[x] ?? 0, members[y] ?? 0);
        if (firstSharedFullBlock(i, j) !== -1) continue;
        const key = `${i},${j}`;
        if (cappedSeen.has(key)) continue;
        cappedSeen.add(key);
        compare(i, j);
      }
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
  const membersOf = new Map<number, number[]>();
  const members = (root: number) => membersOf.get(root) ?? [root];
  // Two groups never join when that would put a dismissed pair back in one cluster.
  const dismissedAcross = (x: number[], y: number[]) =>
    options.isDismissed !== undefined && x.some((i) => y.some((j) => options.isDismissed?.(...orderedPair(records[i]?.id ?? "", records[j]?.id ?? "")) === true));
  for (const edge of edges) {
    const ri = find(edge.i);
    const rj = find(edge.j);
    if (ri === rj) continue;
    if ((size[ri] ?? 1) + (size[rj] ?? 1) > sizeCap) continue;
    if (dismissedAcross(members(ri), members(rj))) continue;
    parent[rj] = ri;
    size[ri] = (size[ri] ?? 1) + (size[rj] ?? 1);
    membersOf.set(ri, [...members(ri), ...members(rj)]);
    membersOf.delete(rj);
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
  clusters.sort((x, y) => ((x.ids[0] ?? "") < (y.ids[0] ?? "") ? -1 : 1));
  return { clusters, comparisons, blocks: blockCount, cappedBlocks };
}

/** The cluster's identity: its sorted member ids joined with ",". */
export function memberKey(ids: readonly string[]): string {
  return [...ids].sort().join(",");
}
