#include "media/captions/layout_json.hpp"

#include "media/json_number.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

namespace vs::media::captions {

using nlohmann::json;

namespace {

json color_json(const rgba& color) { return json::array({color.r, color.g, color.b, color.a}); }

rgba color_of(const json& value) {
  return rgba{json_integer<uint8_t>(value.at(0)), json_integer<uint8_t>(value.at(1)),
              json_integer<uint8_t>(value.at(2)), json_integer<uint8_t>(value.at(3))};
}

/// `value` lies in [low, high] (false for NaN).
bool within(double value, double low, double high) { return value >= low && value <= high; }

status refused(const std::string& what) {
  return make_error(errc::input_invalid, "the caption layout is not usable: " + what);
}

} // namespace

json layout_to_json(const caption_layout& layout) {
  const caption_geometry& g = layout.geometry;
  json events = json::array();
  for (const auto& event : layout.events)
    events.push_back(json::array({event.first_frame, event.end_frame}));
  json cues = json::array();
  for (const auto& cue : layout.cues)
    cues.push_back(json{{"start", cue.start}, {"end", cue.end}, {"text", cue.text}});
  return json{{"width", layout.width},
              {"height", layout.height},
              {"fps", layout.fps},
              {"geometry",
               {{"font_px", g.font_px},
                {"outline_px", g.outline_px},
                {"margin_x", g.margin_x},
                {"max_block_height", g.max_block_height},
                {"box", g.box},
                {"box_color", color_json(g.box_color)},
                {"box_padding_x", g.box_padding_x},
                {"box_padding_y", g.box_padding_y},
                {"box_radius", g.box_radius}}},
              {"ass_script", layout.ass_script},
              {"events", std::move(events)},
              {"cues", std::move(cues)}};
}

expected<std::shared_ptr<const caption_layout>> layout_from_json(const json& value) {
  try {
    auto layout = std::make_shared<caption_layout>();
    layout->width = json_integer<int>(value.at("width"));
    layout->height = json_integer<int>(value.at("height"));
    layout->fps = json_integer<int>(value.at("fps"));
    const json& g = value.at("geometry");
    layout->geometry.font_px = g.at("font_px").get<double>();
    layout->geometry.outline_px = g.at("outline_px").get<double>();
    layout->geometry.margin_x = json_integer<int>(g.at("margin_x"));
    layout->geometry.max_block_height = g.at("max_block_height").get<double>();
    layout->geometry.box = g.at("box").get<bool>();
    layout->geometry.box_color = color_of(g.at("box_color"));
    layout->geometry.box_padding_x = g.at("box_padding_x").get<double>();
    layout->geometry.box_padding_y = g.at("box_padding_y").get<double>();
    layout->geometry.box_radius = g.at("box_radius").get<double>();
    layout->ass_script = value.at("ass_script").get<std::string>();
    for (const auto& event : value.at("events"))
      layout->events.push_back(caption_event{json_integer<int64_t>(event.at(0)), json_integer<int64_t>(event.at(1))});
    for (const auto& cue : value.at("cues"))
      layout->cues.push_back(
        caption_cue{cue.at("start").get<double>(), cue.at("end").get<double>(), cue.at("text").get<std::string>()});
    return std::shared_ptr<const caption_layout>(std::move(layout));
  } catch (const std::exception& e) {  // json::exception, or json_integer's out_of_range
    return make_error(errc::input_invalid, std::string("the caption layout is not readable: ") + e.what());
  }
}

status check_layout_fits(const caption_layout& layout, int width, int height, int fps) {
  if (layout.width != width || layout.height != height || layout.fps != fps)
    return refused("it is for " + std::to_string(layout.width) + "x" + std::to_string(layout.height) + " at " +
                   std::to_string(layout.fps) + " fps, the video is " + std::to_string(width) + "x" +
                   std::to_string(height) + " at " + std::to_string(fps) + " fps");
  // The bounds of geometry_for() over every valid style (size ≤ 0.25 of the
  // height, outline ≤ half the font, up to 10 lines, paddings and radius a
  // fraction of the font) with room to spare; the painter clamps the block
  // height to the frame, so only its finiteness matters beyond that.
  const caption_geometry& g = layout.geometry;
  if (!within(g.font_px, 1e-3, height) || !within(g.outline_px, 0, g.font_px) || !within(g.margin_x, 0, width) ||
      !within(g.max_block_height, 1e-3, 5.0 * height) || !within(g.box_padding_x, 0, g.font_px) ||
      !within(g.box_padding_y, 0, g.font_px) || !within(g.box_radius, 0, g.font_px))
    return refused("its sizes do not fit a " + std::to_string(width) + "x" + std::to_string(height) + " frame");
  int64_t previous_end = 0;
  for (const auto& event : layout.events) {
    if (event.first_frame < previous_end || event.end_frame <= event.first_frame)
      return refused("its events are out of order, overlap or are empty");
    previous_end = event.end_frame;
  }
  for (const auto& cue : layout.cues)
    if (!std::isfinite(cue.end) || !within(cue.start, 0, cue.end))
      return refused("a cue's times are not in order");
  return {};
}

} // namespace vs::media::captions
