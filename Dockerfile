# Node 24 is pinned to 24.18.1: better-sqlite3 12 compiled against 24.19+ headers aborts when the GC
# finalizes a statement (node::ObjectWrap cleanup hooks, https://github.com/nodejs/node/issues/65446).
# better-sqlite3 13 avoids it but needs Node 22+, and the service must also run on Node 20.
# (No `# syntax=` line: it would make every build fetch a BuildKit frontend image first.)
ARG NODE_IMAGE=node:24.18.1-slim

# Build: compile TypeScript and the native SQLite driver with the full toolchain.
FROM ${NODE_IMAGE} AS build
# Behind a proxy or a mirror: HTTP_PROXY/HTTPS_PROXY/NO_PROXY are passed by Docker as they are;
#   --build-arg NPM_REGISTRY=https://npm.mirror.example/       an npm registry (mirror) to install from
#   --build-arg DEBIAN_MIRROR=http://debian.mirror.example/debian   a Debian mirror for the toolchain
#   --build-arg EXTRA_CA_CERT="$(cat corporate-root.pem)"      a CA certificate (PEM) the proxy or mirror needs
ARG NPM_REGISTRY=""
ARG DEBIAN_MIRROR=""
ARG EXTRA_CA_CERT=""
WORKDIR /app
RUN if [ -n "$EXTRA_CA_CERT" ]; then printf '%s\n' "$EXTRA_CA_CERT" > /usr/local/share/extra-ca.pem; fi \
  && if [ -n "$DEBIAN_MIRROR" ]; then \
       for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do \
         if [ -f "$f" ]; then sed -i "s|http://deb.debian.org/debian|${DEBIAN_MIRROR%/}|g" "$f"; fi; \
       done; \
     fi \
  && apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# node-gyp builds against the headers in the image instead of downloading them, and better-sqlite3 is built
# from source rather than fetched as a prebuilt binary: nothing is downloaded but the npm packages.
ENV npm_config_nodedir=/usr/local \
    npm_config_build_from_source=true
COPY package.json package-lock.json ./
RUN if [ -n "$EXTRA_CA_CERT" ]; then export NODE_EXTRA_CA_CERTS=/usr/local/share/extra-ca.pem; fi \
  && if [ -n "$NPM_REGISTRY" ]; then npm config set registry "$NPM_REGISTRY"; fi \
  && npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Run: only the compiled code, production dependencies, migrations and seeds, as a non-root user.
FROM ${NODE_IMAGE}
# The volume's database is created on the first start (CREATE_DATABASE); run the container with a restart
# policy (`--restart unless-stopped`): after a storage failure the service exits (status 70) to be restarted.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/data/claimledger.db \
    CREATE_DATABASE=true
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY seeds ./seeds
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# OCI images (podman, buildah) drop HEALTHCHECK: there, run with --health-cmd 'node dist/src/healthcheck.js'.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD ["node", "dist/src/healthcheck.js"]
# The flags of src/server-flags.ts (a bounded heap); test/server-flags.test.ts keeps them the same.
CMD ["node", "--max-old-space-size=1024", "dist/src/server.js"]
