// Pure pieces of the HTTP layer: path confinement, Range planning, request
// framing, error mapping, metrics text.

#include "api/byte_range_body.hpp"
#include "api/video_file.hpp"
#include "api/http_errors.hpp"
#include "api/http_framing.hpp"
#include "api/http_range.hpp"
#include "api/job_json.hpp"
#include "api/media_roots.hpp"
#include "api/metrics_text.hpp"

#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace vs;
using namespace vs::api;

TEST_CASE("media roots confine paths, resolving .. and symlinks", "[http][roots]") {
  test::temp_dir dir;
  namespace fs = std::filesystem;
  fs::create_directories(dir.path() / "root" / "images");
  fs::create_directories(dir.path() / "rootX");
  fs::create_directories(dir.path() / "outside");
  test::write_bytes(dir.file("root/images/a.png"), "x");
  test::write_bytes(dir.file("rootX/b.png"), "x");
  test::write_bytes(dir.file("outside/secret.png"), "x");
  fs::create_symlink(dir.path() / "outside" / "secret.png", dir.path() / "root" / "link.png");
  fs::create_symlink(dir.path() / "outside", dir.path() / "root" / "dirlink");

  media_roots roots({dir.file("root")});
  auto inside = roots.resolve(dir.file("root/images/a.png"), "image_paths");
  REQUIRE(inside);
  CHECK(*inside == fs::canonical(dir.file("root/images/a.png")).string());

  auto expect = [&](const std::string& path, errc code, const std::string& message) {
    auto result = roots.resolve(path, "image_paths");
    REQUIRE_FALSE(result);
    CHECK(result.error().code == code);
    CHECK(result.error().message == message);
    CHECK(result.error().field == "image_paths");
  };
  const std::string allowed = " (inputs must lie in MEDIA_ROOTS: " + fs::canonical(dir.file("root")).string() + ")";
  std::string outside = " is outside the allowed media folders" + allowed;
  expect(dir.file("outside/secret.png"), errc::forbidden_path, "image_paths " + dir.file("outside/secret.png") + outside);
  expect(dir.file("root/../outside/secret.png"), errc::forbidden_path,
         "image_paths " + dir.file("root/../outside/secret.png") + outside);
  // Relative paths are refused: a client cannot know what they resolve against.
  expect("images/a.png", errc::invalid_argument,
         "image_paths images/a.png is a relative path; give an absolute path" + allowed);
  expect("../outside/secret.png", errc::invalid_argument,
         "image_paths ../outside/secret.png is a relative path; give an absolute path" + allowed);
  // The prefix trick: /x/rootX is not inside /x/root.
  expect(dir.file("rootX/b.png"), errc::forbidden_path, "image_paths " + dir.file("rootX/b.png") + outside);
  expect(dir.file("root/link.png"), errc::forbidden_path, "image_paths " + dir.file("root/link.png") + outside);
  expect(dir.file("root/dirlink/secret.png"), errc::forbidden_path,
         "image_paths " + dir.file("root/dirlink/secret.png") + outside);
  expect(dir.file("root/images/missing.png"), errc::input_missing,
         "image_paths " + dir.file("root/images/missing.png") + " does not exist" + allowed);
  // A missing file outside the roots is forbidden, not "missing": no probing.
  expect("/etc/no-such-file", errc::forbidden_path, "image_paths /etc/no-such-file" + outside);
  expect(dir.file("root/images"), errc::input_invalid, "image_paths " + dir.file("root/images") + " is not a regular file");
}

namespace {

using ranges = std::vector<byte_range>;

range_plan plan(const std::string& header, uint64_t size = 1000) { return plan_ranges(header, size); }

ranges partial(const std::string& header, uint64_t size = 1000) {
  range_plan planned = plan_ranges(header, size);
  INFO(header);
  CHECK(planned.outcome == range_outcome::partial);
  return planned.ranges;
}

std::string repeated(const std::string& spec, int times) {
  std::string header = "bytes=";
  for (int i = 0; i < times; ++i)
    header += (i > 0 ? "," : "") + spec;
  return header;
}

} // namespace

