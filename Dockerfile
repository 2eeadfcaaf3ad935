# Sitrep services image: the API (default command) and the projector share it; docker-compose.yml
# picks the command. Three stages: build the apps, install production dependencies only, then a
# slim runtime image with node as PID 1 (it receives SIGTERM directly) running as a non-root user.

FROM node:20-slim AS build
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
RUN npx nest build api && npx nest build projector

FROM node:20-slim AS production-dependencies
WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:20-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY migrations ./migrations
COPY data/gazetteer ./data/gazetteer
# The map page (served by the API from the source tree, Leaflet from node_modules).
COPY apps/api/public ./apps/api/public
USER node
# 3000: the API; 9464: the projector's metrics.
EXPOSE 3000 9464
CMD ["node", "dist/apps/api/src/main.js"]
