# Multi-stage build: compile in the Rust image, run in a slim Debian as a non-root user.
# Not built on the development machine (no container registry is reachable there); see README
# "Deploying".
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
COPY data ./data
RUN cargo build --release --locked && strip target/release/roost

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata curl postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/roost --uid 10001 roost
COPY --from=build /src/target/release/roost /usr/local/bin/roost
USER roost
WORKDIR /var/lib/roost
ENV ROOST_ENV=production \
    ROOST_BIND=0.0.0.0:8080 \
    ROOST_DATA_DIR=/var/lib/roost/data
EXPOSE 8080
# `roost backup` and `restore` run pg_dump and pg_restore (postgresql-client above).
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s \
  CMD curl -fsS http://127.0.0.1:8080/readyz >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/roost"]
CMD ["serve"]
