// The picture fields over real HTTP: slides as objects, fit, transitions and
// the poster through a real server and the real job system, the poster
// served at GET /jobs/{id}/poster, and bad values a 422 naming the field.

#include "tests/api/http_fixture.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/picture_checks.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

using namespace vs::test;
using nlohmann::json;

namespace {

json final_state(httplib::Client& client, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    auto job = body_of(client.Get(("/jobs/" + id).c_str()));
    const std::string status = job["status"];
    if (status == "success" || status == "failed" || status == "cancelled")
      return job;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("job " << id << " still " << status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string file_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void check_422(const httplib::Result& result, const std::string& field, const std::string& message) {
  REQUIRE(result);
  INFO(result->body);
  CHECK(result->status == 422);
  auto body = json::parse(result->body);
  CHECK(body["error"]["code"] == "invalid_argument");
  CHECK(body["error"]["field"] == field);
  CHECK(body["error"]["message"] == message);
}

} // namespace

TEST_CASE("slides, fit blur, random transitions and a poster over HTTP", "[http][pictures]") {
  http_fixture server;
  auto client = server.client();
  json body = server.small_job(2.0, 3);
  json slides = json::array();
  for (const auto& path : body["image_paths"])
    slides.push_back(path);
  slides[1] = {{"path", slides[1]}, {"duration", 0.75}, {"fit", "contain"}, {"motion", "in"}, {"focus", {0.3, 0.6}}};
  body.erase("image_paths");
  body["slides"] = slides;
  body["fit"] = "blur";
  body["background"] = "#203040";
  body["transition"] = "random";
  body["poster"] = true;

  auto posted = client.Post("/jobs", body.dump(), "application/json");
  REQUIRE(posted);
  INFO(posted->body);
  REQUIRE(posted->status == 202);
  const std::string id = json::parse(posted->body)["job_id"];
  auto job = final_state(client, id);
  INFO(job.dump());
  REQUIRE(job["status"] == "success");
  const std::string poster_path = job["result"]["poster_path"];
  CHECK(poster_path == server.dir.file("out/video/" + id + ".jpg"));
  CHECK(job["result"]["poster_url"] == "/jobs/" + id + "/poster");
  // The video still follows the narration.
  CHECK(probe_mp4(job["result"]["video_path"]).video.duration == Approx(2.0).margin(1.0 / 12));

  auto poster = client.Get(("/jobs/" + id + "/poster").c_str());
  REQUIRE(poster);
  CHECK(poster->status == 200);
  CHECK(poster->get_header_value("Content-Type") == "image/jpeg");
  CHECK(poster->body == file_bytes(poster_path));
  // With byte ranges, as the video.
  auto head = client.Get(("/jobs/" + id + "/poster").c_str(), {{"Range", "bytes=0-9"}});
  REQUIRE(head);
  CHECK(head->status == 206);
  CHECK(head->body == file_bytes(poster_path).substr(0, 10));
  auto picture = jpeg_luma(poster_path);
  CHECK(picture.width == 320);
  CHECK(picture.height == 180);

  // A job without a poster: 404 naming why.
  json plain = server.small_job();
  auto plain_posted = client.Post("/generateVideo", plain.dump(), "application/json");
  REQUIRE(plain_posted);
  REQUIRE(plain_posted->status == 200);
  auto plain_answer = json::parse(plain_posted->body);
  CHECK_FALSE(plain_answer.contains("poster_url"));
  const std::string plain_id = plain_answer["job_id"];
  auto missing = client.Get(("/jobs/" + plain_id + "/poster").c_str());
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body)["error"]["message"] ==
        "job " + plain_id + " has no poster: it was rendered without \"poster\"");

