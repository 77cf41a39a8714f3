import type { CellKindDescriptor } from "../descriptor";

export const tfjsCell: CellKindDescriptor = {
  label: "TensorFlow.js",
  editor: {
    language: "javascript",
    configure: (monaco) => import("./editor-types").then((m) => m.configureTfjsEditor(monaco)),
  },
  loadRuntime: () => import("./tfjs-runtime").then((m) => m.tfjsRuntime),
};
