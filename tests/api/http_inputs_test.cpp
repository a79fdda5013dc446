// What a new user's job body meets (issue 10): a misspelt field is refused
// naming the closest real one, paths outside the media folders or missing
// name those folders and MEDIA_ROOTS, relative paths are refused.

#include "tests/api/http_fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace vs::test;
using nlohmann::json;

namespace {

} // namespace

TEST_CASE("a misspelt job field is a 422 naming it and the closest field", "[http][errors]") {
  http_fixture server;
  auto client = server.client();
  json job = server.small_job();
  auto post_with = [&](const std::string& path, const std::string& field, json value) {
    json body = job;
    body[field] = std::move(value);
    return client.Post(path.c_str(), body.dump(), "application/json");
  };
  // Used to render at the default 1920x1080.
  check_error_reply(post_with("/jobs", "resoluton", "640x360"), 422, "invalid_argument",
              R"(unknown field "resoluton"; did you mean "resolution"?)", "resoluton");
  check_error_reply(post_with("/generateVideo", "fsp", 30), 422, "invalid_argument",
              R"(unknown field "fsp"; did you mean "fps"?)", "fsp");
  check_error_reply(post_with("/jobs", "enable_kenburns", false), 422, "invalid_argument",
              R"(unknown field "enable_kenburns"; did you mean "enable_ken_burns"?)", "enable_kenburns");
  check_error_reply(post_with("/jobs", "image_path", json::array()), 422, "invalid_argument",
              R"(unknown field "image_path"; did you mean "image_paths"?)", "image_path");
  // A long name is quoted in part.
  std::string long_name(300, 'q');
  check_error_reply(post_with("/jobs", long_name, 1), 422, "invalid_argument",
              "unknown field \"" + std::string(64, 'q') + "...\"; did you mean \"audio_path\"?",
              std::string(64, 'q') + "...");
  // Nothing was queued by any of them.
  CHECK(body_of(client.Get("/jobs"))["jobs"].empty());
  // null is a known field left at its default, as before.
  json with_null = job;
  with_null["crf"] = nullptr;
  auto accepted = client.Post("/jobs", with_null.dump(), "application/json");
  REQUIRE(accepted);
  CHECK(accepted->status == 202);
}

TEST_CASE("paths outside the media folders or missing name the folders and MEDIA_ROOTS", "[http][errors]") {
  http_fixture server;
  auto client = server.client();
  json job = server.small_job();
  const std::string roots = std::filesystem::canonical(server.dir.file("media")).string();
  auto post_with = [&](const std::string& field, json value) {
    json body = job;
    body[field] = std::move(value);
    return client.Post("/jobs", body.dump(), "application/json");
  };
  check_error_reply(post_with("audio_path", "/etc/passwd"), 403, "forbidden_path",
              "audio_path /etc/passwd is outside the allowed media folders (inputs must lie in MEDIA_ROOTS: " + roots +
                  ", or be uploaded with POST /uploads)",
              "audio_path");
  const std::string missing = server.media("nope.png");
  check_error_reply(post_with("image_paths", json::array({missing})), 404, "input_missing",
              "image_paths " + missing + " does not exist (inputs must lie in MEDIA_ROOTS: " + roots + ", or be uploaded with POST /uploads)",
              "image_paths");
  // The folders are named, never their contents.
  auto forbidden = post_with("audio_path", "/etc/passwd");
  REQUIRE(forbidden);
  CHECK(forbidden->body.find("voice.mp3") == std::string::npos);
  CHECK(forbidden->body.find("slide0.png") == std::string::npos);
}

TEST_CASE("relative input paths are refused, not resolved against the first root", "[http][errors]") {
  http_fixture server;
  auto client = server.client();
  json job = server.small_job();
  const std::string roots = std::filesystem::canonical(server.dir.file("media")).string();
  // voice.mp3 exists in the first (only) root: it used to be taken from there.
  json body = job;
  body["audio_path"] = "voice.mp3";
  check_error_reply(client.Post("/jobs", body.dump(), "application/json"), 422, "invalid_argument",
              "audio_path voice.mp3 is a relative path; give an absolute path (inputs must lie in MEDIA_ROOTS: " +
                  roots + ", or be uploaded with POST /uploads)",
              "audio_path");
  body = job;
  body["image_paths"] = json::array({server.media("slide0.png"), "./slide1.png"});
  check_error_reply(client.Post("/jobs", body.dump(), "application/json"), 422, "invalid_argument",
              "image_paths ./slide1.png is a relative path; give an absolute path (inputs must lie in MEDIA_ROOTS: " +
                  roots + ", or be uploaded with POST /uploads)",
              "image_paths");
}

TEST_CASE("with no media folders every path is refused naming MEDIA_ROOTS", "[http][errors]") {
  http_fixture server([](vs::api::http_config& config) { config.media_roots.clear(); });
  auto client = server.client();
  json job = server.small_job();
  check_error_reply(client.Post("/jobs", job.dump(), "application/json"), 403, "forbidden_path",
              "audio_path " + server.media("voice.mp3") +
                  " is outside the allowed media folders (MEDIA_ROOTS names no folder; upload inputs with POST /uploads)",
              "audio_path");
}
