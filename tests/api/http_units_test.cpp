// Pure pieces of the HTTP layer: path confinement, Range checks, error
// mapping, metrics text.

#include "api/http_errors.hpp"
#include "api/http_range.hpp"
#include "api/job_json.hpp"
#include "api/media_roots.hpp"
#include "api/metrics_text.hpp"

#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>

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
  auto relative = roots.resolve("images/a.png", "image_paths");
  REQUIRE(relative);
  CHECK(*relative == *inside);

  auto expect = [&](const std::string& path, errc code, const std::string& message) {
    auto result = roots.resolve(path, "image_paths");
    REQUIRE_FALSE(result);
    CHECK(result.error().code == code);
    CHECK(result.error().message == message);
    CHECK(result.error().field == "image_paths");
  };
  std::string outside = " is outside the allowed media folders";
  expect(dir.file("outside/secret.png"), errc::forbidden_path, "image_paths " + dir.file("outside/secret.png") + outside);
  expect(dir.file("root/../outside/secret.png"), errc::forbidden_path,
         "image_paths " + dir.file("root/../outside/secret.png") + outside);
  expect("../outside/secret.png", errc::forbidden_path, "image_paths ../outside/secret.png" + outside);
  // The prefix trick: /x/rootX is not inside /x/root.
  expect(dir.file("rootX/b.png"), errc::forbidden_path, "image_paths " + dir.file("rootX/b.png") + outside);
  expect(dir.file("root/link.png"), errc::forbidden_path, "image_paths " + dir.file("root/link.png") + outside);
  expect(dir.file("root/dirlink/secret.png"), errc::forbidden_path,
         "image_paths " + dir.file("root/dirlink/secret.png") + outside);
  expect(dir.file("root/images/missing.png"), errc::input_missing,
         "image_paths " + dir.file("root/images/missing.png") + " does not exist");
  // A missing file outside the roots is forbidden, not "missing": no probing.
  expect("/etc/no-such-file", errc::forbidden_path, "image_paths /etc/no-such-file" + outside);
  expect(dir.file("root/images"), errc::input_invalid, "image_paths " + dir.file("root/images") + " is not a regular file");
}

TEST_CASE("Range headers are checked against the file size", "[http][range]") {
  CHECK(check_range("", 1000) == range_check::none);
  CHECK(check_range("bytes=0-99", 1000) == range_check::satisfiable);
  CHECK(check_range("bytes=100-", 1000) == range_check::satisfiable);
  CHECK(check_range("bytes=-50", 1000) == range_check::satisfiable);
  CHECK(check_range("bytes=0-1,5-9", 1000) == range_check::satisfiable);
  CHECK(check_range("bytes=990-5000", 1000) == range_check::satisfiable);
  CHECK(check_range("bytes=1000-", 1000) == range_check::unsatisfiable);
  CHECK(check_range("bytes=2000-3000", 1000) == range_check::unsatisfiable);
  CHECK(check_range("bytes=9-2", 1000) == range_check::unsatisfiable);
  CHECK(check_range("bytes=-0", 1000) == range_check::unsatisfiable);
  CHECK(check_range("items=0-1", 1000) == range_check::unsatisfiable);
  CHECK(check_range("bytes=abc", 1000) == range_check::unsatisfiable);
  CHECK(check_range("bytes=0-1", 0) == range_check::unsatisfiable);
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
  CHECK(http_status_for(errc::unavailable) == 503);
  CHECK(http_status_for(errc::internal) == 500);
  auto body = nlohmann::json::parse(error_body(make_error(errc::invalid_argument, "fps must be …", "fps")));
  CHECK(body == nlohmann::json{{"error", {{"code", "invalid_argument"}, {"message", "fps must be …"}, {"field", "fps"}}}});
  auto no_field = nlohmann::json::parse(error_body(make_error(errc::not_found, "no job abc")));
  CHECK_FALSE(no_field["error"].contains("field"));
}

TEST_CASE("metrics are Prometheus text", "[http][metrics]") {
  service_stats stats;
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
                           "vs_job_duration_seconds_count 8", "vs_redis_up 0"})
    CHECK(text.find(std::string(line) + "\n") != std::string::npos);
}

TEST_CASE("timestamps are ISO 8601 UTC", "[http][json]") {
  CHECK(iso8601_utc(0) == "");
  CHECK(iso8601_utc(1764000000123) == "2025-11-24T16:00:00.123Z");
}
