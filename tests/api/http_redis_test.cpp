// The HTTP API in front of the Redis worker with a real redis-server: what
// a task hash says (written with redis-cli, as any service could) must not
// make the API serve files outside the video folder, break its JSON, or
// make it answer ranges outside RFC 9110.

#include "tests/api/raw_http.hpp"
#include "tests/api/redis_http_fixture.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <sys/stat.h>
#include <thread>

using namespace vs::test;
using nlohmann::json;

namespace {

const std::string replacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

std::optional<raw_response> get(int port, const std::string& target, const std::string& headers = "",
                                const std::string& method = "GET") {
  return raw_exchange(port, method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + headers + "Connection: close\r\n\r\n",
                      method == "HEAD");
}

void check_error(const std::optional<raw_response>& answer, int status, const std::string& code,
                 const std::string& message) {
  REQUIRE(answer);
  INFO(answer->body);
  CHECK(answer->status == status);
  CHECK(answer->header("Content-Type") == "application/json");
  auto failure = json::parse(answer->body)["error"];
  CHECK(failure["code"] == code);
  CHECK(failure["message"] == message);
}

/// A finished video task of our service whose result_ref is `path`.
void video_task(redis_http_fixture& fixture, const std::string& id, const std::string& path) {
  fixture.hset(id, {{"service", "video-service"}, {"status", "success"}, {"result_ref", path}});
}

std::string pattern_bytes(size_t size) {
  std::string bytes(size, '\0');
  for (size_t i = 0; i < size; ++i)
    bytes[i] = static_cast<char>((i * 7 + i / 251) % 256);
  return bytes;
}

} // namespace

