# Multi-stage build: compile with the Rust toolchain, run as a non-root user on a slim image.
# libpq, OpenSSL and SQLite are compiled in (vendored), so the runtime needs no extra libraries;
# the image enables `postgres-tls` (PostgreSQL over TLS), which a local build leaves out.
#
# Dependency cache: cargo-chef. The planner reduces the workspace to a recipe (the manifests
# and Cargo.lock, no code); the build stage compiles only the dependencies from it (`cook`) in
# a layer of its own, which Docker reuses for as long as the recipe is unchanged. A change to
# Muhan's code then recompiles Muhan's crates only, not the ~300 dependencies. Chosen over
# BuildKit cache mounts (RUN --mount=type=cache) because a layer works with any builder, is
# shared through --cache-from/--cache-to like any other layer, and leaves the final build
# step a plain `cargo build`; cache mounts stay in one builder's local store.
#
# The toolchain tag: Cargo.lock needs Rust >= 1.95 (parking_lot 0.13 via r2d2); the
# workspace's rust-version is lower. Keep it at the version CI builds with.
# scripts/container_check.py checks this file statically in CI (and runs hadolint).

FROM rust:1.95-trixie AS chef
# cargo-chef is built from crates.io at a pinned version with its own Cargo.lock.
RUN cargo install cargo-chef --locked --version 0.1.78
WORKDIR /src

# Only what cargo reads: the workspace manifest and lock file, the members (crates/*, tests),
# vendor/ (crates patched in through [patch.crates-io]) and the migrations embedded at compile
# time (embed_migrations! in crates/db); crates/web embeds its assets/ from inside its crate.
# .dockerignore keeps everything else out.
FROM chef AS planner
COPY Cargo.toml Cargo.lock ./
COPY vendor vendor
COPY crates crates
COPY tests tests
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS build
COPY --from=planner /src/recipe.json recipe.json
# The patched crates are dependencies: they are compiled, and cached, with the others.
COPY vendor vendor
# The same profile, package and flags as the build below, or the cache would not be reused.
RUN cargo chef cook --release --locked -p muhan-server --features postgres-tls --recipe-path recipe.json
COPY Cargo.toml Cargo.lock ./
COPY crates crates
COPY tests tests
COPY migrations migrations
RUN cargo build --release --locked -p muhan-server --features postgres-tls --bin muhan \
 && install -m 0755 target/release/muhan /usr/local/bin/muhan

FROM debian:trixie-slim AS runtime
# curl is for the health check. Versions are not pinned: a Debian stable release only takes
# security and bug fixes, and pinned versions vanish from its archive when it does.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 muhan \
 && useradd --system --uid 10001 --gid muhan --home-dir /var/lib/muhan --create-home \
      --shell /usr/sbin/nologin muhan \
 && install -d -o muhan -g muhan -m 0700 /var/lib/muhan/data
COPY --from=build /usr/local/bin/muhan /usr/local/bin/muhan
# The data directory holds the embedded SQLite database (when DATABASE_URL is unset) and the
# generated JWT secret (when MUHAN_JWT_SECRET is unset). It exists in the image, owned by
# muhan, so that a volume mounted there starts out writable for that user.
ENV MUHAN_BIND=0.0.0.0:8080 \
    MUHAN_DATA_DIR=/var/lib/muhan/data \
    MUHAN_LOG_FORMAT=json
USER 10001:10001
WORKDIR /var/lib/muhan
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/ready"]
ENTRYPOINT ["/usr/local/bin/muhan"]
CMD ["serve"]
