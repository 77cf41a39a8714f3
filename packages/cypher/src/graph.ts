import type { CypherValue, NodeValue, RelationshipValue } from "./values";
import { EMPTY_SCHEMA, type SchemaState } from "./schema";

type Entity = NodeValue | RelationshipValue;

/**
 * What one committed transaction changed, as whole records: applying it twice is harmless, so a
 * replica or a replayed log cannot double-apply a change.
 */
export interface GraphDelta {
  nodes: NodeValue[];
  rels: RelationshipValue[];
  deletedNodes: bigint[];
  deletedRels: bigint[];
  nextNodeId: bigint;
  nextRelId: bigint;
  /** the whole schema, when the transaction changed it */
  schema?: SchemaState;
}

/** Undo log of the open transaction of a graph that is changed in place (see beginJournal). */
interface Journal {
  undo: (() => void)[];
  /** what undoing re-inserted (at the end): put back in id order, so scans keep their order */
  reorder: { nodes: boolean; rels: boolean; labels: Set<string>; adjacency: Set<bigint> };
  nodes: Set<bigint>;
  rels: Set<bigint>;
  schema?: boolean;
}

/** Ids of entities deleted in this graph version: reads of their properties fail. */
class DeletedSet {
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
  /** Declared indexes and constraints; immutable, replaced by setSchema (H18b, schema.ts) */
  schema: SchemaState = EMPTY_SCHEMA;
  private journal: Journal | undefined;

  /**
   * Start a transaction that changes this graph in place and records how to undo each change: it
   * costs what it touches, not the size of the graph. Only for a graph no one else reads meanwhile
   * (an engine worker serves one transaction at a time).
   */
  beginJournal(): void {
    this.journal = {
      undo: [],
      nodes: new Set(),
      rels: new Set(),
      reorder: { nodes: false, rels: false, labels: new Set(), adjacency: new Set() },
    };
  }

  get journaling(): boolean {
    return this.journal !== undefined;
  }

  get hasChanges(): boolean {
    return (this.journal?.undo.length ?? 0) > 0;
  }

  /** What the open transaction changed so far (the journal stays open until commit or rollback). */
  journalDelta(): GraphDelta {
    const j = this.journal;
    const delta: GraphDelta = {
      nodes: [],
      rels: [],
      deletedNodes: [],
      deletedRels: [],
      nextNodeId: this.nextNodeId,
      nextRelId: this.nextRelId,
    };
    if (!j) return delta;
    if (j.schema) delta.schema = this.schema;
    for (const id of j.nodes) {
      const n = this.nodes.get(id);
      if (n) delta.nodes.push(n);
      else delta.deletedNodes.push(id);
    }
    for (const id of j.rels) {
      const r = this.rels.get(id);
      if (r) delta.rels.push(r);
      else delta.deletedRels.push(id);
    }
    return delta;
  }

  /** Keep the transaction's changes. */
  commitJournal(): void {
    this.journal = undefined;
    this.deleted = new DeletedSet();
  }

