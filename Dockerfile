# syntax=docker/dockerfile:1

# Node 24 is pinned to 24.18.1: better-sqlite3 12 compiled against 24.19+ headers aborts when the GC
# finalizes a statement (node::ObjectWrap cleanup hooks, https://github.com/nodejs/node/issues/65446).
# better-sqlite3 13 avoids it but needs Node 22+, and the service must also run on Node 20.
ARG NODE_IMAGE=node:24.18.1-slim

# Build: compile TypeScript and the native SQLite driver with the full toolchain.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Run: only the compiled code, production dependencies, migrations and seeds, as a non-root user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_PATH=/data/claimledger.db
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
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/server.js"]