  // POST /generateVideo answers with the poster too.
  plain["poster"] = 0.5;
  auto with_poster = client.Post("/generateVideo", plain.dump(), "application/json");
  REQUIRE(with_poster);
  REQUIRE(with_poster->status == 200);
  auto answer = json::parse(with_poster->body);
  CHECK(answer["poster_url"] == "/jobs/" + answer["job_id"].get<std::string>() + "/poster");
  CHECK(jpeg_luma(answer["poster_path"]).width == 320);
}

TEST_CASE("bad picture fields over HTTP are a 422 naming the field", "[http][pictures][errors]") {
  http_fixture server;
  auto client = server.client();
  const json good = server.small_job(2.0, 3);
  auto with = [&](const char* field, json value) {
    json body = good;
    body[field] = std::move(value);
    return client.Post("/jobs", body.dump(), "application/json");
  };
  auto with_slides = [&](json slides) {
    json body = good;
    body.erase("image_paths");
    body["slides"] = std::move(slides);
    return client.Post("/jobs", body.dump(), "application/json");
  };
  const std::string image = good["image_paths"][0];

  check_422(with("slides", json::array({image})), "slides", "give image_paths or slides, not both");
  check_422(with("transition", "dissolve"), "transition",
            "transition must be one of crossfade, fadeblack, fadewhite, none, slideleft, slideright, slideup, "
            "slidedown, wipeleft, wiperight, wipeup, wipedown, zoom, circle or random (got \"dissolve\")");
  check_422(with("transitions", json::array({"crossfade"})), "transitions",
            "transitions has 1 entries but 3 slides have 2 boundaries");
  check_422(with("fit", "fill"), "fit", "fit must be one of cover, contain or blur (got \"fill\")");
  check_422(with("background", "#12345"), "background",
            "background must be a colour as \"#RRGGBB\" or \"#RGB\" (got \"#12345\")");
  check_422(with("slide_starts", json::array({0, 1.0, 0.5})), "slide_starts",
            "slide_starts[2] (0.5 s) must come at least one frame (0.0833 s at 12 fps) after slide_starts[1] (1 s)");
  check_422(with("slide_starts", json::array({0.2, 1.0, 1.5})), "slide_starts", "slide_starts must begin with 0 (got 0.2)");
  check_422(with_slides(json::array({image, json{{"path", image}, {"focus", json::array({2, 0})}}, image})),
            "slides[1].focus", "slides[1].focus must be [x, y], fractions of the picture between 0 and 1");
  check_422(with_slides(json::array({image, json{{"path", image}, {"motion", "spin"}}, image})), "slides[1].motion",
            "slides[1].motion must be one of auto, in, out, left, right, up, down or none (got \"spin\")");
  check_422(with_slides(json::array({image, json{{"duration", 1}}, image})), "slides[1].path",
            "slides[1].path must not be empty");
  // A slide outside the media root is refused naming the slide.
  auto outside = with_slides(json::array({image, json{{"path", "/etc/hostname"}}}));
  REQUIRE(outside);
  CHECK(outside->status == 403);
  CHECK(json::parse(outside->body)["error"]["field"] == "slides[1].path");
  CHECK(json::parse(outside->body)["error"]["message"] ==
        "slides[1].path /etc/hostname is outside the allowed media folders" + server.roots_note());

  // Durations longer than the narration: known once the audio is read, so the job fails naming the field.
  auto long_slides = with_slides(json::array({json{{"path", image}, {"duration", 1.5}}, json{{"path", image}, {"duration", 1.5}}, image}));
  REQUIRE(long_slides);
  REQUIRE(long_slides->status == 202);
  auto failed = final_state(client, json::parse(long_slides->body)["job_id"]);
  INFO(failed.dump());
  CHECK(failed["status"] == "failed");
  CHECK(failed["error"]["field"] == "slides");
  CHECK(failed["error"]["message"] ==
        "the slides' durations add up to 3 s of the 2 s narration, leaving less than one frame (0.0833 s at 12 fps) "
        "to each of the 1 slides without a duration: shorten the durations");
  CHECK(body_of(client.Get("/health"))["status"] == "healthy");
}