  /** Undo the transaction's changes, newest first. */
  rollbackJournal(): void {
    const j = this.journal;
    this.journal = undefined;
    this.deleted = new DeletedSet();
    if (!j) return;
    for (let i = j.undo.length - 1; i >= 0; i--) j.undo[i]!();
    const byId = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);
    const sortMap = <V>(m: Map<bigint, V>): Map<bigint, V> =>
      new Map([...m].sort((a, b) => byId(a[0], b[0])));
    const sortSet = (set: Set<bigint> | undefined): void => {
      if (!set) return;
      const ids = [...set].sort(byId);
      set.clear();
      for (const id of ids) set.add(id);
    };
    if (j.reorder.nodes) this.nodes = sortMap(this.nodes);
    if (j.reorder.rels) this.rels = sortMap(this.rels);
    for (const l of j.reorder.labels) sortSet(this.labelIndex.get(l));
    for (const id of j.reorder.adjacency) {
      sortSet(this.out.get(id));
      sortSet(this.in.get(id));
    }
  }

  private record(kind: "node" | "relationship", id: bigint, undo: () => void): void {
    if (!this.journal) return;
    (kind === "node" ? this.journal.nodes : this.journal.rels).add(id);
    this.journal.undo.push(undo);
  }

  /** Bring this graph up to a committed delta (another replica's commit, or a logged one). */
  applyDelta(d: GraphDelta): void {
    if (d.schema) this.schema = d.schema;
    for (const id of d.deletedRels) {
      const r = this.rels.get(id);
      if (r) this.deleteRel(r);
    }
    for (const id of d.deletedNodes) {
      const n = this.nodes.get(id);
      if (!n) continue;
      for (const r of [...this.outgoing(id), ...this.incoming(id)]) this.deleteRel(r);
      this.deleteNode(n);
    }
    for (const n of d.nodes) {
      const cur = this.nodes.get(n.id);
      if (!cur) {
        const next = this.nextNodeId;
        this.nextNodeId = n.id;
        this.createNode(n.labels, new Map(n.properties));
        this.nextNodeId = next > n.id ? next : n.id + 1n;
        continue;
      }
      for (const l of [...cur.labels]) if (!n.labels.includes(l)) this.removeLabel(cur, l);
      for (const l of n.labels) this.addLabel(cur, l);
      this.replaceProperties(cur, n.properties);
    }
    for (const r of d.rels) {
      const cur = this.rels.get(r.id);
      if (!cur) {
        const next = this.nextRelId;
        this.nextRelId = r.id;
        this.createRel(r.type, r.startId, r.endId, new Map(r.properties));
        this.nextRelId = next > r.id ? next : r.id + 1n;
        continue;
      }
      this.replaceProperties(cur, r.properties);
    }
    this.nextNodeId = d.nextNodeId;
    this.nextRelId = d.nextRelId;
    this.deleted = new DeletedSet();
  }

  private replaceProperties(e: Entity, props: ReadonlyMap<string, CypherValue>): void {
    const cur = (e.kind === "node" ? this.nodes.get(e.id) : this.rels.get(e.id)) ?? e;
    for (const k of [...cur.properties.keys()]) if (!props.has(k)) this.setProperty(e, k, null);
    for (const [k, v] of props) this.setProperty(e, k, v);
  }

  /** Schema commands swap the schema; a rolled-back transaction swaps it back. */
  setSchema(next: SchemaState): void {
    const old = this.schema;
    this.schema = next;
    if (this.journal) this.journal.schema = true;
    this.journal?.undo.push(() => {
      this.schema = old;
    });
  }

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
    g.schema = this.schema;
    return g;
  }

  /** Drop the (label, key) equality indexes a change can affect. */
  private invalidate(labels: readonly string[] | undefined, key: string | undefined): void {
    for (const ik of [...this.propIndex.keys()]) {
      const [l, k] = ik.split("\u0000") as [string, string];
      if ((labels === undefined || labels.includes(l)) && (key === undefined || key === k))
        this.propIndex.delete(ik);
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
    const copy = (
      cur.kind === "node"
        ? { kind: "node", id: cur.id, labels: [...cur.labels], properties: new Map(cur.properties) }
        : { ...cur, properties: new Map(cur.properties) }
    ) as T;
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
    this.record("node", id, () => {
      this.nodes.delete(id);
      this.out.delete(id);
      this.in.delete(id);
      for (const l of n.labels) this.labelIndex.get(l)?.delete(id);
      this.nextNodeId = id;
      this.invalidate(n.labels, undefined);
    });
    return n;
  }

  createRel(
    type: string,
    start: bigint,
    end: bigint,
    properties: Map<string, CypherValue>,
  ): RelationshipValue {
    const id = this.nextRelId++;
    const r: RelationshipValue = this.own({
      kind: "relationship",
      id,
      type,
      startId: start,
      endId: end,
      properties,
    });
    this.rels.set(id, r);
    if (this.out.has(start)) this.ownedSet(this.out, start).add(id);
    if (this.in.has(end)) this.ownedSet(this.in, end).add(id);
    this.record("relationship", id, () => {
      this.rels.delete(id);
      this.out.get(start)?.delete(id);
      this.in.get(end)?.delete(id);
      this.nextRelId = id;
    });
    return r;
  }

  /** Sets (or with null removes) a property; returns whether anything was written. */
  setProperty(e: Entity, key: string, value: CypherValue): boolean {
    const cur = this.ownEntity(e);
    if (cur.kind === "node") this.invalidate(cur.labels, key);
    if (this.journal) {
      const had = cur.properties.has(key);
      const old = cur.properties.get(key);
      this.record(cur.kind, cur.id, () => {
        if (had) cur.properties.set(key, old!);
        else cur.properties.delete(key);
        if (cur.kind === "node") this.invalidate(undefined, key);
      });
    }
    if (value === null) return cur.properties.delete(key);
    cur.properties.set(key, value);
    return true;
  }

  addLabel(n: NodeValue, l: string): boolean {
    if ((this.nodes.get(n.id) ?? n).labels.includes(l)) return false;
    const cur = this.ownEntity(n);
    cur.labels.push(l);
    this.ownedSet(this.labelIndex, l).add(n.id);
    this.invalidate([l], undefined);
    this.record("node", n.id, () => {
      cur.labels.splice(cur.labels.lastIndexOf(l), 1);
      this.labelIndex.get(l)?.delete(n.id);
      this.invalidate([l], undefined);
    });
    return true;
  }

  removeLabel(n: NodeValue, l: string): boolean {
    if (!(this.nodes.get(n.id) ?? n).labels.includes(l)) return false;
    const cur = this.ownEntity(n);
    const at = cur.labels.indexOf(l);
    cur.labels.splice(at, 1);
    if (this.labelIndex.has(l)) this.ownedSet(this.labelIndex, l).delete(n.id);
    this.invalidate([l], undefined);
    this.journal?.reorder.labels.add(l);
    this.record("node", n.id, () => {
      cur.labels.splice(at, 0, l);
      this.ownedSet(this.labelIndex, l).add(n.id);
      this.invalidate([l], undefined);
    });
    return true;
  }

  deleteRel(r: RelationshipValue): boolean {
    const cur = this.rels.get(r.id);
    if (!cur) return false;
    this.rels.delete(r.id);
    this.record("relationship", r.id, () => {
      this.rels.set(cur.id, cur);
      this.out.get(cur.startId)?.add(cur.id);
      this.in.get(cur.endId)?.add(cur.id);
    });
    if (this.journal) {
      this.journal.reorder.rels = true;
      this.journal.reorder.adjacency.add(cur.startId).add(cur.endId);
    }
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
    const outSet = this.out.get(n.id);
    const inSet = this.in.get(n.id);
    this.nodes.delete(n.id);
    this.out.delete(n.id);
    this.in.delete(n.id);
    if (this.journal) {
      this.journal.reorder.nodes = true;
      for (const l of cur.labels) this.journal.reorder.labels.add(l);
    }
    this.record("node", n.id, () => {
      this.nodes.set(cur.id, cur);
      if (outSet) this.out.set(cur.id, outSet);
      if (inSet) this.in.set(cur.id, inSet);
      for (const l of cur.labels) this.ownedSet(this.labelIndex, l).add(cur.id);
      this.invalidate(cur.labels, undefined);
    });
    for (const l of cur.labels)
      if (this.labelIndex.has(l)) this.ownedSet(this.labelIndex, l).delete(n.id);
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
  nodesByProperty(
    label: string,
    key: string,
    valueKey: string,
    keyFn: (v: CypherValue) => string | undefined,
  ): NodeValue[] {
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
