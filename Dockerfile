# Multi-stage build: compile with the Rust toolchain, run as a non-root user on a slim image.
# libpq, OpenSSL and SQLite are compiled in (vendored), so the runtime needs no extra libraries.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p muhan-server \
 && cp target/release/muhan /usr/local/bin/muhan

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/muhan --create-home muhan
COPY --from=build /usr/local/bin/muhan /usr/local/bin/muhan
USER muhan
WORKDIR /var/lib/muhan
ENV MUHAN_BIND=0.0.0.0:8080 \
    MUHAN_DATA_DIR=/var/lib/muhan/data \
    MUHAN_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/ready || exit 1
ENTRYPOINT ["/usr/local/bin/muhan"]
CMD ["serve"]
