# Otklik services image (worker, sweeper). Used by docker-compose.yml on machines with Docker.
FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
# patch-package applies them on install (postinstall): see patches/README.md
COPY patches ./patches
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json ./
COPY schemas ./schemas
COPY config ./config
COPY services ./services
USER node
ENTRYPOINT ["node", "--import", "tsx", "services/runtime/main.ts"]
CMD ["worker", "sweeper"]
