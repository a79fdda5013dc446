// Captions through the HTTP API and the actor job system: fields in the
// body, the .srt beside the video named in the result, caption pixels drawn
// by the renderer pool, and bad captions refused before the job is queued.

#include "tests/api/http_fixture.hpp"
#include "tests/api/redis_http_fixture.hpp"
#include "tests/support/caption_fixtures.hpp"
#include "tests/support/mp4_probe.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

using namespace vs::test;
using nlohmann::json;

namespace {

json grey_job(const http_fixture& server, double seconds) {
  write_test_audio(server.media("voice.mp3"), seconds);
  write_solid_png(server.media("grey.png"), 320, 240, 128, 128, 128);
  return {{"audio_path", server.media("voice.mp3")}, {"image_paths", {server.media("grey.png")}},
          {"resolution", "320x180"}, {"fps", 12}, {"preset", "ultrafast"},
          {"caption_style", {{"color", "#00FF00"}, {"size", 0.12}}}};
}

/// POST /generateVideo, expecting 200: the answer.
json generated(httplib::Client& client, const json& body) {
  auto result = client.Post("/generateVideo", body.dump(), "application/json");
  REQUIRE(result);
  INFO(result->body);
  REQUIRE(result->status == 200);
  return json::parse(result->body);
}

} // namespace

TEST_CASE("a job with inline cues draws them and names the .srt beside the video", "[http][captions]") {
  http_fixture server;
  auto client = server.client();
  json body = grey_job(server, 2.0);
  body["captions"] = json::array({{{"start", 0.5}, {"end", 1.5}, {"text", "Привет из HTTP"}}});
  auto answer = generated(client, body);
  std::string video = answer["video_path"];
  std::string srt = answer["captions_path"];
  CHECK(srt == std::filesystem::path(video).replace_extension(".srt").string());
  auto cues = read_srt(srt);
  REQUIRE(cues.size() == 1);
  CHECK(cues[0].text == "Привет из HTTP");
  CHECK(cues[0].start == 0.5);
  CHECK(body_of(client.Get(("/jobs/" + answer["job_id"].get<std::string>()).c_str()))["result"]["captions_path"] ==
        srt);

  double u = 0, v = 0;
  bt709_chroma(0, 255, 0, u, v);
  auto frames = decode_frames(video);
  REQUIRE(frames.size() == 24);
  CHECK(find_colour(frames[5], u, v, 30).count == 0);   // 0.42 s
  CHECK(find_colour(frames[6], u, v, 30).count > 20);   // 0.5 s
  CHECK(find_colour(frames[17], u, v, 30).count > 20);  // 1.42 s
  CHECK(find_colour(frames[18], u, v, 30).count == 0);  // 1.5 s
}

TEST_CASE("captions_text is timed in the service too", "[http][captions]") {
  http_fixture server;
  auto client = server.client();
  json body = grey_job(server, 3.0);
  write_burst_narration(server.media("bursts.wav"), 3.0, {{0.3, 1.0}, {1.8, 0.9}});
  body["audio_path"] = server.media("bursts.wav");
  body["captions_text"] = "First phrase here. Second one.";
  auto cues = read_srt(generated(client, body)["captions_path"]);
  REQUIRE(cues.size() == 2);
  CHECK(cues[0].text == "First phrase here.");
  CHECK(std::abs(cues[0].start - 0.3) <= 0.15);
  CHECK(std::abs(cues[1].start - 1.8) <= 0.15);
}

TEST_CASE("bad captions are refused before the job is queued, naming the line or field", "[http][captions][errors]") {
  http_fixture server;
  auto client = server.client();
  json good = grey_job(server, 1.0);
  auto with = [&](const char* field, json value) {
    json body = good;
    body[field] = std::move(value);
    return client.Post("/jobs", body.dump(), "application/json");
  };
  write_bytes(server.media("bad.srt"), "1\n00:00:00,000 --> 00:00:01,000\nok\n\nnot a number\n");
  check_error_reply(with("captions", server.media("bad.srt")), 422, "input_invalid",
              "captions file " + server.media("bad.srt") +
                  ", line 5: expected a time line like 00:00:01,000 --> 00:00:02,500, got \"not a number\"",
              "captions");
  write_bytes(server.media("order.srt"), "1\n00:00:02,000 --> 00:00:03,000\nB\n\n2\n00:00:01,000 --> 00:00:02,000\nA\n");
  check_error_reply(with("captions", server.media("order.srt")), 422, "input_invalid",
              "captions file " + server.media("order.srt") +
                  ", line 6: the cue starts at 00:00:01,000, before the cue above it (00:00:02,000): cues must be "
                  "in time order",
              "captions");
  good["captions"] = json::array({{{"start", 0}, {"end", 1}, {"text", "hello"}}});
  check_error_reply(with("caption_style", {{"font", "Nonexistent Sans 3000"}}), 422, "invalid_argument",
              "caption_style.font \"Nonexistent Sans 3000\" is not installed (fc-list lists the installed families)",
              "caption_style.font");
  check_error_reply(with("captions", true), 422, "invalid_argument",
              "captions: true takes the narration text of a Redis task chain; here give a captions file path, a "
              "list of cues, {\"words\": [...]} or captions_text",
              "captions");
  check_error_reply(with("captions", json::array({{{"start", 1}, {"end", 0.5}, {"text", "x"}}})), 422, "invalid_argument",
              "captions[0].end (0.5) must be after its start (1)", "captions");
  check_error_reply(with("captions", "/etc/hostname"), 403, "forbidden_path",
              "captions /etc/hostname is outside the allowed media folders" + server.roots_note(), "captions");
  check_error_reply(with("caption_style", {{"max_lines", 0}}), 422, "invalid_argument",
              "caption_style.max_lines must be between 1 and 10", "caption_style.max_lines");
  check_error_reply(with("captions_text", 42), 422, "invalid_argument", "captions_text must be a string", "captions_text");
  CHECK(body_of(client.Get("/jobs"))["jobs"].empty());
}

TEST_CASE("an HTTP job's Redis mirror names its captions as captions_ref", "[http][redis][captions]") {
  redis_http_fixture server;
  auto client = server.client();
  write_test_audio(server.dir.file("out/voice.mp3"), 1.0);
  write_solid_png(server.dir.file("out/grey.png"), 320, 240, 128, 128, 128);
  json body{{"audio_path", server.dir.file("out/voice.mp3")}, {"image_paths", {server.dir.file("out/grey.png")}},
            {"resolution", "320x180"}, {"fps", 12}, {"preset", "ultrafast"},
            {"captions", json::array({{{"start", 0}, {"end", 1}, {"text", "mirrored"}}})}};
  auto answer = generated(client, body);
  std::string id = answer["job_id"];
  std::string srt = answer["captions_path"];
  CHECK(std::filesystem::exists(srt));
  // The writer mirrors the final state shortly after the answer.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string mirrored;
  while (mirrored.empty() && std::chrono::steady_clock::now() < deadline) {
    mirrored = server.redis.cli({"HGET", "task:" + id, "captions_ref"});
    if (mirrored.empty())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(mirrored == srt);
  CHECK(server.redis.cli({"HGET", "task:" + id, "result_ref"}) == answer["video_path"].get<std::string>());
}
