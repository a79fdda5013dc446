#include "media/segment_stitcher.hpp"

#include "media/av_util.hpp"
#include "media/mp4_writer.hpp"
#include "media/output_file.hpp"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>

namespace vs::media {

namespace {

struct open_segment {
  av::format_input_ptr input;
  AVStream* video = nullptr;
};

expected<open_segment> open_segment_file(const stitch_segment& segment) {
  AVFormatContext* raw = nullptr;
  if (int rc = avformat_open_input(&raw, segment.path.c_str(), nullptr, nullptr); rc < 0)
    return make_error(rc == AVERROR(ENOENT) ? errc::input_missing : errc::input_invalid,
                      "cannot open the segment " + segment.path + ": " + av::error_string(rc));
  open_segment result;
  result.input.reset(raw);
  for (unsigned i = 0; i < raw->nb_streams; ++i)
    if (raw->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
      result.video = raw->streams[i];
      break;
    }
  if (result.video == nullptr || result.video->codecpar->codec_id != AV_CODEC_ID_H264)
    return make_error(errc::input_invalid, "the segment " + segment.path + " has no H.264 video");
  return result;
}

bool same_codec_header(const AVCodecParameters& a, const AVCodecParameters& b) {
  return a.width == b.width && a.height == b.height && a.extradata_size == b.extradata_size &&
         (a.extradata_size == 0 || std::memcmp(a.extradata, b.extradata, static_cast<size_t>(a.extradata_size)) == 0);
}

status check_ranges(const std::vector<stitch_segment>& segments) {
  if (segments.empty())
    return make_error(errc::invalid_argument, "there are no segments to join");
  int64_t next = 0;
  for (const auto& segment : segments) {
    if (segment.range.first != next || segment.range.size() <= 0)
      return make_error(errc::invalid_argument, "the segment " + segment.path + " holds frames [" +
                                                    std::to_string(segment.range.first) + ", " +
                                                    std::to_string(segment.range.end) + "), expected to start at " +
                                                    std::to_string(next));
    next = segment.range.end;
  }
  return {};
}

/// Copies one segment's packets, renumbered from its first frame, into `mp4`.
/// `last_dts` carries the decode order across joins.
status copy_segment(const stitch_segment& segment, open_segment& source, int fps, mp4_writer& mp4,
                    int64_t& last_dts, const std::atomic<bool>* cancel) {
  av::packet_ptr packet(av_packet_alloc());
  if (packet == nullptr)
    return make_error(errc::internal, "out of memory reading a segment");
  const AVRational frame_base{1, fps};
  const AVRational source_base = source.video->time_base;
  int64_t origin = AV_NOPTS_VALUE;
  int64_t count = 0;
  auto refuse = [&](const std::string& why) { return make_error(errc::input_invalid, "the segment " + segment.path + " " + why); };
  for (;;) {
    if (cancel != nullptr && cancel->load())
      return make_error(errc::cancelled, "the job was cancelled");
    int rc = av_read_frame(source.input.get(), packet.get());
    if (rc == AVERROR_EOF)
      break;
    if (rc < 0)
      return refuse("cannot be read: " + av::error_string(rc));
    if (packet->stream_index != source.video->index) {
      av_packet_unref(packet.get());
      continue;
    }
    if (packet->pts == AV_NOPTS_VALUE || packet->dts == AV_NOPTS_VALUE)
      return refuse("has a packet without timestamps");
    if (origin == AV_NOPTS_VALUE) {
      // A closed GOP opens with its IDR frame, which is also shown first.
      if ((packet->flags & AV_PKT_FLAG_KEY) == 0)
        return refuse("does not start with a key frame");
      origin = packet->pts;
    }
    const int64_t pts = segment.range.first + av_rescale_q(packet->pts - origin, source_base, frame_base);
    const int64_t dts = segment.range.first + av_rescale_q(packet->dts - origin, source_base, frame_base);
    if (pts < segment.range.first || pts >= segment.range.end)
      return refuse("shows a frame at " + std::to_string(pts) + ", outside its frames [" +
                    std::to_string(segment.range.first) + ", " + std::to_string(segment.range.end) + ")");
    if (dts <= last_dts)
      return refuse("would decode frame " + std::to_string(pts) + " out of order (dts " + std::to_string(dts) +
                    " after " + std::to_string(last_dts) + ")");
    last_dts = dts;
    packet->pts = pts;
    packet->dts = dts;
    packet->duration = 1;
    packet->pos = -1;
    if (auto written = mp4.write_video(*packet); !written)
      return written;
    av_packet_unref(packet.get());
    ++count;
  }
  if (count != segment.range.size())
    return refuse("holds " + std::to_string(count) + " frames, expected " + std::to_string(segment.range.size()));
  return {};
}

} // namespace

expected<stitch_result> stitch_segments(const std::vector<stitch_segment>& segments, int fps,
                                        std::shared_ptr<const encoded_audio> audio, const std::string& output_path,
                                        const std::atomic<bool>* cancel) {
  auto started = std::chrono::steady_clock::now();
  if (auto ranges = check_ranges(segments); !ranges)
    return ranges.error();
  auto first = open_segment_file(segments.front());
  if (!first)
    return first.error();
  auto output = output_file::beside(output_path);
  if (!output)
    return output.error();
  auto writer = mp4_writer::open(output->temporary_path(), *first->video->codecpar, fps, std::move(audio), true);
  if (!writer)
    return writer.error();

  int64_t last_dts = INT64_MIN;
  for (size_t i = 0; i < segments.size(); ++i) {
    // The first stays open: its header is what the others must match.
    open_segment* source = &*first;
    std::optional<open_segment> later;
    if (i > 0) {
      auto opened = open_segment_file(segments[i]);
      if (!opened)
        return opened.error();
      later = std::move(*opened);
      source = &*later;
    }
    if (i > 0 && !same_codec_header(*source->video->codecpar, *first->video->codecpar))
      return make_error(errc::input_invalid, "the segment " + segments[i].path +
                                                 " was encoded with other settings than " + segments[0].path);
    if (auto copied = copy_segment(segments[i], *source, fps, **writer, last_dts, cancel); !copied)
      return copied.error();
  }
  if (auto finished = (*writer)->finish(); !finished)
    return finished.error();
  if (auto committed = output->commit(); !committed)
    return committed.error();

  stitch_result result;
  result.frames = segments.back().range.end;
  std::error_code ec;
  result.file_size = static_cast<int64_t>(std::filesystem::file_size(output_path, ec));
  result.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

} // namespace vs::media
