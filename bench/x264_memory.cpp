/// bench_x264_memory: what libx264 really holds, per frame of rc-lookahead
/// and per encoder thread, at several sizes and presets. The constants of
/// media/memory_estimate.cpp come from this table.
///
/// Each configuration runs in a fresh child process (fork before any thread
/// exists): it allocates one input frame, notes VmRSS, opens the encoder
/// through media::video_encoder, encodes lookahead + 60 frames of moving
/// content, flushes, and reports VmHWM − the noted VmRSS. Prints a markdown
/// table plus, per preset, the per-pixel costs fitted from it.

#include "media/video_encoder.hpp"
#include "tests/support/process_memory.hpp"

#include <CLI/CLI.hpp>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/log.h>
}

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct config {
  int width = 0;
  int height = 0;
  std::string preset;
  int lookahead = 0;
  int threads = 1;
};

/// A moving gradient with a little noise: the encoder does real motion
/// search and rate control, as on Ken Burns frames.
void paint(vs::media::video_frame& frame, int64_t index, uint32_t& noise) {
  AVFrame* f = frame.get();
  for (int p = 0; p < 3; ++p) {
    int w = p == 0 ? f->width : f->width / 2;
    int h = p == 0 ? f->height : f->height / 2;
    for (int y = 0; y < h; ++y) {
      uint8_t* row = f->data[p] + static_cast<ptrdiff_t>(y) * f->linesize[p];
      for (int x = 0; x < w; ++x) {
        noise = noise * 1664525u + 1013904223u;
        row[x] = static_cast<uint8_t>((x + y + 3 * index + p * 40) / 4 + ((noise >> 28) & 3));
      }
    }
  }
}

/// Runs in the child: bytes the encoder added to the peak RSS, or -1.
int64_t measure(const config& c) {
  auto frame = vs::media::video_frame::allocate(c.width, c.height);
  if (!frame)
    return -1;
  uint32_t noise = 1;
  paint(*frame, 0, noise);
  int64_t before_kb = vs::test::proc_status_kb("VmRSS");
  vs::test::reset_peak_rss();
  auto encoder = vs::media::video_encoder::open({c.width, c.height, 24, c.preset, 20, c.threads, c.lookahead});
  if (!encoder) {
    std::cerr << encoder.error().message << "\n";
    return -1;
  }
  int64_t bytes = 0;
  vs::media::packet_sink sink = [&](AVPacket&) -> vs::status { return {}; };
  const int64_t frames = c.lookahead + 60;
  for (int64_t i = 0; i < frames; ++i) {
    if (!frame->make_writable())
      return -1;
    paint(*frame, i, noise);
    if (!(*encoder)->encode(*frame, i, sink))
      return -1;
  }
  if (!(*encoder)->flush(sink))
    return -1;
  bytes = (vs::test::proc_status_kb("VmHWM") - before_kb) * 1024;
  return bytes;
}

int64_t run_child(const config& c) {
  return vs::test::in_child_process([&] { return measure(c); });
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ','))
    if (!part.empty())
      parts.push_back(part);
  return parts;
}

} // namespace

int main(int argc, char** argv) {
  std::string sizes = "640x360,1280x720,1920x1080";
  std::string presets = "ultrafast,veryfast,medium,slow,veryslow";
  std::string lookaheads = "0,20,60";
  std::string threads = "1,4";
  CLI::App app{"bench_x264_memory: libx264's resident memory per lookahead frame and per thread"};
  app.add_option("--sizes", sizes, "WIDTHxHEIGHT list (default 640x360,1280x720,1920x1080)");
  app.add_option("--presets", presets, "x264 presets (default ultrafast,veryfast,medium,slow,veryslow)");
  app.add_option("--lookaheads", lookaheads, "rc-lookahead values (default 0,20,60)");
  app.add_option("--threads", threads, "encoder thread counts (default 1,4)");
  CLI11_PARSE(app, argc, argv);
  av_log_set_level(AV_LOG_ERROR);

  std::printf("| size | preset | lookahead | threads | x264 MB | bytes per pixel |\n|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  for (const auto& size : split(sizes)) {
    auto x = size.find('x');
    config c;
    c.width = std::stoi(size.substr(0, x));
    c.height = std::stoi(size.substr(x + 1));
    const double pixels = static_cast<double>(c.width) * c.height;
    for (const auto& preset : split(presets))
      for (const auto& lookahead : split(lookaheads))
        for (const auto& thread_count : split(threads)) {
          c.preset = preset;
          c.lookahead = std::stoi(lookahead);
          c.threads = std::stoi(thread_count);
          int64_t bytes = run_child(c);
          std::printf("| %s | %s | %d | %d | %.1f | %.2f |\n", size.c_str(), preset.c_str(), c.lookahead, c.threads,
                      static_cast<double>(bytes) / (1 << 20), static_cast<double>(bytes) / pixels);
          std::fflush(stdout);
        }
  }
  return 0;
}
