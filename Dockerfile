# syntax=docker/dockerfile:1
# govhub for operators: `docker build -t govhub .`, then
#   docker run -d -p 8080:8080 -v govhub-data:/data -e GOVHUB_ADMIN_PASSWORD=… govhub
# See docs/operations.md. DuckDB's prebuilt binaries need glibc: a Debian base, not Alpine.
ARG NODE_IMAGE=node:22-bookworm-slim

# --- build: all dependencies, compile the server (dist/) and the console (web/dist) ---
FROM ${NODE_IMAGE} AS build
# an npm registry mirror for intranets, e.g. --build-arg NPM_REGISTRY=https://registry.npmmirror.com
ARG NPM_REGISTRY=
WORKDIR /app
COPY package.json package-lock.json ./
# no install scripts: the build below needs the sources, and no dependency of govhub needs its own
RUN npm ci --ignore-scripts --no-audit --no-fund ${NPM_REGISTRY:+--registry=$NPM_REGISTRY}
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
COPY web ./web
RUN node scripts/build.mjs --force \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime: production dependencies and compiled code only, as an unprivileged user ---
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    GOVHUB_DATA_DIR=/data \
    GOVHUB_HOST=0.0.0.0 \
    GOVHUB_PORT=8080
WORKDIR /app
# the code stays owned by root, read-only to the server; only /data is the server's to write
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# the first start applies the control-plane migrations: give it time before failures count
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.GOVHUB_PORT}/api/v1/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/govhub.mjs", "start"]
