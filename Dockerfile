# Otklik's image: every role (worker, sweeper, incidents, analytics, the ops board) and the `otklik` CLI,
# as plain JavaScript. Used by docker-compose.yml and the Kubernetes manifests (deploy/k8s). The project's
# own machines have no Docker engine: the stages below are checked there by running the same commands
# outside a container (docs/deploy.md, "The image").

# --- build: dev dependencies, patches, the compiled tree -------------------------------------------------
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# patch-package (a dev dependency) applies them in npm ci's postinstall: see patches/README.md.
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.ts ./scripts/build.ts
COPY schemas ./schemas
COPY services ./services
RUN npm run build
# Prune, not reinstall: `npm ci --omit=dev` would run the postinstall without patch-package, and a fresh
# install would lose the patches. npm prune removes what is not a production dependency and leaves the
# patched files of kafkajs and avsc as they are.
RUN npm prune --omit=dev --no-audit --no-fund

# --- production: node_modules (production only) and dist/ ------------------------------------------------
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY config ./config
# The uid of the image's `node` user (1000): never root. Kubernetes' runAsNonRoot checks the number.
USER 1000:1000
EXPOSE 9464
# /healthz answers 503 once a part has stopped for good; curl and wget are not in the slim image, so
# node asks, on the port the process listens on (the ops board's OPS_HTTP_PORT, the roles' HTTP_PORT).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.OPS_HTTP_PORT||process.env.HTTP_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec form: node is PID 1 and receives SIGTERM itself (drain, commit, exit 0 within
# OTKLIK_SHUTDOWN_TIMEOUT_MS, as before).
ENTRYPOINT ["node", "--enable-source-maps", "dist/services/runtime/main.js"]
CMD ["worker", "sweeper"]