TEST_CASE("a task hash cannot make the API serve a file outside the video folder", "[http][redis][video]") {
  redis_http_fixture fixture;
  namespace fs = std::filesystem;
  const std::string video = fixture.dir.file("out/video");
  const std::string real_video = fs::canonical(video).string();
  const std::string outside = " is not inside " + real_video;
  write_bytes(fixture.dir.file("out/secret.txt"), "secret");
  fs::create_symlink("/etc/passwd", video + "/link.mp4");
  fs::create_directories(video + "/folder.mp4");
  REQUIRE(mkfifo((video + "/fifo.mp4").c_str(), 0600) == 0);

  video_task(fixture, "evil1", "/etc/passwd");
  video_task(fixture, "evil2", video + "/../../../../../../etc/passwd");
  video_task(fixture, "evil3", video + "/link.mp4");
  video_task(fixture, "evil4", "../secret.txt");
  video_task(fixture, "evil5", video + "/folder.mp4");
  video_task(fixture, "evil6", video + "/fifo.mp4");
  video_task(fixture, "evil7", video);
  for (const char* id : {"evil1", "evil2", "evil3", "evil4"}) {
    auto answer = get(fixture.port, "/jobs/" + std::string(id) + "/video");
    check_error(answer, 403, "forbidden_path", "the video of job " + std::string(id) + outside);
    CHECK(answer->body.find("root:") == std::string::npos);
    CHECK(answer->body.find("secret\"") == std::string::npos);
  }
  for (const char* id : {"evil5", "evil6", "evil7"})
    check_error(get(fixture.port, "/jobs/" + std::string(id) + "/video"), 403, "forbidden_path",
                "the video of job " + std::string(id) + " is not a regular, non-empty file");
  video_task(fixture, "gone1", video + "/gone.mp4");
  check_error(get(fixture.port, "/jobs/gone1/video"), 404, "not_found", "the video of job gone1 is gone");

  // A genuine video in the folder is served, whole and exact.
  write_bytes(video + "/good1.mp4", "an mp4 stand-in");
  video_task(fixture, "good1", video + "/good1.mp4");
  auto good = get(fixture.port, "/jobs/good1/video");
  REQUIRE(good);
  CHECK(good->status == 200);
  CHECK(good->header("Content-Type") == "video/mp4");
  CHECK(good->body == "an mp4 stand-in");
  auto health = fixture.client().Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("task fields that are not UTF-8 render as valid JSON", "[http][redis][hostile]") {
  redis_http_fixture fixture;
  fixture.hset("bad1", {{"service", "video-service"},
                        {"status", "failed"},
                        {"error", "boom \xff\xfe in \xc3("},
                        {"note\xff", "value \xe2\x82"}});
  auto job = get(fixture.port, "/jobs/bad1");
  REQUIRE(job);
  INFO(job->body);
  CHECK(job->status == 200);
  json snapshot = json::parse(job->body);
  CHECK(snapshot["status"] == "failed");
  CHECK(snapshot["error"]["message"] == "boom " + replacement + replacement + " in " + replacement + "(");

  auto task = get(fixture.port, "/tasks/bad1");
  REQUIRE(task);
  CHECK(task->status == 200);
  json fields = json::parse(task->body);
  CHECK(fields["note" + replacement] == "value " + replacement);
  CHECK(fields["status"] == "failed");

  auto list = fixture.client().Get("/health");
  REQUIRE(list);
  CHECK(list->status == 200);
}

TEST_CASE("counts and progress in a task hash that are no numbers or out of range show as 0 or capped", "[http][redis][hostile]") {
  // atoi on a count longer than an int is undefined; NaN progress was served as null.
  redis_http_fixture fixture;
  fixture.hset("odd1", {{"service", "video-service"},
                        {"status", "processing"},
                        {"progress", "nan"},
                        {"chunks_done", "99999999999999999999"},
                        {"chunks_total", "99999999999999999999"}});
  fixture.hset("odd2", {{"service", "video-service"}, {"status", "processing"}, {"progress", "250"},
                        {"chunks_done", "-4"}, {"chunks_total", "six"}});
  auto first = get(fixture.port, "/jobs/odd1");
  REQUIRE(first);
  INFO(first->body);
  REQUIRE(first->status == 200);
  json odd = json::parse(first->body);
  CHECK(odd["progress"] == 0.0);
  CHECK(odd["chunks_done"] == 2147483647);
  CHECK(odd["chunks_total"] == 2147483647);
  auto second = get(fixture.port, "/jobs/odd2");
  REQUIRE(second);
  REQUIRE(second->status == 200);
  json capped = json::parse(second->body);
  CHECK(capped["progress"] == 1.0);
  CHECK_FALSE(capped.contains("chunks_total"));  // no chunks: the fields are left out
}

TEST_CASE("video ranges follow RFC 9110 section 14", "[http][redis][range]") {
  redis_http_fixture fixture;
  const size_t size = 648'000;
  const std::string bytes = pattern_bytes(size);
  const std::string path = fixture.dir.file("out/video/r1.mp4");
  write_bytes(path, bytes);
  video_task(fixture, "r1", path);
  const std::string total = std::to_string(size);
  auto ranged = [&](const std::string& range, const std::string& method = "GET") {
    return get(fixture.port, "/jobs/r1/video", "Range: " + range + "\r\n", method);
  };
  auto check_whole = [&](const std::optional<raw_response>& answer) {
    REQUIRE(answer);
    CHECK(answer->status == 200);
    CHECK(answer->count("Content-Range") == 0);
    CHECK(answer->header("Content-Length") == total);
    CHECK(answer->body == bytes);
  };
  auto check_part = [&](const std::optional<raw_response>& answer, size_t first, size_t last) {
    REQUIRE(answer);
    CHECK(answer->status == 206);
    CHECK(answer->count("Content-Range") == 1);
    CHECK(answer->header("Content-Range") ==
          "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + total);
    CHECK(answer->header("Content-Type") == "video/mp4");
    CHECK(answer->header("Content-Length") == std::to_string(last - first + 1));
    CHECK(answer->body == bytes.substr(first, last - first + 1));
  };

  auto whole = get(fixture.port, "/jobs/r1/video");
  check_whole(whole);
  CHECK(whole->header("Accept-Ranges") == "bytes");
  check_part(ranged("bytes=0-99"), 0, 99);
  check_part(ranged("bytes=100-"), 100, size - 1);
  check_part(ranged("bytes=-50"), size - 50, size - 1);
  check_part(ranged("Bytes=10-19"), 10, 19);
  // Clamped to the end, not refused.
  check_part(ranged("bytes=0-99999999999999999999"), 0, size - 1);
  check_part(ranged("bytes=-99999999999999999999"), 0, size - 1);
  check_part(ranged("bytes=" + std::to_string(size - 10) + "-" + std::to_string(size + 1000)), size - 10, size - 1);
  // Overlapping and repeated ranges are one part, never copies of the file.
  std::string copies = "bytes=0-";
  for (int i = 0; i < 199; ++i)
    copies += ",0-";
  check_part(ranged(copies), 0, size - 1);
  check_part(ranged("bytes=0-9,5-19"), 0, 19);
  // 800 copies are more specs than a header may have: the file, once.
  std::string many = copies;
  for (int i = 0; i < 600; ++i)
    many += ",0-";
  check_whole(ranged(many));

  // Two ranges: multipart/byteranges, exact bytes, exact length.
  auto multi = ranged("bytes=20-29,0-9");
  REQUIRE(multi);
  CHECK(multi->status == 206);
  CHECK(multi->count("Content-Range") == 0);
  const std::string type = multi->header("Content-Type");
  const std::string prefix = "multipart/byteranges; boundary=";
  REQUIRE(type.compare(0, prefix.size(), prefix) == 0);
  const std::string boundary = type.substr(prefix.size());
  CHECK(multi->body == "--" + boundary + "\r\nContent-Type: video/mp4\r\nContent-Range: bytes 20-29/" + total +
                           "\r\n\r\n" + bytes.substr(20, 10) + "\r\n--" + boundary +
                           "\r\nContent-Type: video/mp4\r\nContent-Range: bytes 0-9/" + total + "\r\n\r\n" +
                           bytes.substr(0, 10) + "\r\n--" + boundary + "--\r\n");
  CHECK(multi->header("Content-Length") == std::to_string(multi->body.size()));
  // More than 16 parts: the whole file instead.
  std::string seventeen = "bytes=0-0";
  for (int i = 1; i < 17; ++i)
    seventeen += "," + std::to_string(i * 10) + "-" + std::to_string(i * 10);
  check_whole(ranged(seventeen));

  // Not satisfiable: 416, one Content-Range: bytes */SIZE, a JSON body.
  for (const std::string& range : std::vector<std::string>{"bytes=" + total + "-", "bytes=-0", "bytes=99999999999999999999-"}) {
    INFO(range);
    auto refused = ranged(range);
    check_error(refused, 416, "invalid_argument",
                "the requested range is not satisfiable: the video of job r1 has " + total + " bytes");
    CHECK(refused->count("Content-Range") == 1);
    CHECK(refused->header("Content-Range") == "bytes */" + total);
  }
  // Invalid (RFC 9110 14.1.1: last-pos < first-pos), foreign units, If-Range
  // (we send no validator it could match), two Range fields: ignored.
  for (const char* range : {"bytes=5-2", "bytes=abc", "items=0-9", "bytes=0-1,7-3"})
    check_whole(ranged(range));
  check_whole(get(fixture.port, "/jobs/r1/video", "Range: bytes=0-9\r\nIf-Range: \"v1\"\r\n"));
  check_whole(get(fixture.port, "/jobs/r1/video", "Range: bytes=0-9\r\nRange: bytes=10-19\r\n"));

  // HEAD: the headers of the GET, no body.
  auto head = ranged("bytes=0-99", "HEAD");
  REQUIRE(head);
  CHECK(head->status == 206);
  CHECK(head->header("Content-Length") == "100");
  CHECK(head->header("Content-Range") == "bytes 0-99/" + total);

  // A Range on other routes or on errors changes nothing: no 416, no multipart, no slicing.
  auto health = get(fixture.port, "/health", "Range: bytes=0-1,5-2\r\n");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body)["status"] == "healthy");
  auto unknown = get(fixture.port, "/jobs/nope/video", "Range: bytes=0-3,5-9\r\n");
  check_error(unknown, 404, "not_found", "no job with id nope");
  CHECK(unknown->count("Content-Range") == 0);
  auto junk = get(fixture.port, "/nothing", "Range: bytes=0-99999999999999999999\r\n");
  check_error(junk, 404, "not_found", "no route for GET /nothing");
}

