# Multi-stage build: compile in the Rust image, run in a slim Debian as a non-root user.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
RUN cargo build --release --locked && strip target/release/roost

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/roost --uid 10001 roost
COPY --from=build /src/target/release/roost /usr/local/bin/roost
USER roost
WORKDIR /var/lib/roost
ENV ROOST_ENV=production \
    ROOST_BIND=0.0.0.0:8080 \
    ROOST_DATA_DIR=/var/lib/roost/data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/roost"]
CMD ["serve"]
