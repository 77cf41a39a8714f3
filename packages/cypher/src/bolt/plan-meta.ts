/**
 * A plan as Bolt metadata, the shape neo4j-driver reads into `summary.plan` / `summary.profile`:
 * `{operatorType, identifiers, args, children}` plus `rows`, `dbHits`, page-cache figures and `time`
 * under PROFILE (integers, as Neo4j sends them).
 */
import type { PlanNode } from "../plan";
import { meta, type Meta } from "./messages";
import type { PackValue } from "./packstream";

const INTEGER_ARGS = new Set(["Rows", "DbHits", "PageCacheHits", "PageCacheMisses", "Time"]);

export function planMeta(n: PlanNode, profiled: boolean): Meta {
  const args: Meta = new Map();
  for (const [k, v] of Object.entries(n.args))
    args.set(k, typeof v === "number" && INTEGER_ARGS.has(k) ? BigInt(Math.round(v)) : v);
  const children: PackValue[] = n.children.map((c) => planMeta(c, profiled));
  return meta({
    operatorType: n.operatorType,
    identifiers: [...n.identifiers],
    args,
    children,
    rows: profiled ? BigInt(n.rows ?? 0) : undefined,
    dbHits: profiled ? BigInt(n.dbHits ?? 0) : undefined,
    pageCacheHits: profiled ? 0n : undefined,
    pageCacheMisses: profiled ? 0n : undefined,
    pageCacheHitRatio: profiled ? 0 : undefined,
    time: profiled ? 0n : undefined,
  });
}
