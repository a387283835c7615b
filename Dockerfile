# Hero in one image: hero_proc is PID 1 (it reaps orphans and stops everything in order on
# SIGTERM) and supervises hero_router, the examples and the services of a mounted directory.
#   docker build -t hero .            (or: buildah bud --build-arg BASE=... -t hero .)
#   docker run -d -p 9988:9988 -v hero-var:/home/hero/hero/var \
#     -v ./my-services:/home/hero/hero/cfg/hero_proc/services:ro hero
# `npm run test:image` builds and runs it without Docker (mmdebstrap + buildah + podman).
ARG BASE=debian:bookworm-slim

# --- build: dependencies (node-pty compiles here), hero_proc's JavaScript and its job holder
# (hero_shim, C), the one-file router
FROM ${BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates nodejs npm libnode-dev g++ make python3 \
  && rm -rf /var/lib/apt/lists/*
# Behind a TLS-intercepting proxy: a CA bundle path inside the build (buildah bud -v HOST:PATH).
ARG EXTRA_CA_CERTS=""
WORKDIR /opt/hero
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/
COPY proc/package.json proc/
COPY scripts/link_runtimes.mjs scripts/
# Debian's Node headers: node-gyp must not try to download them.
RUN if [ -n "$EXTRA_CA_CERTS" ]; then export NODE_EXTRA_CA_CERTS="$EXTRA_CA_CERTS"; fi \
  && npm_config_nodedir=/usr npm ci --no-audit --no-fund
COPY . .
# Tools only the tests use stay out of the image.
RUN if [ -n "$EXTRA_CA_CERTS" ]; then export DENO_CERT="$EXTRA_CA_CERTS"; fi \
  && node_modules/.bin/node proc/scripts/build_dist.mjs \
  && node_modules/.bin/node --input-type=module -e "const m = await import('/opt/hero/proc/src/supervisor/shim_binary.ts'); if (!m.shimBinary()) { console.error(m.shimProblem()); process.exit(1); }" \
  && node_modules/deno/deno run --allow-all router/scripts/build_single_file.ts router/dist/hero_router.js \
  && rm -rf node_modules/nushell node_modules/@nushell node_modules/typescript node_modules/pm2 \
    node_modules/@pm2 node_modules/axe-core node_modules/dockerfile-utils \
  && mkdir -p /staging/hero/var/sockets /staging/hero/var/hero_proc /staging/hero/deploy \
    /staging/hero/cfg/hero_proc/services \
  && cp docker/services/*.toml /staging/hero/cfg/hero_proc/

# --- runtime: the repository with its runtimes (Node 24 and Deno from node_modules), git for deploys
FROM ${BASE}
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates git \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --create-home --uid 1000 --shell /bin/bash hero
COPY --from=build /opt/hero /opt/hero
COPY --from=build --chown=1000:1000 /opt/hero/proc/dist /opt/hero/proc/dist
COPY --from=build --chown=1000:1000 /staging/hero /home/hero/hero
USER hero
WORKDIR /home/hero
ENV HOME=/home/hero \
  PATH=/opt/hero/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  PATH_SOCKET=/home/hero/hero/var/sockets \
  HERO_PROC_STATE_DIR=/home/hero/hero/var/hero_proc \
  HERO_PROC_CONFIG_DIR=/home/hero/hero/cfg/hero_proc
# Sockets, hero_proc's state and the services' data; deploys (mirrors, releases, shared data).
VOLUME ["/home/hero/hero/var", "/home/hero/hero/deploy"]
EXPOSE 9988
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/opt/hero/node_modules/.bin/node", "/opt/hero/docker/healthcheck.mjs"]
ENTRYPOINT ["/opt/hero/node_modules/.bin/node", "/opt/hero/proc/bin/hero_proc.mjs"]
CMD ["serve"]
