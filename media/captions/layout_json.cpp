#include "media/captions/layout_json.hpp"

#include <nlohmann/json.hpp>

namespace vs::media::captions {

using nlohmann::json;

namespace {

json color_json(const rgba& color) { return json::array({color.r, color.g, color.b, color.a}); }

rgba color_of(const json& value) {
  return rgba{value.at(0).get<uint8_t>(), value.at(1).get<uint8_t>(), value.at(2).get<uint8_t>(),
              value.at(3).get<uint8_t>()};
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
    layout->width = value.at("width").get<int>();
    layout->height = value.at("height").get<int>();
    layout->fps = value.at("fps").get<int>();
    const json& g = value.at("geometry");
    layout->geometry.font_px = g.at("font_px").get<double>();
    layout->geometry.outline_px = g.at("outline_px").get<double>();
    layout->geometry.margin_x = g.at("margin_x").get<int>();
    layout->geometry.max_block_height = g.at("max_block_height").get<double>();
    layout->geometry.box = g.at("box").get<bool>();
    layout->geometry.box_color = color_of(g.at("box_color"));
    layout->geometry.box_padding_x = g.at("box_padding_x").get<double>();
    layout->geometry.box_padding_y = g.at("box_padding_y").get<double>();
    layout->geometry.box_radius = g.at("box_radius").get<double>();
    layout->ass_script = value.at("ass_script").get<std::string>();
    for (const auto& event : value.at("events"))
      layout->events.push_back(caption_event{event.at(0).get<int64_t>(), event.at(1).get<int64_t>()});
    for (const auto& cue : value.at("cues"))
      layout->cues.push_back(
        caption_cue{cue.at("start").get<double>(), cue.at("end").get<double>(), cue.at("text").get<std::string>()});
    return std::shared_ptr<const caption_layout>(std::move(layout));
  } catch (const json::exception& e) {
    return make_error(errc::input_invalid, std::string("the caption layout is not readable: ") + e.what());
  }
}

} // namespace vs::media::captions
