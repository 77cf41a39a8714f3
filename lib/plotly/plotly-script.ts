/**
 * Where the page finds Plotly: the official cartesian partial bundle (scatter, bar, histogram,
 * box, heatmap, contour, pie, violin…), rewritten by stepped-bundle.ts and served from our own
 * origin (app/vendor/plotly-cartesian.js/route.ts).
 */
import plotlyPackage from "plotly.js-cartesian-dist-min/package.json";

/** Path of the served script; the version in the query busts caches on upgrades. */
export const PLOTLY_SCRIPT_URL = `/vendor/plotly-cartesian.js?v=${plotlyPackage.version}`;

/** The global the script assigns its `{ steps, finish }` to. */
export const PLOTLY_GLOBAL = "__coursesPlotlyBundle";
