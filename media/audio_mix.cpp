#include "media/audio_mix.hpp"

#include "media/audio_pcm.hpp"
#include "media/av_util.hpp"

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
}

#include <cmath>
#include <cstdio>
#include <cstring>

namespace vs::media {

namespace {

/// The ducker. With the key clipped to full scale whenever the voice
/// speaks, a ratio of 20 makes the reduction (key - threshold) x 19/20 the
/// same for soft and loud speech: the threshold sits ducking x 20/19 dB
/// below the key. Attack 20 (FFmpeg's time constant is a quarter of it,
/// 5 ms): the bed is down within ~10 ms of a word. Release 1500 (375 ms
/// time constant): a 200 ms gap between words lifts the bed by ~2 dB,
/// which nobody hears as pumping, while a pause of a second or more brings
/// it back fully (~1.3 s).
constexpr double duck_ratio = 20;
constexpr double duck_attack_ms = 20;
constexpr double duck_release_ms = 1500;

/// The limiter: lookahead 5 ms, release 50 ms (FFmpeg's defaults, fine for
/// speech), its delay compensated (latency=1) so samples keep their time,
/// and no auto-levelling (level=0), which would lift everything to the limit.
constexpr double limiter_attack_ms = 5;
constexpr double limiter_release_ms = 50;

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.6f", value);
  return text;
}

std::string gain(double db) { return "volume=" + number(db) + "dB:precision=float"; }

double linear(double db) { return std::pow(10.0, db / 20.0); }

struct filter_graph_deleter {
  void operator()(AVFilterGraph* graph) const { avfilter_graph_free(&graph); }
};
struct inout_deleter {
  void operator()(AVFilterInOut* list) const { avfilter_inout_free(&list); }
};

} // namespace

std::string mix_graph_description(const mix_settings& settings) {
  std::string graph;
  std::string voice = "[voice]";
  if (settings.with_music) {
    std::string bed = "[music]" + gain(settings.music_gain_db);
    if (settings.fade_samples > 0) {
      std::string length = std::to_string(settings.fade_samples);
      bed += ",afade=t=in:ss=0:ns=" + length + ",afade=t=out:ss=" +
             std::to_string(settings.total_samples - settings.fade_samples) + ":ns=" + length;
    }
    if (settings.ducking_db > 0) {
      graph += "[voice]asplit=2[speech][voicekey];";
      graph += "[voicekey]" + gain(settings.key_gain_db) + ",asoftclip=type=hard[key];";
      double threshold_db = -settings.ducking_db * duck_ratio / (duck_ratio - 1);
      bed += "[bed];[bed][key]sidechaincompress=threshold=" + number(linear(threshold_db)) +
             ":ratio=" + number(duck_ratio) + ":attack=" + number(duck_attack_ms) +
             ":release=" + number(duck_release_ms) + ":detection=rms:link=maximum";
      voice = "[speech]";
    }
    graph += bed + "[ducked];";
    // normalize=0: the bed's level is the one set above, not halved by amix.
    graph += voice + "[ducked]amix=inputs=2:duration=first:normalize=0";
  } else {
    graph += "[voice]anull";
  }
  if (settings.output_gain_db)
    graph += "," + gain(*settings.output_gain_db);
  if (settings.peak_limit_db)
    graph += ",alimiter=limit=" + number(linear(*settings.peak_limit_db)) + ":attack=" +
             number(limiter_attack_ms) + ":release=" + number(limiter_release_ms) + ":level=0:latency=1";
  graph += ",aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo[out]";
  return graph;
}

struct audio_mix::state {
  std::unique_ptr<AVFilterGraph, filter_graph_deleter> graph;
  AVFilterContext* voice = nullptr;
  AVFilterContext* music = nullptr;
  AVFilterContext* sink = nullptr;
  av::frame_ptr frame;
  int64_t voice_pts = 0;
  int64_t music_pts = 0;
};

audio_mix::~audio_mix() = default;

