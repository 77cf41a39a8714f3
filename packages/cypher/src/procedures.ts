import type { CypherValue } from "./values";
import { CypherError } from "./errors";

export interface ProcedureTable {
  columns: string[];
  rows: CypherValue[][];
}
interface ProcedureField {
  name: string;
  type: string;
}
export interface Procedure {
  name: string;
  inputs: ProcedureField[];
  outputs: ProcedureField[];
  rows: CypherValue[][];
  columns: string[];
}

function parseFields(s: string): ProcedureField[] {
  const t = s.trim();
  if (!t) return [];
  return t.split(",").map((f) => {
    const [name, type] = f.split("::").map((x) => x.trim());
    return { name: name ?? "", type: (type ?? "ANY?").toUpperCase() };
  });
}

/** Procedures declared by the TCK step "there exists a procedure name(in :: T) :: (out :: T):". */
export class ProcedureRegistry {
  private readonly procs = new Map<string, Procedure>();

  register(signature: string, table: ProcedureTable): void {
    // name(in :: TYPE?, …) :: (out :: TYPE?, …)   or   name(…) :: VOID
    const m = /^\s*([\w.]+)\s*\(([^)]*)\)\s*::\s*(?:\(([^)]*)\)|VOID)\s*$/i.exec(signature);
    if (!m)
      throw new CypherError(
        "ProcedureError",
        "compile time",
        "InvalidSignature",
        `Invalid procedure signature: ${signature}`,
      );
    const p: Procedure = {
      name: m[1]!,
      inputs: parseFields(m[2]!),
      outputs: parseFields(m[3] ?? ""),
      rows: table.rows,
      columns: table.columns,
    };
    this.procs.set(p.name, p);
  }

  get(name: string): Procedure | undefined {
    return this.procs.get(name);
  }

  /** All registered procedures (copied to the Bolt server's engine workers). */
  list(): Procedure[] {
    return [...this.procs.values()];
  }

  add(p: Procedure): void {
    this.procs.set(p.name, p);
  }
}
