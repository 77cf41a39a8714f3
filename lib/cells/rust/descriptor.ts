import type { CellKindDescriptor } from "../descriptor";

export const rustCell: CellKindDescriptor = {
  label: "Rust",
  // Monaco ships Rust colouring.
  editor: { language: "rust" },
  loadRuntime: () => import("./rust-runtime").then((m) => m.rustRuntime),
  // Running needs a session and the server's sandbox: a static lesson page cannot know either.
  availabilityFromServer: true,
};