expected<std::unique_ptr<audio_mix>> audio_mix::open(const mix_settings& settings) {
  std::unique_ptr<audio_mix> mix(new audio_mix);
  mix->state_ = std::make_unique<state>();
  state& st = *mix->state_;
  auto failed = [](const std::string& what, int rc) {
    return make_error(errc::internal, "cannot build the audio mix (" + what + "): " + av::error_string(rc));
  };
  st.graph.reset(avfilter_graph_alloc());
  st.frame.reset(av_frame_alloc());
  if (!st.graph || !st.frame)
    return make_error(errc::internal, "out of memory building the audio mix");
  // One thread: the graph is tiny next to the video, which has the cores.
  st.graph->nb_threads = 1;
  const std::string source_args = "time_base=1/" + std::to_string(pcm_rate) + ":sample_rate=" +
                                  std::to_string(pcm_rate) + ":sample_fmt=fltp:channel_layout=stereo";
  const AVFilter* abuffer = avfilter_get_by_name("abuffer");
  const AVFilter* abuffersink = avfilter_get_by_name("abuffersink");
  if (int rc = avfilter_graph_create_filter(&st.voice, abuffer, "voice", source_args.c_str(), nullptr, st.graph.get());
      rc < 0)
    return failed("voice input", rc);
  if (settings.with_music)
    if (int rc = avfilter_graph_create_filter(&st.music, abuffer, "music", source_args.c_str(), nullptr,
                                              st.graph.get());
        rc < 0)
      return failed("music input", rc);
  if (int rc = avfilter_graph_create_filter(&st.sink, abuffersink, "out", nullptr, nullptr, st.graph.get()); rc < 0)
    return failed("output", rc);

  // The open ends of the description, bound to the sources and the sink.
  auto open_end = [](const char* name, AVFilterContext* filter, AVFilterInOut* next) {
    AVFilterInOut* end = avfilter_inout_alloc();
    if (end != nullptr) {
      end->name = av_strdup(name);
      end->filter_ctx = filter;
      end->pad_idx = 0;
      end->next = next;
    }
    return end;
  };
  std::unique_ptr<AVFilterInOut, inout_deleter> outputs(open_end("voice", st.voice, nullptr));
  if (outputs && settings.with_music)
    outputs.reset(open_end("music", st.music, outputs.release()));
  std::unique_ptr<AVFilterInOut, inout_deleter> inputs(open_end("out", st.sink, nullptr));
  if (!outputs || !inputs)
    return make_error(errc::internal, "out of memory building the audio mix");
  AVFilterInOut* raw_inputs = inputs.release();
  AVFilterInOut* raw_outputs = outputs.release();
  const std::string description = mix_graph_description(settings);
  int rc = avfilter_graph_parse_ptr(st.graph.get(), description.c_str(), &raw_inputs, &raw_outputs, nullptr);
  avfilter_inout_free(&raw_inputs);
  avfilter_inout_free(&raw_outputs);
  if (rc < 0)
    return failed(description, rc);
  if (rc = avfilter_graph_config(st.graph.get(), nullptr); rc < 0)
    return failed(description, rc);
  return mix;
}

namespace {

status push(AVFilterContext* source, AVFrame* frame, int64_t& pts, const float* const* planes, int samples) {
  if (samples <= 0)
    return {};
  frame->nb_samples = samples;
  frame->format = AV_SAMPLE_FMT_FLTP;
  frame->sample_rate = pcm_rate;
  av_channel_layout_default(&frame->ch_layout, pcm_channels);
  if (av_frame_get_buffer(frame, 0) < 0)
    return make_error(errc::internal, "out of memory for an audio frame");
  for (int channel = 0; channel < pcm_channels; ++channel)
    std::memcpy(frame->data[channel], planes[channel], sizeof(float) * static_cast<size_t>(samples));
  frame->pts = pts;
  pts += samples;
  // Takes the frame's buffers and leaves it blank for the next one.
  int rc = av_buffersrc_add_frame(source, frame);
  av_frame_unref(frame);
  if (rc < 0)
    return make_error(errc::internal, "the audio mix refused a frame: " + av::error_string(rc));
  return {};
}

} // namespace

status audio_mix::push_voice(const float* const* planes, int samples) {
  return push(state_->voice, state_->frame.get(), state_->voice_pts, planes, samples);
}

status audio_mix::push_music(const float* const* planes, int samples) {
  return push(state_->music, state_->frame.get(), state_->music_pts, planes, samples);
}

status audio_mix::close_inputs() {
  for (AVFilterContext* source : {state_->voice, state_->music})
    if (source != nullptr)
      if (int rc = av_buffersrc_add_frame(source, nullptr); rc < 0)
        return make_error(errc::internal, "cannot end the audio mix: " + av::error_string(rc));
  return {};
}

status audio_mix::pull(const pcm_sink& sink) {
  AVFrame* frame = state_->frame.get();
  for (;;) {
    int rc = av_buffersink_get_frame(state_->sink, frame);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
      return {};
    if (rc < 0)
      return make_error(errc::internal, "the audio mix failed: " + av::error_string(rc));
    const float* planes[pcm_channels] = {reinterpret_cast<const float*>(frame->extended_data[0]),
                                         reinterpret_cast<const float*>(frame->extended_data[1])};
    status handed = sink(planes, frame->nb_samples);
    av_frame_unref(frame);
    if (!handed)
      return handed;
  }
}

} // namespace vs::media
