#include "media/captions/caption_painter.hpp"

#include "media/captions/caption_overlay.hpp"

extern "C" {
#include <ass/ass.h>
}

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace vs::media::captions {

namespace {

/// Scripts of this many jobs stay parsed per thread (jobs share the renderers).
constexpr size_t max_bound_layouts = 4;
/// Shrinking steps before a caption that will not fit is drawn clipped.
constexpr int max_fit_attempts = 8;

void quiet(int, const char*, va_list, void*) {}

struct track_deleter {
  void operator()(ASS_Track* track) const { ass_free_track(track); }
};
using track_ptr = std::unique_ptr<ASS_Track, track_deleter>;

/// One job's script on this thread and its last drawn picture.
struct binding {
  std::weak_ptr<const caption_layout> layout;
  const caption_layout* key = nullptr;
  track_ptr track;
  std::vector<std::string> original_text;  ///< per event, before any shrinking
  int64_t drawn_event = -1;
  caption_overlay overlay;
  uint64_t last_use = 0;
};

struct ink_box {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  bool empty = true;
};

ink_box ink_of(const ASS_Image* images) {
  ink_box box;
  for (const ASS_Image* image = images; image != nullptr; image = image->next) {
    if (image->w <= 0 || image->h <= 0)
      continue;
    if (box.empty) {
      box = {image->dst_x, image->dst_y, image->dst_x + image->w, image->dst_y + image->h, false};
      continue;
    }
    box.x0 = std::min(box.x0, image->dst_x);
    box.y0 = std::min(box.y0, image->dst_y);
    box.x1 = std::max(box.x1, image->dst_x + image->w);
    box.y1 = std::max(box.y1, image->dst_y + image->h);
  }
  return box;
}

/// How much smaller the caption must be drawn to fit (1: it fits). libass
/// clips at the frame edge, so ink touching an edge counts as leaving it.
double shrink_needed(const ink_box& ink, const caption_layout& layout) {
  if (ink.empty)
    return 1.0;
  const caption_geometry& g = layout.geometry;
  const double pad_x = g.box ? g.box_padding_x : 0.0;
  const double pad_y = g.box ? g.box_padding_y : 0.0;
  const double allowed_width = layout.width - g.margin_x - 2 * pad_x;
  const double allowed_height = std::min(g.max_block_height, layout.height - 2 * pad_y - 2.0);
  const double width = ink.x1 - ink.x0;
  const double height = ink.y1 - ink.y0;
  double scale = std::min({1.0, allowed_width / width, allowed_height / height});
  bool at_edge = ink.x0 - pad_x <= 0 || ink.y0 - pad_y <= 0 || ink.x1 + pad_x >= layout.width ||
                 ink.y1 + pad_y >= layout.height;
  if (at_edge)
    scale = std::min(scale, 0.9);
  return scale;
}

void set_event_text(ASS_Event& event, const std::string& text) {
  std::free(event.Text);
  event.Text = strdup(text.c_str());
}

} // namespace

struct caption_painter::state {
  ASS_Library* library = nullptr;
  ASS_Renderer* renderer = nullptr;
  int frame_width = 0;
  int frame_height = 0;
  std::vector<binding> bindings;
  uint64_t uses = 0;
  int64_t renders = 0;

  ~state() {
    bindings.clear();  // tracks before the library
    if (renderer != nullptr)
      ass_renderer_done(renderer);
    if (library != nullptr)
      ass_library_done(library);
  }

  status start() {
    if (renderer != nullptr)
      return {};
    library = ass_library_init();
    if (library == nullptr)
      return make_error(errc::internal, "libass could not start");
    ass_set_message_cb(library, quiet, nullptr);
    renderer = ass_renderer_init(library);
    if (renderer == nullptr)
      return make_error(errc::internal, "libass could not start a renderer");
    ass_set_shaper(renderer, ASS_SHAPING_COMPLEX);
    ass_set_hinting(renderer, ASS_HINTING_NONE);
    ass_set_cache_limits(renderer, 2000, 16);
    // Fontconfig finds the style's font and, glyph by glyph, a fallback for
    // any script that font lacks.
    ass_set_fonts(renderer, nullptr, default_caption_font, ASS_FONTPROVIDER_FONTCONFIG, nullptr, 1);
    return {};
  }

  void use_frame_size(int width, int height) {
    if (width == frame_width && height == frame_height)
      return;
    ass_set_frame_size(renderer, width, height);
    ass_set_storage_size(renderer, width, height);
    frame_width = width;
    frame_height = height;
  }

  expected<binding*> bind(const std::shared_ptr<const caption_layout>& layout) {
    ++uses;
    bindings.erase(std::remove_if(bindings.begin(), bindings.end(), [](const binding& b) { return b.layout.expired(); }),
                   bindings.end());
    for (auto& b : bindings)
      if (b.key == layout.get()) {
        b.last_use = uses;
        return &b;
      }
    if (bindings.size() >= max_bound_layouts)
      bindings.erase(std::min_element(bindings.begin(), bindings.end(),
                                      [](const binding& a, const binding& b) { return a.last_use < b.last_use; }));
    std::string script = layout->ass_script;  // libass parses a mutable buffer
    track_ptr track(ass_read_memory(library, script.data(), script.size(), nullptr));
    if (!track)
      return make_error(errc::internal, "libass could not read the captions script");
    binding b;
    b.layout = layout;
    b.key = layout.get();
    for (int i = 0; i < track->n_events; ++i)
      b.original_text.emplace_back(track->events[i].Text != nullptr ? track->events[i].Text : "");
    b.track = std::move(track);
    b.last_use = uses;
    bindings.push_back(std::move(b));
    return &bindings.back();
  }

  /// Renders event `event`, smaller if it would not fit, into its overlay.
  caption_overlay draw(binding& b, const caption_layout& layout, int64_t event) {
    use_frame_size(layout.width, layout.height);
    ASS_Event& ass_event = b.track->events[event];
    const caption_geometry& g = layout.geometry;
    const std::string& original = b.original_text[static_cast<size_t>(event)];
    set_event_text(ass_event, original);
    double scale = 1.0;
    ASS_Image* images = nullptr;
    for (int attempt = 0; attempt < max_fit_attempts; ++attempt) {
      images = ass_render_frame(renderer, b.track.get(), caption_layout::script_time_ms(event), nullptr);
      ++renders;
      double shrink = shrink_needed(ink_of(images), layout);
      if (shrink >= 0.999)
        break;
      scale *= std::min(shrink * 0.97, 0.95);
      char prefix[96];
      std::snprintf(prefix, sizeof prefix, "{\\fs%.2f\\bord%.2f}", g.font_px * scale, g.outline_px * scale);
      set_event_text(ass_event, prefix + original);
    }
    std::vector<coverage_layer> layers;
    for (const ASS_Image* image = images; image != nullptr; image = image->next) {
      uint32_t c = image->color;
      rgba color{static_cast<uint8_t>(c >> 24), static_cast<uint8_t>(c >> 16), static_cast<uint8_t>(c >> 8),
                 static_cast<uint8_t>(255 - (c & 0xFF))};
      layers.push_back({image->dst_x, image->dst_y, image->w, image->h, image->stride, image->bitmap, color});
    }
    backing_box box{g.box_color, g.box_padding_x * scale, g.box_padding_y * scale, g.box_radius * scale};
    return compose_overlay(layers, g.box ? &box : nullptr, layout.width, layout.height);
  }
};

caption_painter::caption_painter() : state_(std::make_unique<state>()) {}
caption_painter::~caption_painter() = default;
caption_painter::caption_painter(caption_painter&&) noexcept = default;
caption_painter& caption_painter::operator=(caption_painter&&) noexcept = default;

int64_t caption_painter::renders() const { return state_->renders; }

status caption_painter::paint(const std::shared_ptr<const caption_layout>& layout, int64_t frame,
                              const std::array<plane_view, 3>& target) {
  if (!layout)
    return {};
  int64_t event = layout->event_at(frame);
  if (event < 0)
    return {};
  if (auto started = state_->start(); !started)
    return started;
  auto bound = state_->bind(layout);
  if (!bound)
    return bound.error();
  binding& b = **bound;
  if (event >= b.track->n_events)
    return make_error(errc::internal, "caption event " + std::to_string(event) + " is missing from the script");
  if (b.drawn_event != event) {
    b.overlay = state_->draw(b, *layout, event);
    b.drawn_event = event;
  }
  blend_overlay(b.overlay, target);
  return {};
}

} // namespace vs::media::captions
