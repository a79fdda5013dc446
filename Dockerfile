# Multi-stage build on Debian 12: the build stage uses the repository's own
# installer and build script, the runtime stage carries only shared libraries
# (and the fonts captions are drawn in: Noto for Latin, Cyrillic, Arabic, Hebrew, CJK).
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN ./scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && cmake --build build --target video-service -j "$(nproc)"

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libcaf-core0.17 libavformat59 libavcodec59 libavutil57 libswscale6 libswresample4 libavfilter8 libebur128-1 \
      libhiredis0.14 libcpp-httplib0.11 libspdlog1.10 libfmt9 libstb0 ca-certificates curl \
      libass9 fontconfig fonts-noto-core fonts-noto-cjk libsqlite3-0 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app video \
 && mkdir -p /app/output && chown -R video /app
COPY --from=build /src/build/video-service /usr/local/bin/video-service
USER video
WORKDIR /app
ENV OUTPUT_DIR=/app/output VIDEO_SERVICE_PORT=8004
EXPOSE 8004
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s CMD curl -fsS http://localhost:8004/health || exit 1
# SIGTERM: running jobs get SHUTDOWN_GRACE_SECONDS, unfinished Redis tasks go back on the queue.
STOPSIGNAL SIGTERM
CMD ["video-service", "serve"]
