"use client";
/**
 * The interactive view of a "graph" output (nodes and relationships a Cypher cell returned):
 * an SVG force layout — drag nodes, drag the background to pan, zoom with the buttons or
 * Ctrl/⌘ + wheel. Keyboard: Tab to a node, Enter/Space shows its properties, arrow keys move
 * it, Escape clears. A "Table" view lists the same nodes and relationships for screen readers
 * and copying. The layout module loads on first use behind a placeholder of the final height.
 */
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type WheelEvent,
} from "react";
import type { CellOutput, GraphNode, GraphRelationship } from "@/lib/notebook/types";
import styles from "./graph-output.module.css";

type GraphCellOutput = Extract<CellOutput, { type: "graph" }>;
type LayoutModule = typeof import("@/components/notebook/outputs/graph-layout");
interface Point {
  x: number;
  y: number;
}

/** Beyond this many nodes the picture is unreadable and the O(n²) layout slow; the table shows all. */
const MAX_DRAWN_NODES = 300;
const RADIUS = 22;
/** Width / height of the drawing area at typical lesson widths. */
const CANVAS_ASPECT = 2;
// Colour-blind-friendly hues (Okabe–Ito) with white text contrast ≥ 3:1 for the badges.
const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#8C6D00",
  "#56739A",
  "#A23B72",
  "#4D4D4D",
];

let layoutPromise: Promise<LayoutModule> | null = null;
const loadLayout = (): Promise<LayoutModule> => {
  layoutPromise ??= import("@/components/notebook/outputs/graph-layout");
  layoutPromise.catch(() => (layoutPromise = null));
  return layoutPromise;
};

function colourFor(label: string | undefined): string {
  if (!label) return PALETTE[7]!;
  let h = 0;
  for (let i = 0; i < label.length; i++) h = (h * 31 + label.charCodeAt(i)) | 0;
  return PALETTE[Math.abs(h) % (PALETTE.length - 1)]!;
}

const short = (s: string, n = 16): string => (s.length > n ? s.slice(0, n - 1) + "…" : s);
const formatProp = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

export function GraphOutput({ output }: { output: GraphCellOutput }) {
  const [view, setView] = useState<"graph" | "table">("graph");
  const [layout, setLayout] = useState<LayoutModule | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    loadLayout().then(
      (m) => live && setLayout(m),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);

  const drawn =
    output.nodes.length > MAX_DRAWN_NODES ? output.nodes.slice(0, MAX_DRAWN_NODES) : output.nodes;
  const summary = `${output.nodes.length} ${output.nodes.length === 1 ? "node" : "nodes"}, ${output.relationships.length} ${output.relationships.length === 1 ? "relationship" : "relationships"}`;

  return (
    <figure
      className={styles.frame}
      aria-label={`Result graph: ${summary}`}
      style={{ margin: "0.4rem 0" }}
    >
      <div className={styles.toolbar} role="toolbar" aria-label="Graph view">
        <button type="button" aria-pressed={view === "graph"} onClick={() => setView("graph")}>
          Graph
        </button>
        <button type="button" aria-pressed={view === "table"} onClick={() => setView("table")}>
          Table
        </button>
        <span className={styles.spacer} />
        <span>
          {summary}
          {drawn.length < output.nodes.length
            ? ` (drawing the first ${drawn.length}; the table lists all)`
            : ""}
        </span>
      </div>
      {view === "table" ? (
        <GraphTables nodes={output.nodes} relationships={output.relationships} />
      ) : failed ? (
        <div className={styles.placeholder}>The graph view could not load; use the Table view.</div>
      ) : !layout ? (
        <div className={styles.placeholder} aria-busy="true">
          Laying out the graph…
        </div>
      ) : (
        <GraphCanvas layout={layout} nodes={drawn} relationships={output.relationships} />
      )}
    </figure>
  );
}