TEST_CASE("Range headers are planned per RFC 9110", "[http][range]") {
  CHECK(partial("bytes=0-99") == ranges{{0, 99}});
  CHECK(partial("bytes=100-") == ranges{{100, 999}});
  CHECK(partial("bytes=-50") == ranges{{950, 999}});
  CHECK(partial("bytes=990-5000") == ranges{{990, 999}});
  // Positions past the end, even past 64 bits, are clamped, not refused.
  CHECK(partial("bytes=0-99999999999999999999") == ranges{{0, 999}});
  CHECK(partial("bytes=-99999999999999999999") == ranges{{0, 999}});
  CHECK(partial("bytes=-5000") == ranges{{0, 999}});
  // The unit is case-insensitive; OWS and empty elements around commas are allowed.
  CHECK(partial("Bytes=0-9") == ranges{{0, 9}});
  CHECK(partial("bytes=0-1, 5-9") == ranges{{0, 1}, {5, 9}});
  CHECK(partial("bytes=0-1 ,,\t5-9,") == ranges{{0, 1}, {5, 9}});
  // An unsatisfiable spec among satisfiable ones is dropped.
  CHECK(partial("bytes=2000-3000,0-0") == ranges{{0, 0}});

  for (const char* unsatisfiable : {"bytes=1000-", "bytes=2000-3000", "bytes=-0", "bytes=1000-,-0",
                                    "bytes=99999999999999999999-"}) {
    INFO(unsatisfiable);
    CHECK(plan(unsatisfiable).outcome == range_outcome::unsatisfiable);
    CHECK(plan(unsatisfiable).ranges.empty());
  }
  CHECK(plan("bytes=0-1", 0).outcome == range_outcome::unsatisfiable);
  CHECK(plan("bytes=-1", 0).outcome == range_outcome::unsatisfiable);

  // Invalid or foreign: ignored, the whole file is sent.
  for (const char* ignored : {"bytes=9-2", "bytes=abc", "bytes=", "bytes=,", "bytes=0-1,x", "bytes=--1", "bytes=1-2-3",
                              "bytes=0x10-", "bytes=+1-2", "bytes=-", "bytes 0-1", "items=0-1", "", "=0-1",
                              "bytes=0-1,5-2"}) {
    INFO(ignored);
    CHECK(plan(ignored).outcome == range_outcome::full);
  }
}

TEST_CASE("Range parts are coalesced, keep their order and are capped", "[http][range]") {
  // Copies of a full range are one part, not copies of the file; 800 of
  // them are more specs than a header may have, so the file is sent once.
  CHECK(partial(repeated("0-", 200)) == ranges{{0, 999}});
  CHECK(plan(repeated("0-", 800)).outcome == range_outcome::full);
  CHECK(partial("bytes=0-9,5-19") == ranges{{0, 19}});
  CHECK(partial("bytes=0-9,10-19") == ranges{{0, 19}});
  CHECK(partial("bytes=50-59,0-9") == ranges{{50, 59}, {0, 9}});
  CHECK(partial("bytes=50-59,0-9,55-70") == ranges{{50, 70}, {0, 9}});
  CHECK(partial("bytes=-10,0-0") == ranges{{990, 999}, {0, 0}});

  auto disjoint = [](int count) {
    std::string header = "bytes=";
    for (int i = 0; i < count; ++i)
      header += (i > 0 ? "," : "") + std::to_string(i * 10) + "-" + std::to_string(i * 10 + 1);
    return header;
  };
  CHECK(partial(disjoint(16)).size() == 16);
  CHECK(plan(disjoint(17)).outcome == range_outcome::full);
  // A header of many specs is ignored even if they would coalesce.
  CHECK(partial(repeated("0-0", 256)) == ranges{{0, 0}});
  CHECK(plan(repeated("0-0", 257)).outcome == range_outcome::full);
  CHECK(plan("bytes=" + std::string(300, ',') + "0-0").outcome == range_outcome::full);
}

TEST_CASE("a 206 body is one slice or multipart/byteranges with exact length", "[http][range]") {
  auto single = make_range_body({{10, 19}}, 100, "video/mp4", "B");
  CHECK(single.content_type == "video/mp4");
  REQUIRE(single.pieces.size() == 1);
  CHECK(single.pieces[0].file_offset == 10);
  CHECK(single.pieces[0].file_length == 10);
  CHECK(single.length == 10);

  auto multi = make_range_body({{50, 59}, {0, 0}}, 100, "video/mp4", "B");
  CHECK(multi.content_type == "multipart/byteranges; boundary=B");
  std::string layout;
  uint64_t sum = 0;
  for (const auto& piece : multi.pieces) {
    layout += piece.file_length > 0 ? "[" + std::to_string(piece.file_offset) + "+" + std::to_string(piece.file_length) + "]"
                                    : piece.text;
    sum += piece.length();
  }
  CHECK(layout == "--B\r\nContent-Type: video/mp4\r\nContent-Range: bytes 50-59/100\r\n\r\n[50+10]"
                  "\r\n--B\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-0/100\r\n\r\n[0+1]\r\n--B--\r\n");
  CHECK(multi.length == sum);
  CHECK(content_range({0, 99}, 100) == "bytes 0-99/100");
  std::string boundary = random_boundary();
  CHECK(boundary.size() <= 70);
  CHECK(boundary != random_boundary());
}

