import type { CellKindDescriptor } from "../descriptor";

export const cypherCell: CellKindDescriptor = {
  label: "Cypher",
  editor: {
    language: "cypher",
    configure: (monaco) => import("./monaco-cypher").then((m) => m.registerCypherLanguage(monaco)),
  },
  loadRuntime: () => import("./cypher-runtime").then((m) => m.cypherRuntime),
};
