// Integer min-cost flow for the assignment solver. Arcs live in an ArcList (columns of typed
// arrays, flow included); each algorithm freezes the arcs it needs into a residual network in
// forward-star form and writes the flows back.
//
// - maximizeFlow: Dinic, from the current flow.
// - minimizeCost: Goldberg's cost scaling (push-relabel, FIFO), from the current flow and
//   without changing any node's balance, so a maximum flow stays maximum.
//
// Why cost scaling and not successive shortest paths: the assignment network has hundreds of
// reviewers facing thousands of applications; one Dijkstra scans millions of arcs and a
// shortest-path method needs one per unit of flow (30,000 of them). Cost scaling needs about
// log(n·C)/log(α) refine passes.
//
// Pricing (column generation): minimizeCost may solve on an `active` subset of the arcs, then
// checks every inactive arc's reduced cost against the final prices; the worst violators
// (a few per head node) join the subset and the solve resumes from the same prices, with ε
// set to the worst violation. It stops only when no arc of the whole list violates, so the
// answer is optimal for the whole list, not just the subset.
//
// Exactness: costs are integers multiplied by n + 1, so a 1-optimal flow (every residual arc's
// reduced cost ≥ −1) is optimal in the original units (≥ −1/(n+1) > −1/n). Prices are integers
// and are checked to stay well inside the doubles' exact range.

export class ArcList {
  from: Int32Array;
  to: Int32Array;
  capacity: Int32Array;
  cost: Float64Array;
  flow: Int32Array;
  count = 0;

  constructor(
    readonly nodeCount: number,
    expectedArcs = 16,
  ) {
    const size = Math.max(16, expectedArcs);
    this.from = new Int32Array(size);
    this.to = new Int32Array(size);
    this.capacity = new Int32Array(size);
    this.cost = new Float64Array(size);
    this.flow = new Int32Array(size);
  }

  /** Adds an arc without flow and returns its index. */
  add(from: number, to: number, capacity: number, cost: number): number {
    if (from < 0 || from >= this.nodeCount || to < 0 || to >= this.nodeCount || from === to) {
      throw new RangeError(`arc ${from} → ${to} is not between two distinct nodes of 0..${this.nodeCount - 1}`);
    }
    if (!Number.isInteger(capacity) || capacity < 0 || capacity > 0x3fffffff) {
      throw new RangeError(`arc ${from} → ${to} has capacity ${capacity}; capacities are non-negative integers`);
    }
    if (this.count === this.from.length) this.grow();
    const i = this.count++;
    this.from[i] = from;
    this.to[i] = to;
    this.capacity[i] = capacity;
    this.setCost(i, cost);
    return i;
  }

  setCost(arc: number, cost: number): void {
    if (!Number.isSafeInteger(cost)) throw new RangeError(`cost ${cost} is not an integer`);
    this.cost[arc] = cost;
  }

  private grow(): void {
    const size = this.from.length * 2;
    const grown = <T extends Int32Array | Float64Array>(old: T): T => {
      const fresh = new (old.constructor as new (length: number) => T)(size);
      fresh.set(old);
      return fresh;
    };
    this.from = grown(this.from);
    this.to = grown(this.to);
    this.capacity = grown(this.capacity);
    this.cost = grown(this.cost);
    this.flow = grown(this.flow);
  }
}

/** The residual network of some of the arcs (all when `ids` is null), carrying their flows. */
class Residual {
  readonly first: Int32Array;
  readonly head: Int32Array;
  readonly residual: Int32Array;
  readonly cost: Float64Array;
  readonly mate: Int32Array;
  private readonly position: Int32Array;

  constructor(
    private readonly arcs: ArcList,
    private readonly ids: Int32Array | null,
    scale = 0,
  ) {
    const n = arcs.nodeCount;
    const m = ids ? ids.length : arcs.count;
    const id = (i: number): number => (ids ? ids[i]! : i);
    const first = new Int32Array(n + 1);
    for (let i = 0; i < m; i++) {
      first[arcs.from[id(i)]! + 1]!++;
      first[arcs.to[id(i)]! + 1]!++;
    }
    for (let v = 0; v < n; v++) first[v + 1]! += first[v]!;
    const fill = first.slice(0, n);
    this.first = first;
    this.head = new Int32Array(2 * m);
    this.residual = new Int32Array(2 * m);
    this.cost = new Float64Array(scale === 0 ? 0 : 2 * m);
    this.mate = new Int32Array(2 * m);
    this.position = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      const arc = id(i);
      const forward = fill[arcs.from[arc]!]!++;
      const backward = fill[arcs.to[arc]!]!++;
      this.head[forward] = arcs.to[arc]!;
      this.head[backward] = arcs.from[arc]!;
      this.residual[forward] = arcs.capacity[arc]! - arcs.flow[arc]!;
      this.residual[backward] = arcs.flow[arc]!;
      if (scale !== 0) {
        this.cost[forward] = arcs.cost[arc]! * scale;
        this.cost[backward] = -arcs.cost[arc]! * scale;
      }
      this.mate[forward] = backward;
      this.mate[backward] = forward;
      this.position[i] = forward;
    }
  }

  writeFlows(): void {
    for (let i = 0; i < this.position.length; i++) {
      this.arcs.flow[this.ids ? this.ids[i]! : i] = this.residual[this.mate[this.position[i]!]!]!;
    }
  }
}