TEST_CASE("a video file is a regular file inside its folder, checked on what was opened", "[http][video]") {
  namespace fs = std::filesystem;
  test::temp_dir dir;
  fs::create_directories(dir.path() / "video" / "sub.mp4");
  test::write_bytes(dir.file("video/a.mp4"), "12345");
  test::write_bytes(dir.file("video/empty.mp4"), "");
  test::write_bytes(dir.file("secret.mp4"), "secret");
  fs::create_symlink(dir.path() / "secret.mp4", dir.path() / "video" / "link.mp4");
  REQUIRE(::mkfifo(dir.file("video/fifo.mp4").c_str(), 0600) == 0);
  const std::string folder = dir.file("video");
  const std::string real_folder = fs::canonical(folder).string();

  auto good = open_video_file(folder, dir.file("video/a.mp4"), "the video");
  REQUIRE(good);
  CHECK((*good)->size() == 5);
  char bytes[8] = {};
  CHECK(read_at(**good, 1, bytes, sizeof bytes) == 4);
  CHECK(std::string(bytes, 4) == "2345");
  auto relative = open_video_file(folder, "a.mp4", "the video");
  REQUIRE(relative);
  CHECK((*relative)->size() == 5);

  auto refused = [&](const std::string& path, errc code, const std::string& message) {
    auto opened = open_video_file(folder, path, "the video of job j");
    INFO(path);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == code);
    CHECK(opened.error().message == message);
  };
  std::string outside = "the video of job j is not inside " + real_folder;
  std::string not_regular = "the video of job j is not a regular, non-empty file";
  refused("/etc/passwd", errc::forbidden_path, outside);
  refused(dir.file("video/../secret.mp4"), errc::forbidden_path, outside);
  refused("../secret.mp4", errc::forbidden_path, outside);
  refused(dir.file("video/link.mp4"), errc::forbidden_path, outside);
  refused(folder, errc::forbidden_path, not_regular);
  refused(dir.file("video/sub.mp4"), errc::forbidden_path, not_regular);
  refused(dir.file("video/fifo.mp4"), errc::forbidden_path, not_regular);
  refused(dir.file("video/empty.mp4"), errc::forbidden_path, not_regular);
  refused(dir.file("video/missing.mp4"), errc::not_found, "the video of job j is gone");
  auto no_folder = open_video_file(dir.file("nope"), "a.mp4", "the video");
  REQUIRE_FALSE(no_folder);
  CHECK(no_folder.error().message == "the video is not available: the folder " + dir.file("nope") + " does not exist");
}

namespace {

request_framing framing_of(const std::string& method, const httplib::Headers& headers) {
  httplib::Request request;
  request.method = method;
  request.headers = headers;
  return check_framing(request, 1000);
}

void check_refused(const request_framing& framing, int status, const std::string& message) {
  REQUIRE(framing.refusal);
  CHECK(framing.refusal->status == status);
  CHECK(framing.refusal->failure.message == message);
}

} // namespace

