// One long job rendered in chunks by several real worker processes on a
// real Redis (issue 11): shared chunks, a chunk worker or the owner killed,
// cancellation, and no segment file left afterwards.
#include "tests/support/caption_fixtures.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/picture_checks.hpp"
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cmath>
#include <regex>

using namespace vs::test;
using nlohmann::json;

namespace {

/// 640x360 with x264 "slow": about a second per one-second chunk, so two
/// workers overlap and a test can act while chunks render.
const std::string chunked_params = R"({"fps":12,"resolution":"640x360","preset":"slow"})";
const std::map<std::string, std::string> one_second_chunks{{"CHUNK_SECONDS", "1"}};

/// Chunks this worker's log says it rendered to the end.
int chunks_done_in(const child_process& worker) {
  const std::string log = worker.log();
  static const std::regex done(R"(chunk [^ ]+: done in)");
  return static_cast<int>(std::distance(std::sregex_iterator(log.begin(), log.end(), done), std::sregex_iterator()));
}

/// Every chunk key and the chunk queue are gone, and no segment is on disk.
void check_no_chunk_left(pipeline_fixture& pipeline) {
  CHECK(pipeline.redis.cli({"LLEN", "queue:video-service:chunks"}) == "0");
  CHECK(pipeline.redis.cli({"KEYS", "video-service:chunks:*"}).empty());
  CHECK(pipeline.redis.cli({"KEYS", "video-service:chunk:*"}).empty());
  const auto folder = std::filesystem::path(pipeline.output_dir()) / "video" / ".chunks";
  if (std::filesystem::exists(folder))
    CHECK(std::distance(std::filesystem::recursive_directory_iterator(folder),
                        std::filesystem::recursive_directory_iterator()) == 0);
}

std::string chunk_field(pipeline_fixture& pipeline, const std::string& chunk, const std::string& name) {
  return pipeline.redis.cli({"HGET", "video-service:chunk:" + chunk, name});
}

int chunks_with_status(pipeline_fixture& pipeline, const std::string& job, int count, const std::string& status) {
  int found = 0;
  for (int i = 0; i < count; ++i)
    found += chunk_field(pipeline, job + ":" + std::to_string(i), "status") == status ? 1 : 0;
  return found;
}

} // namespace

TEST_CASE("two workers with one render slot each share the chunks of one job", "[worker][redis][chunks]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("long", 6.0, 3);
  pipeline.video_task("long", "long-voice", slides, chunked_params);
  auto w1 = pipeline.start_worker("w1", one_second_chunks);
  auto w2 = pipeline.start_worker("w2", one_second_chunks);
  pipeline.push("long");
  // The task hash shows the chunks while they render.
  REQUIRE(pipeline.eventually([&] { return pipeline.field("long", "chunks_total") == "6"; }));
  CHECK(std::stoi(pipeline.field("long", "chunks_done")) <= 6);

  REQUIRE(pipeline.status_becomes("long", "success", std::chrono::seconds(180)));
  // Six chunks of twelve frames; the owner rendered some while it waited,
  // the other worker the rest.
  // A chunk's "done" line is logged after its completion is written, so the
  // stitch can finish a moment before the last line is in.
  CHECK(pipeline.eventually([&] { return chunks_done_in(*w1) + chunks_done_in(*w2) == 6; }, std::chrono::seconds(10)));
  CHECK(chunks_done_in(*w1) > 0);
  CHECK(chunks_done_in(*w2) > 0);
  CHECK(pipeline.field("long-upload", "queue") == "0");
  auto info = probe_mp4(pipeline.field("long", "result_ref"));
  CHECK(info.moov_before_mdat);
  CHECK(info.video.frame_count == static_cast<int64_t>(std::ceil(6.0 * 12 - 1e-9)));
  CHECK(info.audio.present);
  CHECK(info.video.width == 640);
  check_no_chunk_left(pipeline);
}

