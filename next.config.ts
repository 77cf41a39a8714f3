import type { NextConfig } from "next";

// `next dev` only: React's development build reconstructs server call stacks with eval() (its
// production build never does). Without it every dev page logs a CSP error and shows an Issue.
const devEval = process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : "";

/**
 * Content pages: no eval, no third-party origins. Inline scripts are Next's own bootstrap
 * (static pages cannot carry per-request nonces). 'wasm-unsafe-eval' lets TensorFlow.js compile
 * its WebAssembly backend; workers come only from our origin (or blob: URLs we create).
 */
const pagePolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${devEval}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Scripts that start a worker get the worker's policy from their own response. The notebook
 * kernel's worker evaluates the learner's code, so only there is eval allowed — never on a page.
 */
const workerPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
].join("; ");

const common = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
];

/**
 * Every page is cross-origin isolated, so the kernel worker gets SharedArrayBuffer and Atomics
 * (Interrupt stops a cell through a shared flag and keeps its variables). Not only lesson pages:
 * Next navigates between pages without loading a new document, so a lesson reached from the
 * catalogue keeps the catalogue's isolation state. Everything we load is same-origin (the CSP
 * above says so), so require-corp blocks nothing; worker scripts carry COEP themselves, as a
 * dedicated worker's isolation comes from its own response.
 */
const isolation = [
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
];

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // A second build beside the served one (tests, parallel work) goes to its own folder.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // `npm test` type-checks the whole project with `tsc --noEmit` first; checking again here only costs time.
  typescript: { ignoreBuildErrors: true },
  // rate-limiter-flexible: one copy for every server bundle, so its limiters and result class are
  // shared (two bundled copies once made `instanceof RateLimiterRes` fail and limits fail open).
  // The Cypher engine is a workspace package shipped as TypeScript source.
  transpilePackages: ["@courses/cypher"],
  serverExternalPackages: [
    "@electric-sql/pglite",
    "@electric-sql/pglite-socket",
    "rate-limiter-flexible",
    // One prom-client for our server and the route bundles (the registry lives on globalThis).
    "prom-client",
  ],
  async headers() {
    return [
      {
        source: "/((?!_next/static/).*)",
        headers: [...common, ...isolation, { key: "Content-Security-Policy", value: pagePolicy }],
      },
      {
        source: "/_next/static/:path*",
        headers: [...common, ...isolation, { key: "Content-Security-Policy", value: workerPolicy }],
      },
    ];
  },
};

export default nextConfig;
