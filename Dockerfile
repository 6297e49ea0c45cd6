# The stackpilot server with its Pulumi engine.
#
#   docker build -t stackpilot-server .
#   docker run --network host -v stackpilot-state:/var/lib/stackpilot stackpilot-server
#
# See the README ("Running the server from the Dockerfile") for the volumes, the environment
# and the port. Stages: `go` provides the Go toolchain, `engine` builds the Pulumi CLI and the
# provider plugins with the project's own scripts/setup-engine.sh (once: it depends only on that
# script, so source changes do not rebuild it), `build` packs the CLI exactly as a CI runner
# installs it, and `runtime` is a slim Node.js 20 image running as a non-root user.
# Base images are pinned by tag; pin them by digest too where your registry policy asks for it.

FROM golang:1.26.8-bookworm AS go

# The engine: setup-engine.sh needs Go (builds from Go modules) and Node.js (it reads JSON with
# node -e). STACKPILOT_ENGINE_DIR is the same path here and in the runtime stage, because the
# manifest.json it writes records absolute paths.
FROM node:20.20.2-bookworm AS engine
COPY --from=go /usr/local/go /usr/local/go
ENV PATH=/usr/local/go/bin:$PATH \
    GOTOOLCHAIN=local \
    STACKPILOT_ENGINE_DIR=/opt/stackpilot/engine
ARG ENGINE_JOBS=2
COPY scripts/setup-engine.sh /build/scripts/setup-engine.sh
COPY scripts/engine /build/scripts/engine
RUN STACKPILOT_ENGINE_JOBS="$ENGINE_JOBS" bash /build/scripts/setup-engine.sh

# The CLI: `npm pack` (its prepack compiles the TypeScript) gives the tarball a runner installs;
# it is unpacked here beside the production dependencies of the lock file. better-sqlite3
# compiles here, where the compilers are, for the same Debian and Node.js as the runtime.
FROM node:20.20.2-bookworm AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json README.md ./
COPY src ./src
COPY scripts/setup-engine.sh ./scripts/setup-engine.sh
COPY scripts/engine ./scripts/engine
RUN npm pack --pack-destination /tmp \
    && mkdir -p /opt/stackpilot \
    && tar -xzf /tmp/stackpilot-*.tgz -C /opt/stackpilot \
    && mv /opt/stackpilot/package /opt/stackpilot/app \
    && npm prune --omit=dev --no-audit --no-fund \
    && mv node_modules /opt/stackpilot/app/node_modules \
    && chmod 0755 /opt/stackpilot/app/dist/src/cli/main.js

FROM node:20.20.2-bookworm-slim AS runtime
# tini reaps the pulumi processes the server starts and forwards SIGTERM, which the server
# answers by cancelling its operations cleanly; ca-certificates for the engine's TLS.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends ca-certificates tini \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 stackpilot \
    && useradd --system --uid 10001 --gid stackpilot --create-home --home-dir /home/stackpilot \
        --shell /usr/sbin/nologin stackpilot \
    && mkdir -p /var/lib/stackpilot /srv/repos \
    && chown stackpilot:stackpilot /var/lib/stackpilot
COPY --from=build /opt/stackpilot/app /opt/stackpilot/app
RUN ln -s /opt/stackpilot/app/dist/src/cli/main.js /usr/local/bin/stackpilot
# The engine cache: the binaries stay root's; PULUMI_HOME (home/) is the server user's, since
# the pulumi CLI writes its workspace files there.
ENV STACKPILOT_ENGINE_DIR=/opt/stackpilot/engine
COPY --from=engine /opt/stackpilot/engine/bin /opt/stackpilot/engine/bin
COPY --from=engine /opt/stackpilot/engine/manifest.json /opt/stackpilot/engine/manifest.json
COPY --from=engine --chown=stackpilot:stackpilot /opt/stackpilot/engine/home /opt/stackpilot/engine/home
# Default environments (dev, staging, prod); mount your own stack files over this directory.
COPY stacks /etc/stackpilot/stacks
ENV NODE_ENV=production
USER stackpilot
WORKDIR /var/lib/stackpilot
# Pulumi file backend, passphrase, plan archive, rendered YAML and the SQLite database.
VOLUME ["/var/lib/stackpilot"]
EXPOSE 7070
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:7070/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["stackpilot", "--state-dir", "/var/lib/stackpilot", "--stacks", "/etc/stackpilot/stacks", "serve", "--port", "7070", "--allow-root", "/srv/repos"]
