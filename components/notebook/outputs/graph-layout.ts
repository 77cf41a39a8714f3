/**
 * A small deterministic force-directed layout for the result graph view (pure: same input, same
 * picture). Repulsion between all nodes, springs along relationships, a pull to the centre,
 * cooled over a fixed number of steps. Good for the few hundred nodes a lesson returns.
 */

export interface LayoutNode {
  id: string;
}
export interface LayoutLink {
  startId: string;
  endId: string;
}
export interface Point {
  x: number;
  y: number;
}

export interface LayoutOptions {
  iterations?: number;
  linkDistance?: number;
  repulsion?: number;
}

const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));

export function forceLayout(
  nodes: LayoutNode[],
  links: LayoutLink[],
  options: LayoutOptions = {},
): Map<string, Point> {
  const n = nodes.length;
  const iterations = options.iterations ?? 300;
  const linkDistance = options.linkDistance ?? 90;
  const repulsion = options.repulsion ?? 9000;
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  // Sunflower start: spread out, deterministic, no overlaps.
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = 40 * Math.sqrt(i + 0.5);
    xs[i] = r * Math.cos(i * GOLDEN_ANGLE);
    ys[i] = r * Math.sin(i * GOLDEN_ANGLE);
  }
  const edges: [number, number][] = [];
  for (const l of links) {
    const a = index.get(l.startId);
    const b = index.get(l.endId);
    if (a !== undefined && b !== undefined && a !== b) edges.push([a, b]);
  }
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  for (let step = 0; step < iterations; step++) {
    const temperature = 30 * (1 - step / iterations) + 0.5;
    dx.fill(0);
    dy.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let ddx = xs[i]! - xs[j]!;
        let ddy = ys[i]! - ys[j]!;
        let d2 = ddx * ddx + ddy * ddy;
        if (d2 < 0.01) {
          ddx = 0.1 * (i - j);
          ddy = 0.1;
          d2 = ddx * ddx + ddy * ddy;
        }
        const f = repulsion / d2;
        const d = Math.sqrt(d2);
        dx[i]! += (ddx / d) * f;
        dy[i]! += (ddy / d) * f;
        dx[j]! -= (ddx / d) * f;
        dy[j]! -= (ddy / d) * f;
      }
    }
    for (const [a, b] of edges) {
      const ddx = xs[b]! - xs[a]!;
      const ddy = ys[b]! - ys[a]!;
      const d = Math.sqrt(ddx * ddx + ddy * ddy) || 0.01;
      const f = (d - linkDistance) * 0.3;
      dx[a]! += (ddx / d) * f;
      dy[a]! += (ddy / d) * f;
      dx[b]! -= (ddx / d) * f;
      dy[b]! -= (ddy / d) * f;
    }
    for (let i = 0; i < n; i++) {
      dx[i]! -= xs[i]! * 0.004;
      dy[i]! -= ys[i]! * 0.004;
      const len = Math.sqrt(dx[i]! * dx[i]! + dy[i]! * dy[i]!);
      if (len > 0) {
        const move = Math.min(len, temperature);
        xs[i]! += (dx[i]! / len) * move;
        ys[i]! += (dy[i]! / len) * move;
      }
    }
  }
  const out = new Map<string, Point>();
  nodes.forEach((node, i) => out.set(node.id, { x: xs[i]!, y: ys[i]! }));
  return out;
}

/** The box around all points, padded, for the SVG viewBox. */
export function boundsOf(
  points: Iterable<Point>,
  padding = 60,
): { x: number; y: number; width: number; height: number } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x);
    maxY = Math.max(maxY, p.y);
  }
  if (!Number.isFinite(minX)) return { x: -100, y: -100, width: 200, height: 200 };
  return {
    x: minX - padding,
    y: minY - padding,
    width: Math.max(200, maxX - minX + 2 * padding),
    height: Math.max(160, maxY - minY + 2 * padding),
  };
}

/** The text shown on a node: a name-like property, else the first label. */
export function nodeCaption(node: {
  labels: string[];
  properties: Record<string, unknown>;
}): string {
  for (const key of ["name", "title", "caption", "label", "id"]) {
    const v = node.properties[key];
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  const firstString = Object.values(node.properties).find((v) => typeof v === "string");
  return typeof firstString === "string" ? firstString : (node.labels[0] ?? "node");
}
