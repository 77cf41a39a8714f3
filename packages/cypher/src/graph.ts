import type { CypherValue, NodeValue, RelationshipValue } from "./values";

type Entity = NodeValue | RelationshipValue;

/** Ids of entities deleted in this graph version: reads of their properties fail. */
export class DeletedSet {
  private readonly nodes = new Set<bigint>();
  private readonly rels = new Set<bigint>();
  has(e: { kind: string; id: bigint }): boolean {
    return (e.kind === "node" ? this.nodes : this.rels).has(e.id);
  }
  add(e: { kind: string; id: bigint }): void {
    (e.kind === "node" ? this.nodes : this.rels).add(e.id);
  }
}

/**
 * In-memory property graph. Entity objects are the engine's live NodeValue/RelationshipValue records.
 * A transaction works on a clone that shares every record, set and index entry with the committed
 * graph and copies one only when it first changes it (copy-on-write), so uncommitted writes are
 * invisible to everyone else and a small write on a big graph stays cheap.
 */
export class Graph {
  nodes = new Map<bigint, NodeValue>();
  rels = new Map<bigint, RelationshipValue>();
  out = new Map<bigint, Set<bigint>>();
  in = new Map<bigint, Set<bigint>>();
  labelIndex = new Map<string, Set<bigint>>();
  nextNodeId = 0n;
  nextRelId = 0n;
  deleted = new DeletedSet();
  /** records and sets this graph version may change in place */
  private owned = new WeakSet<object>();
  private propIndex = new Map<string, Map<string, NodeValue[]>>();

  clone(): Graph {
    const g = new Graph();
    g.nodes = new Map(this.nodes);
    g.rels = new Map(this.rels);
    g.out = new Map(this.out);
    g.in = new Map(this.in);
    g.labelIndex = new Map(this.labelIndex);
    g.nextNodeId = this.nextNodeId;
    g.nextRelId = this.nextRelId;
    // built indexes are never changed in place, only dropped, so the clone can start with them
    g.propIndex = new Map(this.propIndex);
    return g;
  }

  /** Drop the (label, key) equality indexes a change can affect. */
  private invalidate(labels: readonly string[] | undefined, key: string | undefined): void {
    for (const ik of [...this.propIndex.keys()]) {
      const [l, k] = ik.split("\u0000") as [string, string];
      if ((labels === undefined || labels.includes(l)) && (key === undefined || key === k)) this.propIndex.delete(ik);
    }
  }

  private own<T extends object>(o: T): T {
    this.owned.add(o);
    return o;
  }

  private ownedSet<K>(map: Map<K, Set<bigint>>, key: K): Set<bigint> {
    let s = map.get(key);
    if (!s) {
      s = this.own(new Set<bigint>());
      map.set(key, s);
    } else if (!this.owned.has(s)) {
      s = this.own(new Set<bigint>(s));
      map.set(key, s);
    }
    return s;
  }

  /** The record of this graph version for `e`, copied first if it is still shared. */
  private ownEntity<T extends Entity>(e: T): T {
    const map = (e.kind === "node" ? this.nodes : this.rels) as Map<bigint, T>;
    const cur = map.get(e.id) ?? e;
    if (this.owned.has(cur)) return cur;
    const copy = (cur.kind === "node"
      ? { kind: "node", id: cur.id, labels: [...cur.labels], properties: new Map(cur.properties) }
      : { ...cur, properties: new Map(cur.properties) }) as T;
    map.set(e.id, this.own(copy));
    return copy;
  }

  createNode(labels: string[], properties: Map<string, CypherValue>): NodeValue {
    const id = this.nextNodeId++;
    const n: NodeValue = this.own({ kind: "node", id, labels: [...new Set(labels)], properties });
    this.nodes.set(id, n);
    this.out.set(id, this.own(new Set<bigint>()));
    this.in.set(id, this.own(new Set<bigint>()));
    for (const l of n.labels) this.ownedSet(this.labelIndex, l).add(id);
    this.invalidate(n.labels, undefined);
    return n;
  }

