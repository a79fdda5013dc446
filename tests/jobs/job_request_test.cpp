#include "jobs/closest_name.hpp"
#include "jobs/job_request.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace vs;
using nlohmann::json;

TEST_CASE("job fields map onto the spec and absent ones keep defaults", "[job_request]") {
  json body = {{"audio_path", "/a.mp3"}, {"image_paths", {"/1.png", "/2.png"}}, {"fps", 30},
               {"resolution", {1280, 720}}, {"enable_ken_burns", false}, {"zoom_factor", 1.2},
               {"transition", "fadeblack"}, {"seed", 9}, {"unknown_field", "kept out of the way"}};
  auto spec = jobs::apply_job_fields(body, media::render_spec{});
  REQUIRE(spec);
  CHECK(spec->audio_path == "/a.mp3");
  CHECK(spec->image_paths == std::vector<std::string>{"/1.png", "/2.png"});
  CHECK(spec->fps == 30);
  CHECK(spec->width == 1280);
  CHECK(spec->height == 720);
  CHECK_FALSE(spec->ken_burns);
  CHECK(spec->zoom_factor == 1.2);
  CHECK(spec->transition == media::transition_kind::fadeblack);
  CHECK(spec->seed == 9);
  CHECK(spec->slide_duration == 3.0);
  CHECK(spec->transition_duration == 0.5);
}

TEST_CASE("resolution accepts a pair or a WxH string", "[job_request]") {
  CHECK(*jobs::parse_resolution(json("1920x1080")) == std::pair<int, int>{1920, 1080});
  CHECK(*jobs::parse_resolution(json::array({720, 1280})) == std::pair<int, int>{720, 1280});
  for (const json& bad : {json("1920"), json("x1080"), json("axb"), json::array({1}), json(5), json("-5x10")}) {
    auto result = jobs::parse_resolution(bad);
    REQUIRE_FALSE(result);
    CHECK(result.error().field == "resolution");
  }
}

TEST_CASE("wrong types name the field", "[job_request]") {
  auto check = [](json body, const std::string& field, const std::string& message) {
    auto spec = jobs::apply_job_fields(body, media::render_spec{});
    REQUIRE_FALSE(spec);
    CHECK(spec.error().code == errc::invalid_argument);
    CHECK(spec.error().field == field);
    CHECK(spec.error().message == message);
  };
  check({{"fps", "30"}}, "fps", "fps must be an integer");
  check({{"fps", 29.97}}, "fps", "fps must be an integer");
  check({{"image_paths", "/one.png"}}, "image_paths", "image_paths must be a list of file paths");
  check({{"image_paths", {1, 2}}}, "image_paths", "image_paths must be a list of file paths");
  check({{"enable_ken_burns", "yes"}}, "enable_ken_burns", "enable_ken_burns must be true or false");
  check({{"zoom_factor", "big"}}, "zoom_factor", "zoom_factor must be a number");
  check({{"transition", "wipe"}}, "transition",
        "transition must be one of crossfade, fadeblack, fadewhite, none, slideleft, slideright, slideup, slidedown, "
        "wipeleft, wiperight, wipeup, wipedown, zoom, circle or random (got \"wipe\")");
  check({{"seed", -1}}, "seed", "seed must be a non-negative integer");
}

TEST_CASE("the body must be a JSON object", "[job_request]") {
  auto broken = jobs::parse_json_object("{\"fps\": ");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().code == errc::malformed_request);
  CHECK(broken.error().message == "the request body is not valid JSON");
  auto list = jobs::parse_json_object("[1,2]");
  REQUIRE_FALSE(list);
  CHECK(list.error().message == "the request body must be a JSON object");
  CHECK(jobs::parse_json_object("{\"fps\": 30}"));
}

TEST_CASE("numbers outside int are named as sent, never wrapped", "[job_request]") {
  auto check = [](const std::string& body, const std::string& field, const std::string& message) {
    auto spec = jobs::apply_job_fields(json::parse(body), media::render_spec{});
    INFO(body);
    REQUIRE_FALSE(spec);
    CHECK(spec.error().code == errc::invalid_argument);
    CHECK(spec.error().field == field);
    CHECK(spec.error().message == message);
  };
  check(R"({"fps": 18446744073709551615})", "fps", "fps 18446744073709551615 is too large");
  check(R"({"fps": 2147483648})", "fps", "fps 2147483648 is too large");
  check(R"({"crf": -2147483649})", "crf", "crf -2147483649 is too small");
  check(R"({"lookahead": 3e9})", "lookahead", "lookahead 3000000000.0 is too large");
  check(R"({"resolution": [18446744073709551615, 1080]})", "resolution",
        "resolution 18446744073709551615x1080 is outside 16x16 .. 7680x4320");
  check(R"({"resolution": [1920, -1]})", "resolution", "resolution 1920x-1 is outside 16x16 .. 7680x4320");
  auto edge = jobs::apply_job_fields(json::parse(R"({"fps": 2147483647, "crf": 30.0})"), media::render_spec{});
  REQUIRE(edge);
  CHECK(edge->fps == 2147483647);
  CHECK(edge->crf == 30);
}

TEST_CASE("edit distance counts a swap of neighbours as one edit", "[job_request]") {
  CHECK(jobs::edit_distance("fps", "fps") == 0);
  CHECK(jobs::edit_distance("fsp", "fps") == 1);
  CHECK(jobs::edit_distance("resoluton", "resolution") == 1);
  CHECK(jobs::edit_distance("", "crf") == 3);
  CHECK(jobs::edit_distance("kitten", "sitting") == 3);
  CHECK(jobs::closest_name("zoom_factr", jobs::job_field_names()) == "zoom_factor");
  CHECK(jobs::closest_name("x", {}) == "");
}

TEST_CASE("unknown fields: refused by check_known_fields, ignored by apply_job_fields", "[job_request]") {
  json body = {{"fps", 30}, {"voice", "alloy"}, {"resoluton", "640x360"}, {"speed", 1.2}, {"scenario", "x"}};
  auto known = jobs::check_known_fields(body);
  REQUIRE_FALSE(known);
  CHECK(known.error().code == errc::invalid_argument);
  // Fields in name order: "resoluton" comes before "scenario", "speed" and "voice".
  CHECK(known.error().field == "resoluton");
  CHECK(known.error().message == R"(unknown field "resoluton"; did you mean "resolution"?)");
  auto spec = jobs::apply_job_fields(body, media::render_spec{});
  REQUIRE(spec);
  CHECK(spec->fps == 30);
  CHECK(spec->width == 1920);
  // Only near misses are warned about: two edits for longer names, one for
  // names of up to 5 letters ("speed" is one from "seed"; "voice" is far).
  CHECK(jobs::likely_misspellings(body) ==
        std::vector<std::string>{R"("resoluton" (did you mean "resolution"?))", R"("speed" (did you mean "seed"?))"});
  CHECK(jobs::check_known_fields(json{{"fps", 30}, {"image_paths", json::array()}}));
}
