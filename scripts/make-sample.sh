#!/usr/bin/env bash
# Writes a small sample job into DIR (default ./out/sample): five 1024x1024
# slides and 12 s of narration-like audio, all synthesised with ffmpeg.
set -euo pipefail
dir=${1:-out/sample}
mkdir -p "$dir"
sources=("testsrc2=s=1024x1024" "mandelbrot=s=1024x1024" "smptehdbars=s=1024x1024"
         "life=s=1024x1024:mold=10:r=1:ratio=0.5" "cellauto=s=1024x1024:rule=110")
for i in "${!sources[@]}"; do
  ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "${sources[$i]}" -frames:v 1 "$dir/slide$((i + 1)).png"
done
ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "sine=frequency=220:duration=12" \
  -af "tremolo=f=3:d=0.6" -ac 1 -ar 24000 -c:a libmp3lame -b:a 64k "$dir/narration.mp3"
echo "$dir"
