import type { CellKind } from "@/lib/notebook/types";

// Who vouches for an exercise result. Pure and import-safe in the browser and on the server.
//   server         — the server ran the lesson's own check (Cypher, Rust) and stored its verdict;
//   self-reported  — the browser ran the check and told the server (tfjs runs only in the browser,
//                    and every attempt stored before server checks existed).

export const VERIFICATIONS = ["server", "self-reported"] as const;
export type Verification = (typeof VERIFICATIONS)[number];

/** Cell kinds whose checks the server runs: a browser's word for them is never taken. */
export function isServerChecked(kind: CellKind): boolean {
  return kind === "cypher" || kind === "rust";
}

/** The verification a pass needs to count for completion: the best available for its kind. */
export function requiredVerification(kind: CellKind): Verification {
  return isServerChecked(kind) ? "server" : "self-reported";
}

/** Whether a stored pass counts: a server-checked kind needs a server verdict; tfjs takes either. */
export function passCounts(kind: CellKind, verification: Verification): boolean {
  return !isServerChecked(kind) || verification === "server";
}

/**
 * Whether the browser sends a check's result to the server. Cypher and Rust checks ran on the
 * server, which stored its own verdict (the runtime says so with `verifiedBy: "server"`); sync
 * would ignore a copy. Only browser-run (tfjs) checks are reported, as self-reported.
 */
export function browserReportsVerdict(
  kind: CellKind,
  verdict: { passed: boolean; verifiedBy?: "server" },
): boolean {
  return !isServerChecked(kind) && verdict.verifiedBy !== "server";
}
