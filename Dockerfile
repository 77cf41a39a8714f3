# syntax=docker/dockerfile:1.7
# Production images for Courses (see docs/deploy.md). Two targets share the build:
#   docker build --target app    -t courses-app .     # `npm start`: Next behind our own server
#   docker build --target worker -t courses-worker .  # `npm run rust:worker`: cargo + bubblewrap
# Not Next's `output: "standalone"`: its generated server.js would replace our server
# (lib/http/server.ts: request ids, metrics, graceful drain), and the app reads files at run time
# that its trace does not follow (content/, prisma/migrations, the Cypher engine's worker
# threads, scripts/). The runtime image keeps production dependencies plus tsx instead.

ARG NODE_IMAGE=node:20-bookworm-slim
ARG RUST_IMAGE=rust:1.95-slim-bookworm

# ---- dependencies (cached while package*.json do not change) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/cypher/package.json packages/cypher/package.json
RUN npm ci --no-audit --no-fund --ignore-scripts

# ---- build: Prisma client, tfjs wasm files, content validation, `next build` ----
FROM deps AS build
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build \
  # Production dependencies only, plus tsx, which runs scripts/start.ts and the worker
  # (pinned to the lockfile's version).
  && TSX_VERSION="$(node -p "require('./package-lock.json').packages['node_modules/tsx'].version")" \
  && npm prune --omit=dev --no-audit --no-fund \
  && npm install --no-save --no-audit --no-fund --ignore-scripts "tsx@${TSX_VERSION}" \
  && rm -rf .next/cache

# ---- the app: N of these behind the balancer ----
FROM ${NODE_IMAGE} AS app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
# The embedded Cypher engine keeps its data under .data/ when NEO4J_URI is unset.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "scripts/start.ts", "--no-build", "--hostname", "0.0.0.0"]

# ---- the Rust toolchain (std only; learners' projects have no crates) ----
FROM ${RUST_IMAGE} AS rust

# ---- a Rust build worker: takes jobs from the Redis queue, builds in the bubblewrap sandbox ----
FROM ${NODE_IMAGE} AS worker
# bwrap: the sandbox; util-linux: prlimit and setpriv; gcc/libc6-dev: the linker rustc calls.
RUN apt-get update \
  && apt-get install -y --no-install-recommends bubblewrap util-linux gcc libc6-dev ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY --from=rust /usr/local/rustup /usr/local/rustup
COPY --from=rust /usr/local/cargo /usr/local/cargo
ENV RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo \
  PATH=/usr/local/cargo/bin:$PATH NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
# Root on purpose: the runner starts bwrap without a user namespace and drops every build to a
# throw-away uid with no capabilities (docs/rust-runner.md); nothing of the learner's runs as root.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "--conditions=react-server", "scripts/rust-worker.ts"]
