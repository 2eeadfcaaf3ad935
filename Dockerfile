# Sitrep services image (api and projector share it; docker-compose.yml picks the command).
FROM node:20-slim

WORKDIR /app
ENV NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false

COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

ENV NODE_ENV=production PORT=3000
USER node
EXPOSE 3000
CMD ["npm", "run", "start:api"]