/**
 * Augments the arcs' flow to a maximum s–t flow (Dinic) over the arcs marked in `subset` (all
 * when null; arcs outside it must carry no flow); returns how much was added.
 */
export function maximizeFlow(arcs: ArcList, s: number, t: number, subset: Uint8Array | null = null): number {
  if (subset) {
    for (let i = 0; i < arcs.count; i++) {
      if (subset[i] === 0 && arcs.flow[i] !== 0)
        throw new Error(`max flow: arc ${i} carries flow but is outside the subset`);
    }
  }
  const net = new Residual(arcs, subset && idsOf(subset, arcs.count));
  const { first, head, residual, mate } = net;
  const n = arcs.nodeCount;
  const level = new Int32Array(n);
  const queue = new Int32Array(n);
  const current = new Int32Array(n);
  const path = new Int32Array(n);
  let total = 0;
  for (;;) {
    level.fill(-1);
    level[s] = 0;
    let qHead = 0;
    let qTail = 0;
    queue[qTail++] = s;
    while (qHead < qTail && level[t]! < 0) {
      const v = queue[qHead++]!;
      for (let a = first[v]!; a < first[v + 1]!; a++) {
        const w = head[a]!;
        if (residual[a]! > 0 && level[w]! < 0) {
          level[w] = level[v]! + 1;
          queue[qTail++] = w;
        }
      }
    }
    if (level[t]! < 0) break;
    current.set(first.subarray(0, n));
    let depth = 0;
    let v = s;
    for (;;) {
      if (v === t) {
        let delta = Infinity;
        for (let i = 0; i < depth; i++) delta = Math.min(delta, residual[path[i]!]!);
        for (let i = 0; i < depth; i++) {
          residual[path[i]!]! -= delta;
          residual[mate[path[i]!]!]! += delta;
        }
        total += delta;
        depth = 0;
        v = s;
        continue;
      }
      let a = current[v]!;
      const end = first[v + 1]!;
      while (a < end && (residual[a] === 0 || level[head[a]!] !== level[v]! + 1)) a++;
      current[v] = a;
      if (a < end) {
        path[depth++] = a;
        v = head[a]!;
      } else {
        level[v] = -1; // a dead end for the rest of this phase
        if (depth === 0) break;
        v = head[mate[path[--depth]!]!]!;
        current[v]!++;
      }
    }
  }
  net.writeFlows();
  return total;
}

/** Refines the flow on `net` to eps-optimality with respect to `price` (push-relabel, FIFO). */
function refine(net: Residual, price: Float64Array, eps: number): void {
  const { first, head, residual, cost, mate } = net;
  const n = price.length;
  const excess = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    for (let a = first[v]!; a < first[v + 1]!; a++) {
      const r = residual[a]!;
      if (r > 0 && cost[a]! + price[v]! - price[head[a]!]! < 0) {
        residual[a] = 0;
        residual[mate[a]!]! += r;
        excess[v]! -= r;
        excess[head[a]!]! += r;
      }
    }
  }
  const queue = new Int32Array(n + 1);
  const queued = new Uint8Array(n);
  let qHead = 0;
  let qTail = 0;
  const enqueue = (v: number): void => {
    queued[v] = 1;
    queue[qTail] = v;
    qTail = qTail === n ? 0 : qTail + 1;
  };
  for (let v = 0; v < n; v++) if (excess[v]! > 0) enqueue(v);
  const current = first.slice(0, n);
  while (qHead !== qTail) {
    const v = queue[qHead]!;
    qHead = qHead === n ? 0 : qHead + 1;
    queued[v] = 0;
    const end = first[v + 1]!;
    while (excess[v]! > 0) {
      let a = current[v]!;
      for (; a < end; a++) {
        const r = residual[a]!;
        if (r === 0) continue;
        const w = head[a]!;
        if (cost[a]! + price[v]! - price[w]! >= 0) continue;
        const delta = Math.min(excess[v]!, r);
        residual[a] = r - delta;
        residual[mate[a]!]! += delta;
        excess[v]! -= delta;
        excess[w]! += delta;
        if (excess[w]! > 0 && queued[w] === 0) enqueue(w);
        if (excess[v] === 0) break;
      }
      current[v] = a;
      if (excess[v]! > 0) {
        // No admissible arc left: lower the price just enough to make the best one admissible.
        let best = -Infinity;
        for (let b = first[v]!; b < end; b++) {
          if (residual[b]! > 0) best = Math.max(best, price[head[b]!]! - cost[b]!);
        }
        if (best === -Infinity) throw new Error(`min-cost flow: node ${v} has excess but no residual arc`);
        price[v] = best - eps;
        if (price[v]! < -PRICE_LIMIT) throw new RangeError('min-cost flow: prices left the range of exact arithmetic');
        current[v] = first[v]!;
      }
    }
  }
}

