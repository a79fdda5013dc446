#include "media/captions/caption_layout.hpp"

#include "media/captions/ass_script.hpp"
#include "media/captions/phrase_splitter.hpp"
#include "media/captions/utf8.hpp"

#include <algorithm>
#include <cmath>

namespace vs::media::captions {

namespace {

/// Karaoke phrases: a few words at a time.
constexpr size_t max_phrase_words = 4;
/// A new phrase after a silence this long between words.
constexpr double max_word_gap = 0.6;
/// A phrase stays up through a silence this long before the next one.
constexpr double max_held_gap = 1.0;
/// Otherwise it leaves this long after its last word.
constexpr double linger = 0.4;
/// Wrapping wastes part of each line; pages are filled to this share.
constexpr double page_fill = 0.85;

/// One distinct caption picture before it is placed on frames.
struct shown {
  double start = 0;
  double end = 0;
  std::string ass;         ///< dialogue text
};

int alignment_of(caption_position position) {
  switch (position) {
    case caption_position::bottom: return 2;
    case caption_position::center: return 5;
    case caption_position::top: return 8;
  }
  return 2;
}

caption_geometry geometry_for(const caption_style& style, int width, int height) {
  caption_geometry g;
  g.font_px = style.size * height;
  g.outline_px = style.outline * g.font_px;
  // Portrait Shorts keep clear of the buttons on the right and their mirror on the left.
  g.margin_x = static_cast<int>(std::lround((height > width ? 0.08 : 0.06) * width));
  // Ink of n lines: (n−1) line advances plus one line's ascent and descent.
  g.max_block_height = ((style.max_lines - 1) * 1.55 + 1.35) * g.font_px + 2 * g.outline_px;
  g.box = style.box;
  g.box_color = style.box_color;
  g.box_padding_x = 0.3 * g.font_px;
  g.box_padding_y = 0.15 * g.font_px;
  g.box_radius = 0.3 * g.font_px;
  return g;
}

} // namespace

int64_t overlay_bytes_bound(const caption_style& style, int width, int height) {
  const caption_geometry g = geometry_for(style, width, height);
  // Luma: coverage (1 byte) and premultiplied colour (2); chroma at a
  // quarter of the pixels: coverage and two premultiplied colours (5).
  constexpr double bytes_per_pixel = 3 + 5 / 4.0;
  const double rows = std::min<double>(height, g.max_block_height + 2 * (g.box_padding_y + g.outline_px) + 4);
  return static_cast<int64_t>(std::ceil(width * rows * bytes_per_pixel));
}

namespace {

double line_width_ems(const caption_geometry& g, int width) { return (width - 2 * g.margin_x) / g.font_px; }

/// Lines a text needs at `line_width` ems a line, explicit breaks included.
int estimated_lines(const std::string& text, double line_width) {
  int lines = 0;
  size_t at = 0;
  while (at <= text.size()) {
    size_t end = text.find('\n', at);
    std::string_view line(text.data() + at, (end == std::string::npos ? text.size() : end) - at);
    lines += std::max(1, static_cast<int>(std::ceil(estimated_width(line) / line_width)));
    if (end == std::string::npos)
      break;
    at = end + 1;
  }
  return lines;
}

std::string styled(const std::string& text, const caption_style& style) {
  return style.uppercase ? to_upper(text) : text;
}

/// A cue, or consecutive pages of it when it needs more than max_lines.
void add_cue(const caption_cue& cue, const caption_style& style, double line_width, std::vector<shown>& pictures,
             std::vector<caption_cue>& exported) {
  if (estimated_lines(cue.text, line_width) <= style.max_lines) {
    pictures.push_back({cue.start, cue.end, ass_text(styled(cue.text, style))});
    exported.push_back({cue.start, cue.end, cue.text});
    return;
  }
  std::vector<std::string> pages = split_pages(cue.text, line_width * style.max_lines * page_fill);
  if (pages.empty())
    return;
  double total = 0;
  for (const auto& page : pages)
    total += estimated_width(page);
  double at = cue.start;
  for (size_t i = 0; i < pages.size(); ++i) {
    double end = i + 1 == pages.size() ? cue.end : at + (cue.end - cue.start) * estimated_width(pages[i]) / total;
    pictures.push_back({at, end, ass_text(styled(pages[i], style))});
    exported.push_back({at, end, pages[i]});
    at = end;
  }
}

/// Phrases of a few words, each shown once per word with that word highlighted.
void add_words(const std::vector<caption_word>& words, const caption_style& style, double line_width,
               std::vector<shown>& pictures, std::vector<caption_cue>& exported) {
  std::vector<word_group> groups = group_words(words, max_phrase_words, line_width, max_word_gap);
  const std::string highlight_on = ass_fill_override(style.highlight_color);
  const std::string highlight_off = ass_fill_override(style.color);
  for (size_t g = 0; g < groups.size(); ++g) {
    const word_group& group = groups[g];
    const caption_word& first = words[group.first];
    const caption_word& last = words[group.first + group.count - 1];
    double end = last.end + linger;
    if (g + 1 < groups.size()) {
      double next = words[groups[g + 1].first].start;
      end = next - last.end <= max_held_gap ? next : std::min(end, next);
    }
    std::vector<std::string> texts;
    for (size_t i = 0; i < group.count; ++i)
      texts.push_back(styled(words[group.first + i].text, style));
    for (size_t i = 0; i < group.count; ++i) {
      std::string line;
      for (size_t j = 0; j < group.count; ++j) {
        if (j > 0 && needs_space_between(texts[j - 1], texts[j]))
          line += ' ';
        line += j == i ? highlight_on + ass_text(texts[j]) + highlight_off : ass_text(texts[j]);
      }
      double start = i == 0 ? first.start : words[group.first + i].start;
      double until = i + 1 < group.count ? words[group.first + i + 1].start : end;
      pictures.push_back({start, std::max(until, start), std::move(line)});
    }
    std::vector<std::string> plain;
    for (size_t i = 0; i < group.count; ++i)
      plain.push_back(words[group.first + i].text);
    exported.push_back({first.start, std::max(end, first.start), join_words(plain)});
  }
}

int64_t frame_at_or_after(double seconds, int fps) {
  // A hair of tolerance: 1.0 s at 12 fps is frame 12, not 13 after rounding noise.
  return static_cast<int64_t>(std::ceil(seconds * fps - 1e-6));
}

} // namespace

int64_t caption_layout::event_at(int64_t frame) const {
  auto after = std::upper_bound(events.begin(), events.end(), frame,
                                [](int64_t f, const caption_event& e) { return f < e.first_frame; });
  if (after == events.begin())
    return -1;
  auto event = std::prev(after);
  return frame < event->end_frame ? static_cast<int64_t>(event - events.begin()) : -1;
}

expected<std::shared_ptr<const caption_layout>> make_caption_layout(const std::vector<caption_cue>& cues,
                                                                    const std::vector<caption_word>& words,
                                                                    const caption_style& style, int width,
                                                                    int height, int fps) {
  if (auto valid = validate(style); !valid)
    return valid.error();
  auto layout = std::make_shared<caption_layout>();
  layout->width = width;
  layout->height = height;
  layout->fps = fps;
  layout->geometry = geometry_for(style, width, height);
  const double line_width = line_width_ems(layout->geometry, width);

  std::vector<shown> pictures;
  std::vector<caption_cue> exported;
  for (const auto& cue : cues)
    add_cue(cue, style, line_width, pictures, exported);
  add_words(words, style, line_width, pictures, exported);

  ass_header_settings header;
  header.width = width;
  header.height = height;
  header.font = style.font.empty() ? default_caption_font : style.font;
  header.bold = style.bold;
  header.font_px = layout->geometry.font_px;
  header.outline_px = layout->geometry.outline_px;
  header.color = style.color;
  header.outline_color = style.outline_color;
  header.alignment = alignment_of(style.position);
  header.margin_x = layout->geometry.margin_x;
  header.margin_y = static_cast<int>(std::lround(margin_fraction(style, width, height) * height));
  layout->ass_script = ass_header(header);

  // Onto frames: a picture that starts before the previous one ends replaces
  // it; one shorter than a frame never shows.
  std::vector<const shown*> placed;
  for (const auto& picture : pictures) {
    caption_event event{frame_at_or_after(picture.start, fps), frame_at_or_after(picture.end, fps)};
    if (event.end_frame <= event.first_frame)
      continue;
    while (!layout->events.empty() && layout->events.back().end_frame > event.first_frame) {
      layout->events.back().end_frame = event.first_frame;
      if (layout->events.back().end_frame > layout->events.back().first_frame)
        break;
      layout->events.pop_back();
      placed.pop_back();
    }
    layout->events.push_back(event);
    placed.push_back(&picture);
  }
  for (size_t i = 0; i < placed.size(); ++i) {
    int64_t at = caption_layout::script_time_ms(static_cast<int64_t>(i));
    layout->ass_script += ass_dialogue(at - 500, at + 1000, placed[i]->ass);
  }
  for (size_t i = 0; i < exported.size(); ++i) {
    if (i + 1 < exported.size())
      exported[i].end = std::min(exported[i].end, exported[i + 1].start);
    if (exported[i].end > exported[i].start)
      layout->cues.push_back(exported[i]);
  }
  return std::shared_ptr<const caption_layout>(std::move(layout));
}

double page_capacity_ems(const caption_style& style, int width, int height) {
  return line_width_ems(geometry_for(style, width, height), width) * style.max_lines * page_fill;
}

std::string format_srt(const std::vector<caption_cue>& cues, double video_seconds) {
  std::string out;
  int number = 0;
  for (const auto& cue : cues) {
    double end = std::min(cue.end, video_seconds);
    if (cue.start >= video_seconds || end <= cue.start)
      continue;
    // A blank line ends an SRT cue: keep the author's breaks, never a blank
    // line (not even first or last). Nor a time line: a text line "1" over
    // "00:00:00,000 --> …" (a cue's text may hold one once its tags are
    // stripped) would start a cue of its own in every reader, ours included.
    // Both found by fuzz/captions_fuzz.
    std::string text;
    size_t line_start = 0;
    while (line_start <= cue.text.size()) {
      // Every reader (ours: subtitle_text) ends a line at \r as well as \n:
      // a lone \r kept inside a line would end it there (fuzz/captions_fuzz).
      size_t line_end = std::min(cue.text.find_first_of("\r\n", line_start), cue.text.size());
      std::string line = cue.text.substr(line_start, line_end - line_start);
      line_start = line_end + 1;
      if (line.find_first_not_of(" \t\r\f\v") == std::string::npos)
        continue;
      // Search from the start again after each replacement: "--->" becomes
      // "-->" (found by fuzz/captions_fuzz); every pass shortens the line.
      for (size_t at = line.find("-->"); at != std::string::npos; at = line.find("-->"))
        line.replace(at, 3, "->");
      text += (text.empty() ? "" : "\n") + line;
    }
    if (text.empty())
      continue;
    out += std::to_string(++number) + "\n" + format_timestamp(cue.start) + " --> " + format_timestamp(end) + "\n";
    out += text + "\n\n";
  }
  return out;
}

} // namespace vs::media::captions
