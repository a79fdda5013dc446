// A chunk plan that its owner did not write as a worker expects (a bug, an
// older version, a hand in Redis), read by a real worker process from a real
// Redis: the chunk fails naming the cause and the worker goes on. Every
// worker that claims such a chunk would fall the same way otherwise.
#include "jobs/spec_json.hpp"
#include "media/captions/caption_layout.hpp"
#include "media/captions/layout_json.hpp"
#include "redis/chunk_queue.hpp"
#include "redis/redis_client.hpp"
#include "redis/redis_endpoint.hpp"
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace vs::test;
using nlohmann::json;

namespace {

std::string chunk_field(pipeline_fixture& pipeline, const std::string& chunk, const std::string& name) {
  return pipeline.redis.cli({"HGET", "video-service:chunk:" + chunk, name});
}

/// A 320x240, 12 fps spec as an owner writes it into its plan.
json plan_spec() {
  vs::media::render_spec spec;
  spec.audio_path = "/nowhere/voice.mp3";
  spec.image_paths = {"/nowhere/a.png"};
  spec.width = 320;
  spec.height = 240;
  spec.fps = 12;
  return json::parse(vs::jobs::spec_to_json(spec));
}

} // namespace

TEST_CASE("a chunk plan with a number out of range or a caption layout for other frames fails its chunk naming why",
          "[worker][redis][chunks][hostile]") {
  pipeline_fixture pipeline;
  auto worker = pipeline.start_worker("w", {{"CHUNK_SECONDS", "1"}});

  // Found by fuzz/chunk_plan_fuzz: 3e20 read as an int was undefined
  // behaviour (a sanitized worker aborted; others read INT_MIN).
  json huge_width = plan_spec();
  huge_width["width"] = 3e20;
  // A layout made for 1080p frames beside a 320x240 spec: the painter sizes
  // libass and its buffers by the layout, and drew nothing on these frames.
  json other_frames = plan_spec();
  auto layout = vs::media::captions::make_caption_layout({{0.0, 1.0, "Hello"}}, {}, {}, 1920, 1080, 12);
  REQUIRE(layout);
  other_frames["caption_layout"] = vs::media::captions::layout_to_json(**layout);

  auto endpoint = vs::redis::parse_redis_url(pipeline.redis.url());
  REQUIRE(endpoint);
  vs::redis::redis_client client(*endpoint);
  vs::redis::chunk_queue owner(client, "owner");
  for (const auto& [job, spec] : {std::pair<std::string, json>{"huge", huge_width}, {"framed", other_frames}})
    REQUIRE(owner.plan(job, "1", spec.dump(), "1", {{0, 12}}, std::chrono::hours(1)));

  for (const std::string chunk : {"huge:0", "framed:0"})
    REQUIRE(pipeline.eventually([&] { return chunk_field(pipeline, chunk, "status") == "failed"; },
                                std::chrono::seconds(30)));
  const std::string huge_error = chunk_field(pipeline, "huge:0", "error");
  INFO(huge_error);
  CHECK(huge_error.rfind("the chunk plan's spec is not valid: ", 0) == 0);
  CHECK(huge_error.find("3e+20") != std::string::npos);
  CHECK(chunk_field(pipeline, "framed:0", "error") ==
        "the caption layout is not usable: it is for 1920x1080 at 12 fps, the video is 320x240 at 12 fps");
  REQUIRE(worker->running());

  // And the worker goes on with real work.
  auto slides = pipeline.upstream("after", 1.0);
  pipeline.video_task("after", "after-voice", slides);
  pipeline.push("after");
  REQUIRE(pipeline.status_becomes("after", "success"));
  CHECK(worker->running());
}
