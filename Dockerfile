# frameload container image: `docker build -t frameload .`, then for example
#   docker run --rm frameload --version
#   docker run --rm -v "$PWD/scenarios:/work:ro" frameload run /work/my-test.ts -e HOST=host:8444
#
# Both stages use node:20-slim by tag. To publish, pin the digest in both FROM lines, e.g.
#   FROM node:20-slim@sha256:<digest>
# with the digest from `docker buildx imagetools inspect node:20-slim` on the day of the release.

FROM node:20-slim AS build
WORKDIR /src

# Dependencies first, so this layer is reused until package.json or the lock file changes.
COPY package.json package-lock.json ./
# A build behind a TLS-intercepting proxy passes the proxy's CA bundle as the optional secret
# `npm_ca` (`--secret id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt`). A secret is mounted
# for this step only, so the bundle never ends up in a layer.
RUN --mount=type=secret,id=npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi; \
    npm ci --no-audit --no-fund --loglevel=error

COPY build.mjs tsconfig.json ./
COPY src ./src
# esbuild stays after the prune: it is a production dependency because `frameload run` bundles
# the user's scenario with it.
RUN node build.mjs && npm prune --omit=dev --no-audit --no-fund --loglevel=error

FROM node:20-slim
# The launcher resolves dist/ and node_modules/ next to itself, so it is put on PATH in place.
ENV PATH=/opt/frameload:$PATH
COPY --from=build /src/package.json /src/frameload /opt/frameload/
COPY --from=build /src/dist /opt/frameload/dist
COPY --from=build /src/node_modules /opt/frameload/node_modules
# The bundled scenarios and the typings for writing new ones.
COPY scripts /scripts
COPY types /types

# The official node images provide the unprivileged user `node` (uid 1000).
USER node
WORKDIR /home/node
# 8444 is the agent port of `frameload serve`; it listens on 127.0.0.1 unless given --host 0.0.0.0.
EXPOSE 8444
ENTRYPOINT ["frameload"]
CMD ["--help"]
