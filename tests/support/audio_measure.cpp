#include "tests/support/audio_measure.hpp"

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <regex>
#include <stdexcept>

namespace vs::test {

namespace {

std::string ffmpeg() { return "ffmpeg -nostdin -hide_banner -nostats "; }

double number_after(const std::string& text, const std::regex& pattern, const std::string& what) {
  std::smatch match;
  if (!std::regex_search(text, match, pattern))
    throw std::runtime_error("no " + what + " in ffmpeg's output: " + text.substr(text.size() > 2000 ? text.size() - 2000 : 0));
  return std::stod(match[1].str());
}

} // namespace

ebur128_summary measure_ebur128(const std::string& path) {
  auto run = capture_command(ffmpeg() + "-i " + shell_quote(path) + " -map 0:a:0 -af ebur128=peak=true -f null -");
  if (run.exit_code != 0)
    throw std::runtime_error("ffmpeg ebur128 failed on " + path + ": " + run.err);
  auto summary = run.err.rfind("Summary:");
  if (summary == std::string::npos)
    throw std::runtime_error("no ebur128 summary for " + path);
  std::string text = run.err.substr(summary);
  ebur128_summary result;
  result.integrated = number_after(text, std::regex(R"(I:\s+(-?[0-9.]+|-inf) LUFS)"), "integrated loudness");
  result.true_peak = number_after(text, std::regex(R"(True peak:\s+Peak:\s+(-?[0-9.]+|-inf) dBFS)"), "true peak");
  return result;
}

void check_loudness(const std::string& path, double target) {
  auto measured = measure_ebur128(path);
  INFO(path << ": " << measured.integrated << " LUFS (target " << target << "), true peak " << measured.true_peak
            << " dBTP");
  CHECK(std::abs(measured.integrated - target) <= 0.5);
  CHECK(measured.true_peak <= -1.0);
}

const std::string above_2khz = "highpass=f=2000,highpass=f=2000,highpass=f=2000,highpass=f=2000";

std::vector<double> window_levels(const std::string& path, const std::string& filters, double window_seconds) {
  int samples = static_cast<int>(std::lround(window_seconds * 48000));
  std::string chain = "aresample=48000," + filters + ",asetnsamples=n=" + std::to_string(samples) +
                      ":p=0,astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.RMS_level";
  auto run = capture_command(ffmpeg() + "-i " + shell_quote(path) + " -map 0:a:0 -af " + shell_quote(chain) +
                             " -f null -");
  if (run.exit_code != 0)
    throw std::runtime_error("ffmpeg astats failed on " + path + ": " + run.err);
  std::vector<double> levels;
  std::regex level(R"(lavfi\.astats\.Overall\.RMS_level=(-?[0-9.]+|-inf))");
  for (auto it = std::sregex_iterator(run.err.begin(), run.err.end(), level); it != std::sregex_iterator(); ++it) {
    std::string value = (*it)[1].str();
    levels.push_back(value == "-inf" ? -200.0 : std::stod(value));
  }
  return levels;
}

double mean_level(const std::vector<double>& levels, size_t first, size_t last) {
  if (first >= last || last > levels.size())
    throw std::runtime_error("mean_level: window " + std::to_string(first) + ".." + std::to_string(last) +
                             " outside " + std::to_string(levels.size()) + " levels");
  // Averaged as power, so one quiet window does not dominate.
  double power = 0;
  for (size_t i = first; i < last; ++i)
    power += std::pow(10.0, levels[i] / 10.0);
  return 10.0 * std::log10(power / static_cast<double>(last - first));
}

std::vector<float> decode_mono_48k(const std::string& path) {
  temp_dir dir;
  std::string raw = dir.file("decoded.f32");
  auto run = capture_command(ffmpeg() + "-loglevel error -y -i " + shell_quote(path) +
                             " -map 0:a:0 -ac 1 -ar 48000 -f f32le -c:a pcm_f32le " + shell_quote(raw));
  if (run.exit_code != 0)
    throw std::runtime_error("ffmpeg could not decode " + path + ": " + run.err);
  std::ifstream in(raw, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<float> samples(bytes.size() / sizeof(float));
  std::copy(bytes.data(), bytes.data() + samples.size() * sizeof(float), reinterpret_cast<char*>(samples.data()));
  return samples;
}

alignment best_alignment(const std::vector<float>& a, const std::vector<float>& b, int max_lag, size_t span) {
  alignment best{0, -2.0};
  for (int lag = -max_lag; lag <= max_lag; ++lag) {
    double dot = 0, energy_a = 0, energy_b = 0;
    for (size_t i = 0; i < span && i < a.size(); ++i) {
      auto j = static_cast<long>(i) + lag;
      if (j < 0 || j >= static_cast<long>(b.size()))
        continue;
      dot += static_cast<double>(a[i]) * b[static_cast<size_t>(j)];
      energy_a += static_cast<double>(a[i]) * a[i];
      energy_b += static_cast<double>(b[static_cast<size_t>(j)]) * b[static_cast<size_t>(j)];
    }
    double correlation = dot / std::sqrt(energy_a * energy_b + 1e-30);
    if (correlation > best.correlation)
      best = {lag, correlation};
  }
  return best;
}

double container_duration(const std::string& path) {
  auto run = capture_command("ffprobe -v error -show_entries format=duration -of csv=p=0 " + shell_quote(path));
  if (run.exit_code != 0)
    throw std::runtime_error("ffprobe failed on " + path + ": " + run.err);
  return std::stod(run.out);
}

} // namespace vs::test