TEST_CASE("a chunk worker killed mid-chunk loses only that chunk", "[worker][redis][chunks][crash]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("kc", 6.0, 3);
  pipeline.video_task("kc", "kc-voice", slides, chunked_params);
  auto owner = pipeline.start_worker("owner", one_second_chunks);
  pipeline.push("kc");
  REQUIRE(pipeline.eventually([&] { return pipeline.field("kc", "worker") == "owner"; }));
  auto doomed = pipeline.start_worker("doomed", one_second_chunks);
  std::string victim;
  auto doomed_is_rendering = [&](const std::string& chunk) {
    return chunk_field(pipeline, chunk, "worker") == "doomed" && chunk_field(pipeline, chunk, "status") == "processing";
  };
  // Seen rendering, then frozen and seen again: a chunk that completed
  // between the look and the kill would never be rendered a second time.
  for (int tries = 0;; ++tries) {
    REQUIRE(tries < 20);
    REQUIRE(pipeline.eventually(
        [&] {
          for (int i = 0; i < 6; ++i)
            if (doomed_is_rendering("kc:" + std::to_string(i))) {
              victim = "kc:" + std::to_string(i);
              return true;
            }
          return false;
        },
        std::chrono::seconds(120)));
    doomed->signal(SIGSTOP);
    if (doomed_is_rendering(victim))
      break;
    doomed->signal(SIGCONT);
  }
  doomed->signal(SIGKILL);
  // Reaped once the heartbeat expires, rendered again by the owner.
  REQUIRE(pipeline.eventually([&] { return chunk_field(pipeline, victim, "attempts") == "2"; },
                              std::chrono::seconds(60)));
  REQUIRE(pipeline.status_becomes("kc", "success", std::chrono::seconds(180)));
  CHECK(pipeline.field("kc", "attempts") == "1");
  CHECK(owner->log().find("reaper: ") != std::string::npos);
  CHECK(probe_mp4(pipeline.field("kc", "result_ref")).video.frame_count == 72);
  check_no_chunk_left(pipeline);
}

TEST_CASE("the owner killed mid-job: the next owner reuses every finished chunk", "[worker][redis][chunks][crash]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("ko", 6.0, 3);
  pipeline.video_task("ko", "ko-voice", slides, chunked_params);
  auto first = pipeline.start_worker("first", one_second_chunks);
  pipeline.push("ko");
  // The lone owner renders its own chunks; kill it once two are done.
  REQUIRE(pipeline.eventually([&] { return chunks_with_status(pipeline, "ko", 6, "done") >= 2; },
                              std::chrono::seconds(120)));
  first->signal(SIGKILL);
  first->wait(std::chrono::seconds(10));
  std::vector<std::string> finished;
  for (int i = 0; i < 6; ++i)
    if (chunk_field(pipeline, "ko:" + std::to_string(i), "status") == "done")
      finished.push_back("ko:" + std::to_string(i));
  REQUIRE(finished.size() >= 2);

  auto second = pipeline.start_worker("second", one_second_chunks);
  REQUIRE(pipeline.status_becomes("ko", "success", std::chrono::seconds(180)));
  CHECK(pipeline.field("ko", "worker") == "second");
  CHECK(pipeline.field("ko", "attempts") == "2");
  const std::string log = second->log();
  for (const auto& chunk : finished) {
    INFO("chunk " << chunk << " was done before the owner died");
    CHECK(log.find("chunk " + chunk + ": rendering") == std::string::npos);
  }
  CHECK(chunks_done_in(*second) == 6 - static_cast<int>(finished.size()));
  CHECK(probe_mp4(pipeline.field("ko", "result_ref")).video.frame_count == 72);
  check_no_chunk_left(pipeline);
}

TEST_CASE("cancelling a chunked HTTP job removes its chunks and segments", "[worker][redis][chunks][cancel]") {
  pipeline_fixture pipeline;
  int port = free_port();
  auto worker = pipeline.start_worker("solo", {{"CHUNK_SECONDS", "1"}, {"VIDEO_SERVICE_PORT", std::to_string(port)}});
  pipeline.upstream("hc", 8.0, 3);
  json body{{"audio_path", pipeline.output_dir() + "/voice/audio_hc.mp3"},
            {"image_paths", {pipeline.output_dir() + "/images/image_hc0.png", pipeline.output_dir() + "/images/image_hc1.png"}},
            {"fps", 12},
            {"resolution", "640x360"},
            {"preset", "slow"}};
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  REQUIRE(pipeline.eventually([&] { return client.Get("/health") != nullptr; }, std::chrono::seconds(20)));
  auto posted = client.Post("/jobs", body.dump(), "application/json");
  REQUIRE(posted);
  REQUIRE(posted->status == 202);
  std::string id = json::parse(posted->body)["job_id"];
  REQUIRE(pipeline.eventually([&] { return chunks_with_status(pipeline, id, 8, "done") >= 1; },
                              std::chrono::seconds(120)));
  // GET /jobs/{id} counts the chunks (its progress is frames done across them).
  json running;
  REQUIRE(pipeline.eventually([&] {
    auto got = client.Get(("/jobs/" + id).c_str());
    running = got ? json::parse(got->body) : json();
    return running.value("chunks_done", 0) >= 1;
  }));
  CHECK(running["chunks_total"] == 8);
  CHECK(running["frames_total"] == 96);
  // Its task hash too (mirrored at most once a second).
  CHECK(pipeline.eventually([&] { return pipeline.field(id, "chunks_total") == "8"; }, std::chrono::seconds(5)));
  auto cancelled = client.Delete(("/jobs/" + id).c_str());
  REQUIRE(cancelled);
  CHECK(cancelled->status == 200);
  REQUIRE(pipeline.eventually([&] {
    auto got = client.Get(("/jobs/" + id).c_str());
    return got && json::parse(got->body)["status"] == "cancelled";
  }));
  check_no_chunk_left(pipeline);
  CHECK_FALSE(std::filesystem::exists(pipeline.output_dir() + "/video/" + id + ".mp4"));
}

