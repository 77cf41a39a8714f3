import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { steppedBundle } from "./stepped-bundle";

// The shape esbuild gives Plotly's dist bundles, small: a UMD wrapper, lazy module helpers,
// modules that record when their bodies run, and an entry that requires them.
const tiny = `/** banner */
(function(root, factory) { root.moduleName = factory(); } (typeof self !== "undefined" ? self : this, () => {
"use strict";var Plotly=(()=>{var z=(e,r)=>()=>{try{return r||e((r={exports:{}}).exports,r),r.exports}catch(t){throw r=0,t}};var h0=(e,r,t)=>()=>{if(t)throw t[0];try{return e&&(r=e(e=0)),r}catch(a){throw t=[a],a}};
var log=[];var a=z((x,m)=>{log.push("a");m.exports={name:"a"}});var b=h0(()=>{log.push("b")}),c=z((x,m)=>{b();log.push("c");m.exports={a:a(),log}});
function inner(){var z=1;var notAStep=z}
var entry=z((x,m)=>{m.exports=c()});return entry();})();
window.Plotly = Plotly;
return Plotly;
}));`;

type Stepped = { steps: (() => unknown)[]; finish: () => { a: { name: string }; log: string[] } };

function evaluate(code: string, globalName: string): Stepped {
  const self: Record<string, unknown> = {};
  runInNewContext(code, { self, window: self });
  return self[globalName] as Stepped;
}

describe("steppedBundle", () => {
  it("returns each top-level module initializer as a step, and the entry as finish", () => {
    const { code, steps } = steppedBundle(tiny, "__plotly");
    expect(steps).toBe(4); // a, b, c, entry — not the inner function's `var notAStep = z`
    expect(code.startsWith("//# allFunctionsCalledOnLoad\n")).toBe(true);
    const bundle = evaluate(code, "__plotly");
    const finishedEarly = bundle.finish; // nothing has run at evaluation time
    for (const step of bundle.steps.slice(0, 2)) step();
    const result = finishedEarly();
    expect(result.a.name).toBe("a");
    // Each module body ran exactly once, dependencies first.
    expect(result.log).toEqual(["a", "b", "c"]);
  });

  it("refuses a bundle of another shape instead of serving something broken", () => {
    expect(() => steppedBundle("window.Plotly = {};", "__plotly")).toThrow(
      /Unexpected Plotly bundle layout/,
    );
  });

  it("transforms the installed cartesian bundle into a script that defines without running", () => {
    const require = createRequire(import.meta.url);
    const source = readFileSync(require.resolve("plotly.js-cartesian-dist-min"), "utf8");
    const { code, steps } = steppedBundle(source, "__plotly");
    expect(steps).toBeGreaterThan(300);
    // No DOM here: evaluating must only define the modules (their bodies need a document).
    const bundle = evaluate(code, "__plotly");
    expect(bundle.steps).toHaveLength(steps);
    expect(bundle.steps.every((s) => typeof s === "function")).toBe(true);
    expect(typeof bundle.finish).toBe("function");
  });
});