TEST_CASE("request framing: one clear Content-Length or chunked, within the limit", "[http][framing]") {
  CHECK(framing_of("GET", {}).kind == body_framing::none);
  CHECK(framing_of("GET", {{"Content-Length", "0"}}).kind == body_framing::none);
  auto length = framing_of("POST", {{"Content-Length", "1000"}});
  CHECK_FALSE(length.refusal);
  CHECK(length.kind == body_framing::length);
  CHECK(length.length == 1000);
  CHECK(framing_of("POST", {{"Transfer-Encoding", "Chunked"}}).kind == body_framing::chunked);

  check_refused(framing_of("POST", {{"Content-Length", "5"}, {"Content-Length", "6"}}), 400,
                "the request has 2 Content-Length headers; one is allowed");
  check_refused(framing_of("POST", {{"Content-Length", "5"}, {"Content-Length", "5"}}), 400,
                "the request has 2 Content-Length headers; one is allowed");
  for (const char* bad : {"5, 5", "-1", "+5", "0x10", "abc", ""})
    check_refused(framing_of("POST", {{"Content-Length", bad}}), 400,
                  "Content-Length must be a decimal number (got \"" + std::string(bad) + "\")");
  check_refused(framing_of("POST", {{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}}), 400,
                "the request has both Content-Length and Transfer-Encoding");
  check_refused(framing_of("POST", {{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}), 400,
                "the request has 2 Transfer-Encoding headers; one is allowed");
  check_refused(framing_of("POST", {{"Transfer-Encoding", "gzip, chunked"}}), 501,
                "Transfer-Encoding \"gzip, chunked\" is not supported; only chunked is");
  check_refused(framing_of("GET", {{"Content-Length", "5"}}), 400, "GET requests cannot have a body");
  check_refused(framing_of("HEAD", {{"Transfer-Encoding", "chunked"}}), 400, "HEAD requests cannot have a body");
  check_refused(framing_of("POST", {{"Content-Length", "1001"}}), 413,
                "the request body is larger than the limit of 1000 bytes");
  check_refused(framing_of("POST", {{"Content-Length", "99999999999999999999999"}}), 413,
                "the request body is larger than the limit of 1000 bytes");
}

TEST_CASE("error codes map onto HTTP statuses in one place", "[http][errors]") {
  CHECK(http_status_for(errc::malformed_request) == 400);
  CHECK(http_status_for(errc::forbidden_path) == 403);
  CHECK(http_status_for(errc::input_missing) == 404);
  CHECK(http_status_for(errc::not_found) == 404);
  CHECK(http_status_for(errc::conflict) == 409);
  CHECK(http_status_for(errc::input_too_large) == 413);
  CHECK(http_status_for(errc::invalid_argument) == 422);
  CHECK(http_status_for(errc::input_invalid) == 422);
  CHECK(http_status_for(errc::busy) == 429);
  CHECK(http_status_for(errc::unavailable) == 503);
  CHECK(http_status_for(errc::internal) == 500);
  auto body = nlohmann::json::parse(error_body(make_error(errc::invalid_argument, "fps must be …", "fps")));
  CHECK(body == nlohmann::json{{"error", {{"code", "invalid_argument"}, {"message", "fps must be …"}, {"field", "fps"}}}});
  auto no_field = nlohmann::json::parse(error_body(make_error(errc::not_found, "no job abc")));
  CHECK_FALSE(no_field["error"].contains("field"));
}

TEST_CASE("metrics are Prometheus text", "[http][metrics]") {
  vs::jobs::service_stats stats;
  stats.running = 2;
  stats.queued = 5;
  stats.max_concurrent = 2;
  stats.jobs_by_state = {{"success", 7}, {"failed", 1}};
  stats.frames_rendered = 1234;
  stats.render_fps = 48.5;
  stats.duration_buckets = {1, 10, 60};
  stats.duration_bucket_counts = {0, 5, 8};
  stats.duration_count = 8;
  stats.duration_sum = 123.5;
  std::string text = render_metrics(stats);
  for (const char* line : {"# TYPE vs_jobs gauge", "vs_jobs{state=\"success\"} 7", "vs_jobs{state=\"cancelled\"} 0",
                           "vs_jobs_running 2", "vs_queue_depth 5", "# TYPE vs_frames_rendered_total counter",
                           "vs_frames_rendered_total 1234", "vs_render_fps 48.5",
                           "# TYPE vs_job_duration_seconds histogram", "vs_job_duration_seconds_bucket{le=\"10\"} 5",
                           "vs_job_duration_seconds_bucket{le=\"+Inf\"} 8", "vs_job_duration_seconds_sum 123.5",
                           "vs_job_duration_seconds_count 8"})
    CHECK(text.find(std::string(line) + "\n") != std::string::npos);
  // Standalone (redis_state "disabled"): no Redis gauge at all.
  CHECK(text.find("vs_redis_up") == std::string::npos);
  stats.redis_state = "down";
  CHECK(render_metrics(stats).find("\nvs_redis_up 0\n") != std::string::npos);
  stats.redis_state = "up";
  CHECK(render_metrics(stats).find("\nvs_redis_up 1\n") != std::string::npos);
}

TEST_CASE("timestamps are ISO 8601 UTC", "[http][json]") {
  CHECK(iso8601_utc(0) == "");
  CHECK(iso8601_utc(1764000000123) == "2025-11-24T16:00:00.123Z");
}
