# syntax=docker/dockerfile:1.7
# One production image per service:
#   docker build --build-arg APP=coupon -t <ecr-repo>/coupon:<tag> .
# APP is gateway, coupon or payment. The service is bundled with esbuild into one
# file holding exactly the packages it imports; the runtime stage has Node 22 LTS,
# that file, the RDS certificate bundle, and a non-root user — no npm, no sources.

# Pinned by digest (the tag's multi-platform index), so a rebuilt tag never changes
# what ships unnoticed. Bump tag and digest together: docker buildx imagetools inspect node:<tag>.
ARG NODE_IMAGE=node:22.23.3-bookworm-slim@sha256:c3de60bf2f9dd0ac6370e6117950ff62d6e339527e7472301c9c78a017978392

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts stay off: nothing the build needs runs one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY apps ./apps
COPY scripts/build-app.ts ./scripts/
ARG APP
RUN test -n "$APP" || (echo "build with --build-arg APP=<gateway|coupon|payment>" >&2; exit 1)
RUN npx tsx scripts/build-app.ts "$APP" /out

FROM ${NODE_IMAGE}
ARG APP
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    SERVICE_NAME=${APP} \
    PORT=8080
# RDS presents certificates from Amazon's own CA: MYSQL_TLS_CA_FILE points here.
ADD --chmod=0444 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/rds/global-bundle.pem
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build --chown=root:root /out/${APP}/ ./
USER 10001:10001
EXPOSE 8080
# Kubernetes probes /health/live and /health/ready; the service drains on SIGTERM.
CMD ["node", "/app/main.js"]
