// Captions onto frames: which frames show which caption, pages and karaoke
// events, exact alpha blending on the three planes, and the per-thread
// painter (libass renders once per caption change; any thread draws the
// same pixels for the same frame; nothing leaves the frame).

#include "media/captions/caption_layout.hpp"
#include "media/captions/caption_overlay.hpp"
#include "media/captions/caption_painter.hpp"
#include "media/captions/phrase_splitter.hpp"
#include "media/frame_composer.hpp"

#include <catch2/catch.hpp>

using namespace vs::media;
using namespace vs::media::captions;

namespace {

std::shared_ptr<const caption_layout> layout_of(const std::vector<caption_cue>& cues,
                                                const std::vector<caption_word>& words = {},
                                                caption_style style = {}, int width = 640, int height = 360,
                                                int fps = 10) {
  auto layout = make_caption_layout(cues, words, style, width, height, fps);
  REQUIRE(layout);
  return *layout;
}

yuv_image grey_frame(int width, int height) {
  yuv_image image = make_yuv_image(width, height);
  std::fill(image.y.pixels.begin(), image.y.pixels.end(), 126);
  std::fill(image.u.pixels.begin(), image.u.pixels.end(), 128);
  std::fill(image.v.pixels.begin(), image.v.pixels.end(), 128);
  return image;
}

struct ink {
  int64_t changed = 0;
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -1, y1 = -1;
};

ink ink_of(const yuv_image& image) {
  ink found;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x)
      if (image.y.row(y)[x] != 126) {
        ++found.changed;
        found.x0 = std::min(found.x0, x);
        found.y0 = std::min(found.y0, y);
        found.x1 = std::max(found.x1, x);
        found.y1 = std::max(found.y1, y);
      }
  return found;
}

} // namespace

TEST_CASE("each cue covers exactly the frames from its start to its end", "[captions][layout]") {
  // 10 fps: 0.95 s → frame 10 (the first at or after it); 2.01..2.05 s holds no frame start.
  auto layout = layout_of({{0.95, 2.0, "one"}, {2.01, 2.05, "too short to show"}, {2.5, 4.0, "two"},
                           {3.0, 5.0, "three replaces two"}});
  REQUIRE(layout->events.size() == 3);
  CHECK(layout->events[0].first_frame == 10);
  CHECK(layout->events[0].end_frame == 20);
  CHECK(layout->events[1].first_frame == 25);
  CHECK(layout->events[1].end_frame == 30);  // cut where the next begins
  CHECK(layout->events[2].first_frame == 30);
  CHECK(layout->events[2].end_frame == 50);
  CHECK(layout->event_at(9) == -1);
  CHECK(layout->event_at(10) == 0);
  CHECK(layout->event_at(19) == 0);
  CHECK(layout->event_at(20) == -1);
  CHECK(layout->event_at(29) == 1);
  CHECK(layout->event_at(49) == 2);
  CHECK(layout->event_at(50) == -1);
  // The .srt keeps what is shown, overlaps cut the same way.
  REQUIRE(layout->cues.size() == 4);
  CHECK(layout->cues[2].end == 3.0);
}

TEST_CASE("a cue longer than max_lines becomes pages sharing its time", "[captions][layout]") {
  caption_style style;
  style.max_lines = 1;
  std::string text = "This caption is far too long to be shown on one line of a small frame, so it is shown as "
                     "pages, one after the other, each for a share of the time.";
  auto layout = layout_of({{0.0, 6.0, text}}, {}, style);
  REQUIRE(layout->cues.size() >= 3);
  for (const auto& page : layout->cues)
    CHECK(estimated_width(page.text) <= page_capacity_ems(style, 640, 360));
  CHECK(layout->cues.front().start == 0.0);
  CHECK(layout->cues.back().end == 6.0);
  for (size_t i = 1; i < layout->cues.size(); ++i)
    CHECK(layout->cues[i].start == layout->cues[i - 1].end);
  CHECK(layout->events.size() == layout->cues.size());
}

TEST_CASE("word timings give one event per word, in phrases of a few words", "[captions][layout]") {
  std::vector<caption_word> words{{0.0, 0.4, "one"}, {0.4, 0.8, "two"}, {0.8, 1.2, "three"},
                                  {1.2, 1.6, "four"}, {1.6, 2.0, "five"}};
  auto layout = layout_of({}, words);
  REQUIRE(layout->events.size() == 5);
  REQUIRE(layout->cues.size() == 2);
  CHECK(layout->cues[0].text == "one two three four");
  CHECK(layout->cues[1].text == "five");
  CHECK(layout->cues[1].end == Approx(2.4));
  // The spoken word, and only it, carries the highlight colour.
  CHECK(layout->ass_script.find("Dialogue: 0,0:00:02.00,0:00:03.50,Caption,,0,0,0,,one {\\1c&H00D6FF&\\1a&H00&}two"
                                "{\\1c&HFFFFFF&\\1a&H00&} three four") != std::string::npos);
}

