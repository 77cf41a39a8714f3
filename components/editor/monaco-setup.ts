"use client";
import { loader } from "@monaco-editor/react";
import * as monaco from "monaco-editor";

/**
 * Monaco from our own bundle: no CDN. Its language workers are bundled and served from our
 * origin too. Runs once, when the first editor loads.
 */
declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

let configured = false;

export function setupMonaco(): typeof monaco {
  if (configured) return monaco;
  configured = true;
  window.MonacoEnvironment = {
    getWorker(_workerId, label) {
      if (label === "typescript" || label === "javascript") {
        return new Worker(
          new URL("monaco-editor/language/typescript/ts.worker.js", import.meta.url),
          { type: "module" },
        );
      }
      return new Worker(new URL("monaco-editor/editor/editor.worker.js", import.meta.url), {
        type: "module",
      });
    },
  };
  loader.config({ monaco });
  monaco.editor.defineTheme("courses-light", {
    base: "vs",
    inherit: true,
    // GitHub's light palette: every token keeps at least 4.5:1 contrast on the editor background.
    rules: [
      { token: "comment", foreground: "57606a" },
      { token: "keyword", foreground: "cf222e" },
      { token: "number", foreground: "0550ae" },
      { token: "string", foreground: "0a3069" },
      { token: "type", foreground: "953800" },
      { token: "regexp", foreground: "116329" },
      { token: "delimiter", foreground: "1f2328" },
      { token: "identifier", foreground: "1f2328" },
      { token: "predefined", foreground: "8250df" },
      { token: "variable", foreground: "953800" },
    ],
    colors: { "editor.background": "#f8f9fb", "editor.lineHighlightBackground": "#eef1f5" },
  });
  monaco.editor.defineTheme("courses-dark", {
    base: "vs-dark",
    inherit: true,
    rules: [
      { token: "comment", foreground: "8b949e" },
      { token: "keyword", foreground: "ff7b72" },
      { token: "number", foreground: "79c0ff" },
      { token: "string", foreground: "a5d6ff" },
      { token: "type", foreground: "ffa657" },
      { token: "regexp", foreground: "7ee787" },
      { token: "delimiter", foreground: "e6edf3" },
      { token: "identifier", foreground: "e6edf3" },
      { token: "predefined", foreground: "d2a8ff" },
      { token: "variable", foreground: "ffa657" },
    ],
    colors: { "editor.background": "#12161c", "editor.lineHighlightBackground": "#1a2029" },
  });
  return monaco;
}
