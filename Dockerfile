# One image for every app: `docker run <image> node dist/apps/<app>/main.js`.
# Stage 1: install all dependencies (build tools included) from the lock file.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund

# Stage 2: build every app to dist/apps/<app>/main.js.
FROM deps AS build
ENV NX_DAEMON=false NX_NO_CLOUD=true
COPY . .
RUN npm run build

# Stage 3: runtime with production dependencies only, as the unprivileged `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# Overridden per service in docker-compose.yml / the Kubernetes manifests.
CMD ["node", "dist/apps/webhook-gateway/main.js"]