/** Prices and scaled costs stay below these, so every reduced cost is an exact integer. */
const PRICE_LIMIT = 2 ** 51;
const COST_LIMIT = 2 ** 50;

function idsOf(subset: Uint8Array, count: number): Int32Array {
  let size = 0;
  for (let i = 0; i < count; i++) size += subset[i]!;
  const ids = new Int32Array(size);
  for (let i = 0, j = 0; i < count; i++) if (subset[i] === 1) ids[j++] = i;
  return ids;
}

export interface CostOptions {
  /**
   * The arcs to solve on first, one byte per arc, updated in place; every arc carrying flow
   * must be among them. Default: all arcs.
   */
  active?: Uint8Array;
  /** How many violating arcs pricing adds per head node and round (the most violated first). */
  addPerHead?: number;
  alpha?: number;
}

/**
 * Makes the arcs' flow a minimum-cost one among the flows with the same node balances.
 * Returns the number of pricing rounds.
 */
export function minimizeCost(arcs: ArcList, { active, addPerHead = 4, alpha = 10 }: CostOptions = {}): number {
  const n = arcs.nodeCount;
  const scale = n + 1;
  const inUse = active ?? new Uint8Array(arcs.count).fill(1);
  let maxAbs = 0;
  for (let i = 0; i < arcs.count; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(arcs.cost[i]!) * scale);
    if (arcs.flow[i] !== 0 && inUse[i] === 0) throw new Error(`min-cost flow: arc ${i} carries flow but is not active`);
  }
  if (maxAbs === 0) return 0;
  if (maxAbs > COST_LIMIT) throw new RangeError('min-cost flow: costs too large to price exactly');
  const price = new Float64Array(n);
  const chosen = new Int32Array(n * addPerHead);
  const chosenCost = new Float64Array(n * addPerHead);
  let eps = maxAbs;
  for (let round = 1; ; round++) {
    const net = new Residual(arcs, idsOf(inUse, arcs.count), scale);
    while (eps > 1) {
      eps = Math.max(1, Math.floor(eps / alpha));
      refine(net, price, eps);
    }
    net.writeFlows();
    // Price the inactive arcs: any with reduced cost below −1 could still lower the cost.
    // Keep the `addPerHead` most violated ones into each node.
    let worst = 0;
    chosen.fill(-1);
    chosenCost.fill(Infinity);
    for (let i = 0; i < arcs.count; i++) {
      if (inUse[i] === 1 || arcs.capacity[i] === 0) continue;
      const reduced = arcs.cost[i]! * scale + price[arcs.from[i]!]! - price[arcs.to[i]!]!;
      if (reduced >= -1) continue;
      worst = Math.max(worst, -reduced);
      const base = arcs.to[i]! * addPerHead;
      let j = addPerHead - 1;
      if (reduced >= chosenCost[base + j]!) continue;
      for (; j > 0 && chosenCost[base + j - 1]! > reduced; j--) {
        chosen[base + j] = chosen[base + j - 1]!;
        chosenCost[base + j] = chosenCost[base + j - 1]!;
      }
      chosen[base + j] = i;
      chosenCost[base + j] = reduced;
    }
    if (worst === 0) return round;
    for (const i of chosen) if (i >= 0) inUse[i] = 1;
    eps = worst;
  }
}