  createRel(type: string, start: bigint, end: bigint, properties: Map<string, CypherValue>): RelationshipValue {
    const id = this.nextRelId++;
    const r: RelationshipValue = this.own({ kind: "relationship", id, type, startId: start, endId: end, properties });
    this.rels.set(id, r);
    if (this.out.has(start)) this.ownedSet(this.out, start).add(id);
    if (this.in.has(end)) this.ownedSet(this.in, end).add(id);
    return r;
  }

  /** Sets (or with null removes) a property; returns whether anything was written. */
  setProperty(e: Entity, key: string, value: CypherValue): boolean {
    const cur = this.ownEntity(e);
    if (cur.kind === "node") this.invalidate(cur.labels, key);
    if (value === null) return cur.properties.delete(key);
    cur.properties.set(key, value);
    return true;
  }

  addLabel(n: NodeValue, l: string): boolean {
    if ((this.nodes.get(n.id) ?? n).labels.includes(l)) return false;
    this.ownEntity(n).labels.push(l);
    this.ownedSet(this.labelIndex, l).add(n.id);
    this.invalidate([l], undefined);
    return true;
  }

  removeLabel(n: NodeValue, l: string): boolean {
    if (!(this.nodes.get(n.id) ?? n).labels.includes(l)) return false;
    const cur = this.ownEntity(n);
    cur.labels.splice(cur.labels.indexOf(l), 1);
    if (this.labelIndex.has(l)) this.ownedSet(this.labelIndex, l).delete(n.id);
    this.invalidate([l], undefined);
    return true;
  }

  deleteRel(r: RelationshipValue): boolean {
    if (!this.rels.has(r.id)) return false;
    this.rels.delete(r.id);
    if (this.out.has(r.startId)) this.ownedSet(this.out, r.startId).delete(r.id);
    if (this.in.has(r.endId)) this.ownedSet(this.in, r.endId).delete(r.id);
    this.deleted.add(r);
    return true;
  }

  degree(id: bigint): number {
    return (this.out.get(id)?.size ?? 0) + (this.in.get(id)?.size ?? 0);
  }

  deleteNode(n: NodeValue): boolean {
    const cur = this.nodes.get(n.id);
    if (!cur) return false;
    this.nodes.delete(n.id);
    this.out.delete(n.id);
    this.in.delete(n.id);
    for (const l of cur.labels) if (this.labelIndex.has(l)) this.ownedSet(this.labelIndex, l).delete(n.id);
    this.deleted.add(n);
    this.invalidate(cur.labels, undefined);
    return true;
  }

  nodesWithLabel(l: string): NodeValue[] {
    const s = this.labelIndex.get(l);
    if (!s) return [];
    const out: NodeValue[] = [];
    for (const id of s) {
      const n = this.nodes.get(id);
      if (n) out.push(n);
    }
    return out;
  }

  /** Equality lookup through a lazily built (label, key) index; keyFn gives a hashable key or undefined. */
  nodesByProperty(label: string, key: string, valueKey: string, keyFn: (v: CypherValue) => string | undefined): NodeValue[] {
    const ik = label + "\u0000" + key;
    let idx = this.propIndex.get(ik);
    if (!idx) {
      idx = new Map();
      for (const n of this.nodesWithLabel(label)) {
        const v = n.properties.get(key);
        if (v === undefined) continue;
        const k = keyFn(v);
        if (k === undefined) continue;
        let list = idx.get(k);
        if (!list) idx.set(k, (list = []));
        list.push(n);
      }
      this.propIndex.set(ik, idx);
    }
    // index entries may hold records this version has since copied: hand out the current ones
    const out: NodeValue[] = [];
    for (const n of idx.get(valueKey) ?? []) {
      const cur = this.nodes.get(n.id);
      if (cur) out.push(cur);
    }
    return out;
  }

  outgoing(id: bigint): RelationshipValue[] {
    return [...(this.out.get(id) ?? [])].map((r) => this.rels.get(r)!);
  }
  incoming(id: bigint): RelationshipValue[] {
    return [...(this.in.get(id) ?? [])].map((r) => this.rels.get(r)!);
  }
}
