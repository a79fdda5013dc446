#include "media/input_identity.hpp"

#include "media/av_file_input.hpp"
#include "media/av_util.hpp"
#include "media/confined_file.hpp"
#include "media/image_bytes.hpp"
#include "media/image_probe.hpp"
#include "media/stb_input_check.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <tuple>
#include <utility>

namespace vs::media {

namespace {

constexpr const char* offered_images = "JPEG, PNG, BMP or GIF";

/// The bytes a file starts with, as many as `count` (fewer if it is shorter).
std::string head_of(const image_bytes& bytes, size_t count) {
  std::string head(count, '\0');
  head.resize(bytes.read_at(0, reinterpret_cast<uint8_t*>(head.data()), count));
  return head;
}

bool starts_with(const std::string& text, const char* prefix, size_t length) {
  return text.size() >= length && std::memcmp(text.data(), prefix, length) == 0;
}

/// The format of an image the renderer reads, by signature; empty if none.
std::string offered_image_format(const std::string& head) {
  if (starts_with(head, "\x89PNG\r\n\x1a\n", 8))
    return "png";
  if (starts_with(head, "\xff\xd8\xff", 3))
    return "jpeg";
  if (starts_with(head, "GIF87a", 6) || starts_with(head, "GIF89a", 6))
    return "gif";
  if (starts_with(head, "BM", 2))
    return "bmp";
  return {};
}

/// Image formats people upload that the renderer (stb_image) does not read.
std::string other_image_format(const std::string& head) {
  if (starts_with(head, "RIFF", 4) && head.size() >= 12 && head.compare(8, 4, "WEBP") == 0)
    return "a WebP image";
  if (starts_with(head, "II*\0", 4) || starts_with(head, "MM\0*", 4))
    return "a TIFF image";
  if (head.size() >= 12 && head.compare(4, 4, "ftyp") == 0) {
    const std::string brand = head.substr(8, 4);
    if (brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1")
      return "a HEIF/HEIC image";
    if (brand == "avif" || brand == "avis")
      return "an AVIF image";
  }
  if (starts_with(head, "<svg", 4) || starts_with(head, "<?xml", 5))
    return "XML or SVG text";
  return {};
}

/// True if `head` reads as text: valid UTF-8 (a sequence cut by the end of
/// the sample is allowed) without control characters but white space.
bool looks_like_text(const std::string& head) {
  if (head.empty())
    return false;
  size_t i = 0;
  while (i < head.size()) {
    auto byte = static_cast<unsigned char>(head[i]);
    // Control characters other than tab, line feed, form feed and carriage return: binary.
    if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\f' && byte != '\r')
      return false;
    int continuation = byte < 0x80 ? 0 : (byte >> 5) == 0x6 ? 1 : (byte >> 4) == 0xe ? 2 : (byte >> 3) == 0x1e ? 3 : -1;
    if (continuation < 0)
      return false;
    for (int k = 1; k <= continuation; ++k)
      if (i + k < head.size() && (static_cast<unsigned char>(head[i + k]) >> 6) != 0x2)
        return false;
    i += 1 + continuation;
  }
  return true;
}

error too_large(const std::string& what, int64_t size, int64_t limit) {
  return make_error(errc::input_too_large, what + " is " + std::to_string(size) + " bytes, over the limit of " +
                                               std::to_string(limit) + " bytes");
}

expected<input_identity> identify_image(const confined_file& file, const std::string& format, const std::string& name,
                                        const render_limits& limits) {
  if (file.size() > limits.max_image_file_bytes)
    return too_large("image " + name, file.size(), limits.max_image_file_bytes);
  const image_bytes bytes = image_bytes::in_file(file.descriptor(), static_cast<uint64_t>(file.size()));
  auto header = probe_image(bytes, name, image_limits_of(limits));
  if (!header)
    return header.error();
  // The header alone passes a file cut short; what a render would trip
  // over in the rest (a chunk past the end, a corrupt JPEG table) is read now.
  if (auto whole = check_stb_input(bytes, name); !whole)
    return whole.error();
  input_identity identity;
  identity.kind = input_kind::image;
  identity.format = format;
  identity.extension = format == "jpeg" ? "jpg" : format;
  identity.width = header->width;
  identity.height = header->height;
  return identity;
}

/// The short name of a demuxer ("mov,mp4,m4a,3gp,3g2,mj2" → "mp4") and the
/// extension an audio file of it gets.
std::pair<std::string, std::string> audio_format_of(const AVFormatContext& format, bool has_video) {
  const std::string name = format.iformat->name;
  if (name.rfind("mov,", 0) == 0)
    return {"mp4", has_video ? "mp4" : "m4a"};
  if (name == "matroska,webm")
    return {"matroska", has_video ? "mkv" : "mka"};
  if (name == "aiff")
    return {"aiff", "aiff"};
  std::string first = name.substr(0, name.find(','));
  std::string extension;
  for (char c : first)
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      extension += c;
  if (extension.empty() || extension.size() > 8)
    extension = "audio";
  return {first, extension};
}

/// "1 video stream and no audio stream" for what a container holds.
std::string streams_text(const AVFormatContext& format) {
  int video = 0, subtitle = 0, other = 0;
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    switch (format.streams[i]->codecpar->codec_type) {
      case AVMEDIA_TYPE_VIDEO: ++video; break;
      case AVMEDIA_TYPE_SUBTITLE: ++subtitle; break;
      default: ++other; break;
    }
  }
  auto count = [](int n, const char* what) {
    return std::to_string(n) + " " + what + " stream" + (n == 1 ? "" : "s") + " and ";
  };
  std::string text;
  if (video > 0)
    text += count(video, "video");
  if (subtitle > 0)
    text += count(subtitle, "subtitle");
  if (other > 0)
    text += count(other, "other");
  return text + "no audio stream";
}

/// Decodes packets of `stream` until one frame comes out: the codec is
/// there and the data is what it claims to be.
status decode_first_frame(AVFormatContext* format, int stream, const AVCodec* codec, const std::string& what) {
  av::codec_context_ptr decoder(avcodec_alloc_context3(codec));
  av::packet_ptr packet(av_packet_alloc());
  av::frame_ptr frame(av_frame_alloc());
  if (!decoder || !packet || !frame)
    return make_error(errc::internal, "out of memory probing " + what);
  int rc = avcodec_parameters_to_context(decoder.get(), format->streams[stream]->codecpar);
  if (rc >= 0)
    rc = avcodec_open2(decoder.get(), codec, nullptr);
  if (rc < 0)
    return make_error(errc::input_invalid, what + " cannot be decoded: " + av::error_string(rc));
  // Enough for any real file's first frame; a stream that yields nothing in
  // this many packets would yield nothing to a render either.
  constexpr int max_packets = 500;
  int last = 0;
  for (int packets = 0; packets < max_packets;) {
    rc = av_read_frame(format, packet.get());
    if (rc < 0)
      break;
    if (packet->stream_index == stream) {
      ++packets;
      last = avcodec_send_packet(decoder.get(), packet.get());
      if (last >= 0 && avcodec_receive_frame(decoder.get(), frame.get()) >= 0 && frame->nb_samples > 0)
        return {};
    }
    av_packet_unref(packet.get());
  }
  // The end of the file: what the decoder still holds.
  avcodec_send_packet(decoder.get(), nullptr);
  if (avcodec_receive_frame(decoder.get(), frame.get()) >= 0 && frame->nb_samples > 0)
    return {};
  return make_error(errc::input_invalid,
                    what + " has no audio that decodes" + (last < 0 ? ": " + av::error_string(last) : std::string()));
}

/// Audio by libavformat; on failure, what the file is instead.
expected<input_identity> identify_audio(const confined_file& file, const std::string& head, const std::string& name,
                                        const render_limits& limits) {
  const std::string what = "file " + name;
  auto refused = [&](const std::string& found) {
    return make_error(errc::input_invalid, what + " is " + found + ", not audio or an image (" + offered_images + ")");
  };
  auto opened = av_file_input::open(file, "upload");
  // Without a name to go by, libavformat takes a guess on the content
  // alone for any score; raw formats such as Nintendo ADP claim
  // arbitrary bytes at AVPROBE_SCORE_RETRY. Real audio scores above it
  // (an MP3 of seven frames or more 51, containers with a signature 100).
  if (!opened || (*opened)->context()->probe_score <= AVPROBE_SCORE_RETRY)
    return refused(looks_like_text(head) ? "text" : "data of no format the service knows");
  AVFormatContext* format = (*opened)->context();
  const int rc = avformat_find_stream_info(format, nullptr);
  const AVCodec* codec = nullptr;
  const int stream = rc < 0 ? rc : av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  bool has_video = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0) >= 0;
  if (stream == AVERROR_DECODER_NOT_FOUND)
    return make_error(errc::input_invalid, what + " is audio in a codec the service cannot decode");
  if (stream < 0) {
    if (looks_like_text(head))
      return refused("text");
    const char* long_name = format->iformat->long_name ? format->iformat->long_name : format->iformat->name;
    return refused(std::string(long_name) + " (" + format->iformat->name + ") with " + streams_text(*format));
  }
  if (file.size() > limits.max_audio_file_bytes)
    return too_large("audio " + what, file.size(), limits.max_audio_file_bytes);
  if (auto decodes = decode_first_frame(format, stream, codec, what); !decodes)
    return decodes.error();
  const AVCodecParameters& parameters = *format->streams[stream]->codecpar;
  input_identity identity;
  identity.kind = input_kind::audio;
  std::tie(identity.format, identity.extension) = audio_format_of(*format, has_video);
  identity.codec = avcodec_get_name(parameters.codec_id);
  identity.sample_rate = parameters.sample_rate;
  identity.channels = parameters.ch_layout.nb_channels;
  if (format->duration != AV_NOPTS_VALUE && format->duration > 0)
    identity.duration_seconds = static_cast<double>(format->duration) / AV_TIME_BASE;
  return identity;
}

} // namespace

const char* to_string(input_kind kind) { return kind == input_kind::image ? "image" : "audio"; }

expected<input_identity> identify_input(const std::string& path, const std::string& name, const root_folders& roots,
                                        const render_limits& limits) {
  // Each kind checks its own size limit below, naming the file as the caller does.
  auto file = confined_file::open(path, roots, "file", std::numeric_limits<int64_t>::max());
  if (!file)
    return file.error();
  const std::string head =
      head_of(image_bytes::in_file(file->descriptor(), static_cast<uint64_t>(file->size())), 4096);
  if (std::string format = offered_image_format(head); !format.empty())
    return identify_image(*file, format, name, limits);
  if (std::string other = other_image_format(head); !other.empty())
    return make_error(errc::input_invalid, "file " + name + " is " + other + ", which the renderer cannot read; images must be " +
                                               offered_images);
  return identify_audio(*file, head, name, limits);
}

} // namespace vs::media
