#pragma once
/// A job's captions ready to draw: every distinct picture of the captions
/// (a cue, a page of a long cue, or a phrase with one word highlighted) is
/// one event covering a range of frames, and one ASS script holds them all,
/// each at a time of its own, so that the picture of an event depends on
/// nothing but the event. Frame k shows the event whose range holds k.
/// Immutable and shared by every render thread.

#include "media/captions/caption_cue.hpp"
#include "media/captions/caption_style.hpp"
#include "media/error.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vs::media::captions {

struct caption_event {
  int64_t first_frame = 0;  ///< first frame showing it
  int64_t end_frame = 0;    ///< first frame after it
};

/// Sizes in output pixels, derived from the style and the frame.
struct caption_geometry {
  double font_px = 0;
  double outline_px = 0;
  int margin_x = 0;           ///< left and right
  double max_block_height = 0;  ///< taller (more lines than max_lines) is shrunk
  bool box = false;
  rgba box_color;
  double box_padding_x = 0;
  double box_padding_y = 0;
  double box_radius = 0;
};

struct caption_layout {
  int width = 0;
  int height = 0;
  int fps = 0;
  caption_geometry geometry;
  std::string ass_script;
  std::vector<caption_event> events;   ///< in frame order, never overlapping
  std::vector<caption_cue> cues;       ///< what is shown, as cues (for the .srt beside the video)

  /// The event frame `frame` shows, or -1.
  int64_t event_at(int64_t frame) const;
  /// The time (ms) at which the ASS script shows event `event` and nothing else.
  static int64_t script_time_ms(int64_t event) { return event * 2000 + 500; }
};

/// Lays out cues or word timings (one of the two) in `style` for frames of
/// `width` × `height` at `fps`. Cues too long for style.max_lines become
/// consecutive pages; words become short phrases with the spoken word
/// highlighted. A cue overlapping the next ends where the next starts.
expected<std::shared_ptr<const caption_layout>> make_caption_layout(const std::vector<caption_cue>& cues,
                                                                    const std::vector<caption_word>& words,
                                                                    const caption_style& style, int width,
                                                                    int height, int fps);

/// How much text (ems) fits in max_lines lines of this style on this frame:
/// the size phrases of plain narration text are cut to.
double page_capacity_ems(const caption_style& style, int width, int height);

/// The most bytes one caption picture (caption_overlay) of this style takes
/// on this frame: the full width, the tallest block a caption may be (more
/// lines are shrunk to it) with its outline and box, at 4.25 bytes a pixel.
int64_t overlay_bytes_bound(const caption_style& style, int width, int height);

/// The text of an .srt file showing `cues`, cut at `video_seconds`.
std::string format_srt(const std::vector<caption_cue>& cues, double video_seconds);

} // namespace vs::media::captions
