#!/usr/bin/env bash
# Installs what is missing, builds, and starts the service (standalone unless
# REDIS_URL or REDIS_HOST is set). Outputs go to $OUTPUT_DIR (default ./out).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
# Only the binary it runs: the tests and benchmarks take minutes more.
./scripts/build.sh video-service
# Absolute, since the service refuses relative input paths.
export OUTPUT_DIR=$(realpath -m "${OUTPUT_DIR:-$PWD/out}")
export VIDEO_SERVICE_PORT=${VIDEO_SERVICE_PORT:-8004}
mkdir -p "$OUTPUT_DIR"
sample=$(./scripts/make-sample.sh "$OUTPUT_DIR/sample")
cat <<EOT
video-service on http://localhost:$VIDEO_SERVICE_PORT  (OUTPUT_DIR=$OUTPUT_DIR)
Try, from another terminal:
  curl -s localhost:$VIDEO_SERVICE_PORT/health
  curl -s -X POST localhost:$VIDEO_SERVICE_PORT/jobs -H 'Content-Type: application/json' \\
    -d '{"audio_path":"$sample/narration.mp3","image_paths":["$sample/slide1.png","$sample/slide2.png","$sample/slide3.png"]}'
  curl -s localhost:$VIDEO_SERVICE_PORT/jobs/JOB_ID
Or render one file directly:
  build/video-service render --audio $sample/narration.mp3 -o out.mp4 $sample/slide*.png
EOT
exec ./build/video-service serve
