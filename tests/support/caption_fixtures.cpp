#include "tests/support/caption_fixtures.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace vs::test {

namespace {

void put_le(std::ofstream& out, uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out.put(static_cast<char>((value >> (8 * i)) & 0xFF));
}

double srt_time(const std::string& text) {
  int h = 0, m = 0, s = 0, ms = 0;
  if (std::sscanf(text.c_str(), "%d:%d:%d,%d", &h, &m, &s, &ms) != 4)
    throw std::runtime_error("not an SRT time: " + text);
  return h * 3600.0 + m * 60.0 + s + ms / 1000.0;
}

} // namespace

void write_burst_narration(const std::string& path, double seconds, const std::vector<tone_burst>& bursts) {
  const int rate = 24000;
  const size_t count = static_cast<size_t>(seconds * rate);
  std::vector<int16_t> samples(count, 0);
  for (const auto& burst : bursts) {
    size_t from = static_cast<size_t>(burst.start * rate);
    size_t to = std::min(count, static_cast<size_t>((burst.start + burst.duration) * rate));
    for (size_t i = from; i < to; ++i) {
      double t = static_cast<double>(i) / rate;
      double envelope = 0.7 + 0.3 * std::sin(2 * M_PI * 4.0 * t);  // syllables: never quiet inside a phrase
      samples[i] = static_cast<int16_t>(12000 * envelope * std::sin(2 * M_PI * 220.0 * t));
    }
  }
  std::ofstream out(path, std::ios::binary);
  const uint32_t data_bytes = static_cast<uint32_t>(count * 2);
  out.write("RIFF", 4);
  put_le(out, 36 + data_bytes, 4);
  out.write("WAVEfmt ", 8);
  put_le(out, 16, 4);
  put_le(out, 1, 2);         // PCM
  put_le(out, 1, 2);         // mono
  put_le(out, rate, 4);
  put_le(out, rate * 2, 4);  // bytes per second
  put_le(out, 2, 2);         // block align
  put_le(out, 16, 2);        // bits
  out.write("data", 4);
  put_le(out, data_bytes, 4);
  out.write(reinterpret_cast<const char*>(samples.data()), static_cast<std::streamsize>(data_bytes));
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

std::vector<srt_cue> read_srt(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::vector<srt_cue> cues;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty())
      continue;
    std::string times;
    if (!std::getline(in, times))
      throw std::runtime_error(path + ": cue " + line + " has no times");
    auto arrow = times.find(" --> ");
    if (arrow == std::string::npos)
      throw std::runtime_error(path + ": bad time line " + times);
    srt_cue cue{srt_time(times.substr(0, arrow)), srt_time(times.substr(arrow + 5)), {}};
    while (std::getline(in, line) && !line.empty())
      cue.text += (cue.text.empty() ? "" : "\n") + line;
    cues.push_back(cue);
  }
  return cues;
}

colour_hits find_colour(const decoded_frame& frame, double u, double v, double tolerance) {
  colour_hits hits;
  hits.x0 = frame.width;
  hits.y0 = frame.height;
  const int cw = frame.width / 2, ch = frame.height / 2;
  for (int y = 0; y < ch; ++y)
    for (int x = 0; x < cw; ++x) {
      size_t at = static_cast<size_t>(y) * static_cast<size_t>(cw) + static_cast<size_t>(x);
      if (std::abs(frame.u[at] - u) > tolerance || std::abs(frame.v[at] - v) > tolerance)
        continue;
      ++hits.count;
      hits.x0 = std::min(hits.x0, 2 * x);
      hits.y0 = std::min(hits.y0, 2 * y);
      hits.x1 = std::max(hits.x1, 2 * x + 1);
      hits.y1 = std::max(hits.y1, 2 * y + 1);
    }
  return hits;
}

std::vector<bool> colour_mask(const decoded_frame& frame, double u, double v, double tolerance, int x0, int y0,
                              int width, int height) {
  std::vector<bool> mask(static_cast<size_t>(width) * static_cast<size_t>(height), false);
  const int cw = frame.width / 2;
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      int fx = x0 + x, fy = y0 + y;
      if (fx < 0 || fy < 0 || fx >= frame.width || fy >= frame.height)
        continue;
      size_t at = static_cast<size_t>(fy / 2) * static_cast<size_t>(cw) + static_cast<size_t>(fx / 2);
      mask[static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)] =
          std::abs(frame.u[at] - u) <= tolerance && std::abs(frame.v[at] - v) <= tolerance;
    }
  return mask;
}

void bt709_chroma(int r, int g, int b, double& u, double& v) {
  double rf = r / 255.0, gf = g / 255.0, bf = b / 255.0;
  double luma = 0.2126 * rf + 0.7152 * gf + 0.0722 * bf;
  u = 128 + 224 * (bf - luma) / 1.8556;
  v = 128 + 224 * (rf - luma) / 1.5748;
}

} // namespace vs::test