TEST_CASE("blending is exact on Y and on the subsampled chroma", "[captions][overlay]") {
  // A 4x2 white layer, fully opaque on the left 2x2, half on the right 2x2.
  std::vector<uint8_t> coverage{255, 255, 128, 128, 255, 255, 128, 128};
  coverage_layer layer{2, 2, 4, 2, 4, coverage.data(), {255, 255, 255, 255}};
  caption_overlay overlay = compose_overlay({layer}, nullptr, 16, 8);
  CHECK(overlay.x == 2);
  CHECK(overlay.y == 2);
  CHECK(overlay.width == 4);
  CHECK(overlay.height == 2);
  yuv_image frame = make_yuv_image(16, 8);
  std::fill(frame.y.pixels.begin(), frame.y.pixels.end(), 16);
  std::fill(frame.u.pixels.begin(), frame.u.pixels.end(), 240);
  std::fill(frame.v.pixels.begin(), frame.v.pixels.end(), 16);
  picture_view view = view_of(frame);
  blend_overlay(overlay, view.planes);
  CHECK(frame.y.row(2)[2] == 235);                  // white, opaque
  CHECK(frame.y.row(3)[3] == 235);
  CHECK(frame.y.row(2)[4] == 126);                  // 16 + (235 − 16)·128/255
  CHECK(frame.u.row(1)[1] == 128);                  // white's chroma over the opaque block
  CHECK(frame.v.row(1)[1] == 128);
  CHECK(frame.u.row(1)[2] == 184);                  // 240 + (128 − 240)·128/255
  CHECK(frame.v.row(1)[2] == 72);                   // 16 + (128 − 16)·128/255
  CHECK(frame.y.row(2)[1] == 16);                   // outside: untouched
  CHECK(frame.y.row(4)[2] == 16);
  CHECK(frame.u.row(1)[0] == 240);
  CHECK(frame.u.row(2)[1] == 240);
}

TEST_CASE("colours convert to BT.709 limited range", "[captions][overlay]") {
  auto white = to_bt709({255, 255, 255, 255});
  CHECK(white.y == Approx(235));
  CHECK(white.u == Approx(128));
  auto green = to_bt709({0, 255, 0, 255});
  CHECK(green.y == Approx(172.6).margin(0.1));
  CHECK(green.u == Approx(41.7).margin(0.1));
  CHECK(green.v == Approx(26.3).margin(0.1));
}

TEST_CASE("the painter renders once per caption change and any thread draws the same frame", "[captions][painter]") {
  std::vector<caption_word> words{{0.0, 0.5, "Hello"}, {0.5, 1.0, "captions"}, {1.0, 1.5, "world"}};
  auto layout = layout_of({}, words);
  caption_painter first_thread, second_thread;
  yuv_image a = grey_frame(640, 360), b = grey_frame(640, 360);
  // Frames 0..4 show "Hello" highlighted, 5..9 "captions", 10..14 "world".
  for (int64_t frame = 0; frame < 5; ++frame) {
    a = grey_frame(640, 360);
    REQUIRE(first_thread.paint(layout, frame, view_of(a).planes));
  }
  CHECK(first_thread.renders() == 1);
  REQUIRE(first_thread.paint(layout, 7, view_of(a).planes));
  CHECK(first_thread.renders() == 2);
  // Frame 3 again, on another painter that has seen other frames first.
  REQUIRE(second_thread.paint(layout, 12, view_of(b).planes));
  a = grey_frame(640, 360);
  b = grey_frame(640, 360);
  REQUIRE(first_thread.paint(layout, 3, view_of(a).planes));
  REQUIRE(second_thread.paint(layout, 3, view_of(b).planes));
  CHECK(ink_of(a).changed > 500);
  CHECK(a.y.pixels == b.y.pixels);
  CHECK(a.u.pixels == b.u.pixels);
  CHECK(a.v.pixels == b.v.pixels);
  // After the last word: nothing drawn.
  yuv_image after = grey_frame(640, 360);
  REQUIRE(first_thread.paint(layout, 40, view_of(after).planes));
  CHECK(ink_of(after).changed == 0);
}

TEST_CASE("a word too wide for the frame is drawn smaller, inside it", "[captions][painter]") {
  caption_style style;
  style.size = 0.2;
  auto layout = layout_of({{0.0, 1.0, "Pneumonoultramicroscopicsilicovolcanoconiosis"}}, {}, style);
  caption_painter painter;
  yuv_image frame = grey_frame(640, 360);
  REQUIRE(painter.paint(layout, 0, view_of(frame).planes));
  ink drawn = ink_of(frame);
  CHECK(drawn.changed > 1000);
  CHECK(drawn.x0 > 0);
  CHECK(drawn.x1 < 639);
  CHECK(drawn.y0 > 0);
  CHECK(drawn.y1 < 359);
  CHECK(painter.renders() > 1);  // it had to shrink
}

TEST_CASE("a box sits behind the text, rounded and translucent", "[captions][painter]") {
  caption_style style;
  style.box = true;
  style.box_color = {0, 0, 0, 128};
  style.outline = 0;
  auto layout = layout_of({{0.0, 1.0, "Boxed"}}, {}, style);
  caption_painter painter;
  yuv_image frame = grey_frame(640, 360);
  REQUIRE(painter.paint(layout, 0, view_of(frame).planes));
  ink drawn = ink_of(frame);
  REQUIRE(drawn.changed > 0);
  // Inside the box, away from the text: grey darkened halfway to black (126 → 71).
  int y = drawn.y0 + 2;
  int x = (drawn.x0 + drawn.x1) / 2;
  CHECK(frame.y.row(y)[x] == Approx(71).margin(2));
  // The corner is rounded: the box's very corner pixel stays nearly untouched.
  CHECK(frame.y.row(drawn.y0)[drawn.x0] > 110);
}