TEST_CASE("unknown fields in a Redis task's params are ignored, near misses warned about", "[http][redis][params]") {
  // params is shared with the other services of the pipeline (PROTOCOL.md):
  // their fields must not fail our task, unlike an HTTP body's.
  auto previous = spdlog::default_logger();
  auto recorded = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(500);
  auto recording = std::make_shared<spdlog::logger>("recording", recorded);
  spdlog::set_default_logger(recording);
  std::string final_status;
  {
    redis_http_fixture fixture;
    write_test_audio(fixture.dir.file("out/voice.mp3"), 1.0);
    write_test_png(fixture.dir.file("out/a.png"), 64, 64);
    json params = {{"audio_path", fixture.dir.file("out/voice.mp3")},
                   {"image_paths", {fixture.dir.file("out/a.png")}},
                   {"resolution", "320x180"},
                   {"fps", 12},
                   {"preset", "ultrafast"},
                   {"voice", "alloy"},
                   {"text", "spoken by another service"},
                   {"zoom_factr", 1.5}};
    fixture.hset("p1", {{"id", "p1"},
                        {"service", "video-service"},
                        {"name", "CreateVideo"},
                        {"queue", "0"},
                        {"status", "pending"},
                        {"params", params.dump()}});
    fixture.redis.cli({"LPUSH", "queue:video-service", "p1"});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
      final_status = fixture.redis.cli({"HGET", "task:p1", "status"});
      if (final_status == "success" || final_status == "failed")
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    INFO(fixture.redis.cli({"HGET", "task:p1", "error"}));
    CHECK(final_status == "success");
  }
  spdlog::set_default_logger(previous);
  auto lines = recorded->last_formatted();
  auto warned = [&](const std::string& text) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& line) { return line.find(text) != std::string::npos; });
  };
  CHECK(warned(R"(task p1 params: "zoom_factr" (did you mean "zoom_factor"?) is not a video field and is ignored)"));
  CHECK_FALSE(warned(R"("voice")"));
  CHECK_FALSE(warned(R"("text")"));
}