export function GraphCanvas({
  layout,
  nodes,
  relationships,
}: {
  layout: LayoutModule;
  nodes: GraphNode[];
  relationships: GraphRelationship[];
}) {
  const nodeIds = useMemo(() => new Set(nodes.map((n) => n.id)), [nodes]);
  const rels = useMemo(
    () => relationships.filter((r) => nodeIds.has(r.startId) && nodeIds.has(r.endId)),
    [relationships, nodeIds],
  );
  const initial = useMemo(() => {
    const points = layout.forceLayout(nodes, rels, { linkDistance: 130, repulsion: 14000 });
    // Layouts come out round; the canvas is wide. Stretch horizontally (at most 1.6×) to use it.
    const b = layout.boundsOf(points.values(), 0);
    const stretch = Math.min(1.6, Math.max(1, CANVAS_ASPECT / (b.width / b.height)));
    return new Map([...points].map(([id, p]) => [id, { x: p.x * stretch, y: p.y }]));
  }, [layout, nodes, rels]);
  // Dragged positions, valid for one layout only (a new result starts from its own layout).
  const [moved, setMoved] = useState<{ base: Map<string, Point>; map: Map<string, Point> }>({
    base: initial,
    map: new Map(),
  });
  const overrides = moved.base === initial ? moved.map : null;
  const positionOf = (id: string): Point => overrides?.get(id) ?? initial.get(id)!;
  const moveNode = (id: string, p: Point) =>
    setMoved((prev) => ({
      base: initial,
      map: new Map(prev.base === initial ? prev.map : []).set(id, p),
    }));
  const bounds = useMemo(() => layout.boundsOf(initial.values()), [layout, initial]);
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState<Point>({ x: 0, y: 0 });
  const [selected, setSelected] = useState<{ kind: "node" | "rel"; id: string } | null>(null);
  const svgRef = useRef<SVGSVGElement>(null);
  const drag = useRef<
    { kind: "node"; id: string } | { kind: "pan"; start: Point; pan: Point } | null
  >(null);

  const viewBox = {
    width: bounds.width / zoom,
    height: bounds.height / zoom,
    x: bounds.x + (bounds.width - bounds.width / zoom) / 2 - pan.x,
    y: bounds.y + (bounds.height - bounds.height / zoom) / 2 - pan.y,
  };

  const toGraph = useCallback(
    (clientX: number, clientY: number): Point => {
      const svg = svgRef.current;
      if (!svg) return { x: 0, y: 0 };
      const rect = svg.getBoundingClientRect();
      // preserveAspectRatio="xMidYMid meet": one scale for both axes, centred.
      const scale = Math.min(rect.width / viewBox.width, rect.height / viewBox.height);
      const offsetX = (rect.width - viewBox.width * scale) / 2;
      const offsetY = (rect.height - viewBox.height * scale) / 2;
      return {
        x: viewBox.x + (clientX - rect.left - offsetX) / scale,
        y: viewBox.y + (clientY - rect.top - offsetY) / scale,
      };
    },
    [viewBox.x, viewBox.y, viewBox.width, viewBox.height],
  );

  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    const target = (e.target as Element).closest("[data-node-id]");
    (e.currentTarget as Element).setPointerCapture(e.pointerId);
    if (target) {
      const id = target.getAttribute("data-node-id")!;
      drag.current = { kind: "node", id };
      setSelected({ kind: "node", id });
    } else drag.current = { kind: "pan", start: { x: e.clientX, y: e.clientY }, pan };
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    const d = drag.current;
    if (!d) return;
    if (d.kind === "node") {
      moveNode(d.id, toGraph(e.clientX, e.clientY));
    } else {
      const rect = svgRef.current!.getBoundingClientRect();
      const scale = Math.min(rect.width / viewBox.width, rect.height / viewBox.height);
      setPan({
        x: d.pan.x + (e.clientX - d.start.x) / scale,
        y: d.pan.y + (e.clientY - d.start.y) / scale,
      });
    }
  };
  const onPointerUp = () => (drag.current = null);
  const onWheel = (e: WheelEvent<SVGSVGElement>) => {
    // Plain wheel scrolls the page; Ctrl/⌘ + wheel zooms (as in maps embedded in documents).
    if (!e.ctrlKey && !e.metaKey) return;
    e.preventDefault();
    setZoom((z) => Math.min(6, Math.max(0.3, z * (e.deltaY < 0 ? 1.15 : 1 / 1.15))));
  };
  const onNodeKey = (e: KeyboardEvent<SVGGElement>, id: string) => {
    const step = 12 / zoom;
    const moves: Record<string, Point> = {
      ArrowLeft: { x: -step, y: 0 },
      ArrowRight: { x: step, y: 0 },
      ArrowUp: { x: 0, y: -step },
      ArrowDown: { x: 0, y: step },
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      const p = positionOf(id);
      moveNode(id, { x: p.x + move.x, y: p.y + move.y });
    } else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      setSelected({ kind: "node", id });
    } else if (e.key === "Escape") setSelected(null);
  };

  // Parallel relationships between the same two nodes are drawn as separate curves.
  const curveIndex = useMemo(() => {
    const seen = new Map<string, number>();
    const out = new Map<string, number>();
    for (const r of rels) {
      const key = [r.startId, r.endId].sort().join("|");
      const k = seen.get(key) ?? 0;
      seen.set(key, k + 1);
      out.set(r.id, k);
    }
    return out;
  }, [rels]);

  const byId = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  const selectedNode = selected?.kind === "node" ? byId.get(selected.id) : undefined;
  const selectedRel = selected?.kind === "rel" ? rels.find((r) => r.id === selected.id) : undefined;

  return (
    <>
      <div className={styles.toolbar} aria-label="Zoom">
        <button
          type="button"
          onClick={() => setZoom((z) => Math.min(6, z * 1.25))}
          aria-label="Zoom in"
        >
          +
        </button>
        <button
          type="button"
          onClick={() => setZoom((z) => Math.max(0.3, z / 1.25))}
          aria-label="Zoom out"
        >
          −
        </button>
        <button
          type="button"
          onClick={() => {
            setZoom(1);
            setPan({ x: 0, y: 0 });
            setMoved({ base: initial, map: new Map() });
          }}
        >
          Reset view
        </button>
        <span>
          Drag nodes or the background; Ctrl/⌘ + wheel zooms; Tab to a node, arrows move it.
        </span>
      </div>
      <div className={styles.canvas}>
        <svg
          ref={svgRef}
          viewBox={`${viewBox.x} ${viewBox.y} ${viewBox.width} ${viewBox.height}`}
          preserveAspectRatio="xMidYMid meet"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
          onWheel={onWheel}
          role="group"
          aria-label="Graph drawing"
        >
          <defs>
            <marker
              id="graph-arrow"
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" className={styles.arrow} />
            </marker>
          </defs>
          {rels.map((r) => {
            const a = positionOf(r.startId);
            const b = positionOf(r.endId);
            return (
              <RelationshipShape
                key={r.id}
                rel={r}
                a={a}
                b={b}
                index={curveIndex.get(r.id) ?? 0}
                onSelect={() => setSelected({ kind: "rel", id: r.id })}
              />
            );
          })}
          {nodes.map((n) => {
            const p = positionOf(n.id);
            const caption = layout.nodeCaption(n);
            return (
              <g
                key={n.id}
                data-node-id={n.id}
                className={`${styles.node} ${selected?.kind === "node" && selected.id === n.id ? styles.selected : ""}`}
                transform={`translate(${p.x} ${p.y})`}
                tabIndex={0}
                role="button"
                aria-label={`${n.labels.join(", ") || "Node"}: ${caption}`}
                aria-pressed={selected?.kind === "node" && selected.id === n.id}
                onKeyDown={(e) => onNodeKey(e, n.id)}
                onFocus={() => setSelected({ kind: "node", id: n.id })}
              >
                <circle r={RADIUS} fill={colourFor(n.labels[0])} />
                <text textAnchor="middle" y={RADIUS + 13}>
                  {short(caption)}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <div className={styles.details} aria-live="polite">
        {selectedNode ? (
          <EntityDetails
            title={selectedNode.labels.map((l) => `:${l}`).join("") || "(node)"}
            properties={selectedNode.properties}
          />
        ) : selectedRel ? (
          <EntityDetails
            title={`${layout.nodeCaption(byId.get(selectedRel.startId)!)} -[:${selectedRel.type}]-> ${layout.nodeCaption(byId.get(selectedRel.endId)!)}`}
            properties={selectedRel.properties}
          />
        ) : (
          <span style={{ color: "var(--muted)" }}>
            Select a node or relationship to see its properties.
          </span>
        )}
      </div>
    </>
  );
}

function RelationshipShape({
  rel,
  a,
  b,
  index,
  onSelect,
}: {
  rel: GraphRelationship;
  a: Point;
  b: Point;
  index: number;
  onSelect: () => void;
}) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  // Start and end on the circles' edges so the arrowhead stays visible.
  const sx = a.x + ux * RADIUS;
  const sy = a.y + uy * RADIUS;
  const ex = b.x - ux * (RADIUS + 2);
  const ey = b.y - uy * (RADIUS + 2);
  const bend = index === 0 ? 0 : (index % 2 === 1 ? 1 : -1) * Math.ceil(index / 2) * 28;
  const mx = (sx + ex) / 2 - uy * bend;
  const my = (sy + ey) / 2 + ux * bend;
  let angle = (Math.atan2(dy, dx) * 180) / Math.PI;
  if (angle > 90 || angle < -90) angle += 180;
  return (
    <g className={styles.rel} onClick={onSelect}>
      {bend === 0 ? (
        <line x1={sx} y1={sy} x2={ex} y2={ey} markerEnd="url(#graph-arrow)" />
      ) : (
        <path d={`M${sx},${sy} Q${mx},${my} ${ex},${ey}`} markerEnd="url(#graph-arrow)" />
      )}
      <text x={mx} y={my - 4} textAnchor="middle" transform={`rotate(${angle} ${mx} ${my})`}>
        {rel.type}
      </text>
    </g>
  );
}

function EntityDetails({
  title,
  properties,
}: {
  title: string;
  properties: Record<string, unknown>;
}) {
  const entries = Object.entries(properties);
  return (
    <div>
      <strong>{title}</strong>
      {entries.length === 0 ? (
        <p style={{ margin: "0.25rem 0 0", color: "var(--muted)" }}>No properties.</p>
      ) : (
        <dl>
          {entries.map(([k, v]) => (
            <div key={k} style={{ display: "contents" }}>
              <dt>{k}</dt>
              <dd>{formatProp(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export function GraphTables({
  nodes,
  relationships,
}: {
  nodes: GraphNode[];
  relationships: GraphRelationship[];
}) {
  const captionOf = new Map(
    nodes.map((n) => [n.id, n.properties.name ?? n.properties.title ?? n.id]),
  );
  return (
    <div className={styles.tables}>
      <table>
        <caption>Nodes</caption>
        <thead>
          <tr>
            <th scope="col">id</th>
            <th scope="col">labels</th>
            <th scope="col">properties</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.id}>
              <td>{n.id}</td>
              <td>
                {n.labels.map((l) => (
                  <span key={l} className={styles.badge} style={{ background: colourFor(l) }}>
                    {l}
                  </span>
                ))}
              </td>
              <td>
                {Object.entries(n.properties)
                  .map(([k, v]) => `${k}: ${formatProp(v)}`)
                  .join(", ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {relationships.length > 0 && (
        <table>
          <caption>Relationships</caption>
          <thead>
            <tr>
              <th scope="col">from</th>
              <th scope="col">type</th>
              <th scope="col">to</th>
              <th scope="col">properties</th>
            </tr>
          </thead>
          <tbody>
            {relationships.map((r) => (
              <tr key={r.id}>
                <td>{formatProp(captionOf.get(r.startId) ?? r.startId)}</td>
                <td>{r.type}</td>
                <td>{formatProp(captionOf.get(r.endId) ?? r.endId)}</td>
                <td>
                  {Object.entries(r.properties)
                    .map(([k, v]) => `${k}: ${formatProp(v)}`)
                    .join(", ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