TEST_CASE("a chunk that fails fails its job with the chunk's error and leaves nothing", "[worker][redis][chunks]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("bad", 6.0, 3);
  // The last slide's header is sound (the owner's check passes) but its
  // pixels are cut off: the chunks that show it fail when they decode it.
  const std::string last = pipeline.output_dir() + "/images/image_bad2.png";
  std::filesystem::resize_file(last, std::filesystem::file_size(last) / 2);
  pipeline.video_task("bad", "bad-voice", slides, chunked_params);
  auto worker = pipeline.start_worker("w", one_second_chunks);
  pipeline.push("bad");
  REQUIRE(pipeline.status_becomes("bad", "failed", std::chrono::seconds(180)));
  const std::string error = pipeline.field("bad", "error");
  INFO(error);
  CHECK(std::regex_search(error, std::regex(R"(^chunk [0-9] of 6 failed: image .*image_bad2\.png)")));
  CHECK(pipeline.field("bad-upload", "queue") == "1");
  check_no_chunk_left(pipeline);
}

// Main's pictures (issue 8) reach the chunks: a chunked job's chunks draw
// with its fit and transitions (the chunk plan carries them) and its owner
// writes the poster beside the video before the video lands.
TEST_CASE("a chunked job asking for a poster gets it beside its video", "[worker][redis][chunks][pictures]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("p", 4.0, 3);
  pipeline.video_task("posted", "p-voice", slides,
                      R"({"fps":12,"resolution":"320x180","preset":"ultrafast","fit":"blur",)"
                      R"("transitions":["wipeleft","random"],"poster":true})");
  auto worker = pipeline.start_worker("w1", one_second_chunks);
  pipeline.push("posted");
  REQUIRE(pipeline.status_becomes("posted", "success", std::chrono::seconds(120)));
  // Rendered in chunks: four of one second, all by the one worker.
  CHECK(chunks_done_in(*worker) == 4);
  const std::string poster = pipeline.field("posted", "poster_ref");
  CHECK(poster == pipeline.output_dir() + "/video/posted.jpg");
  auto picture = jpeg_luma(poster);
  CHECK(picture.width == 320);
  CHECK(picture.height == 180);
  auto info = probe_mp4(pipeline.field("posted", "result_ref"));
  CHECK(info.video.frame_count == 48);
  check_no_chunk_left(pipeline);
}

// A captioned job is chunked too: its owner times the narration's text
// once, the plan carries the caption layout to every chunk, and the owner
// writes the .srt beside the stitched video.
TEST_CASE("a captioned job is rendered in chunks, with its captions", "[worker][redis][chunks][captions]") {
  pipeline_fixture pipeline;
  std::filesystem::create_directories(pipeline.output_dir() + "/text");
  write_bytes(pipeline.output_dir() + "/text/text_t1.txt", "First sentence. Second one!");
  pipeline.hset("t1", {{"service", "text-service"}, {"name", "CreateText"}, {"status", "success"},
                       {"result_ref", "text_t1.txt"}});
  auto slides = pipeline.upstream("c", 4.0, 3);
  pipeline.hset("c-voice", {{"text_task_id", "t1"}});
  pipeline.video_task("captioned", "c-voice", slides,
                      R"({"fps":12,"resolution":"320x180","preset":"ultrafast","captions":true})");
  auto worker = pipeline.start_worker("w1", one_second_chunks);
  pipeline.push("captioned");
  REQUIRE(pipeline.status_becomes("captioned", "success", std::chrono::seconds(120)));
  CHECK(chunks_done_in(*worker) == 4);
  CHECK(worker->log().find("48 frames in 4 chunks") != std::string::npos);
  CHECK(pipeline.field("captioned", "captions_ref") == pipeline.output_dir() + "/video/captioned.srt");
  CHECK(read_srt(pipeline.field("captioned", "captions_ref")).size() == 2);
  CHECK(probe_mp4(pipeline.field("captioned", "result_ref")).video.frame_count == 48);
  check_no_chunk_left(pipeline);
}
