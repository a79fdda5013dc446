// The job body as /openapi.json documents it, against the code that reads
// it: the same fields, the same names for every choice, request examples a
// real server takes, and a snapshot schema with exactly the fields
// snapshot_json writes.

#include "jobs/caption_fields.hpp"
#include "jobs/field_doc.hpp"
#include "api/job_json.hpp"
#include "jobs/job_request.hpp"
#include "api/openapi_document.hpp"
#include "media/render_spec.hpp"

#include "tests/api/http_fixture.hpp"
#include "tests/support/fixtures.hpp"

#include <algorithm>
#include <set>

using namespace vs;
using nlohmann::json;

namespace {

std::set<std::string> keys_of(const json& object) {
  std::set<std::string> keys;
  for (const auto& [key, value] : object.items())
    keys.insert(key);
  return keys;
}

/// "a, b or c", as the parsers list the names they take.
std::string listing(const json& names) {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i)
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i].get<std::string>();
  return text;
}

/// Where the examples of the document keep their input files.
constexpr const char* example_root = "/srv/media/";

/// `value` with every path under example_root moved into the fixture's
/// media root, creating each file the first time it is named.
json with_local_files(const json& value, const test::http_fixture& server, int& files) {
  if (value.is_array() || value.is_object()) {
    json copy = value;
    for (auto& item : copy)
      item = with_local_files(item, server, files);
    return copy;
  }
  if (!value.is_string() || value.get<std::string>().rfind(example_root, 0) != 0)
    return value;
  const std::string name = value.get<std::string>().substr(std::string(example_root).size());
  const std::string path = server.media(name);
  if (!std::filesystem::exists(path)) {
    const std::string extension = std::filesystem::path(name).extension().string();
    if (extension == ".mp3")
      test::write_test_audio(path, 8.0);
    else if (extension == ".png")
      test::write_test_png(path, 640, 360, 3, files);
    else if (extension == ".jpg")
      test::write_test_jpeg(path, 640, 360, files);
    else
      FAIL("no test file for the example's " << name);
    ++files;
  }
  return path;
}

/// A snapshot with every optional part set.
jobs::job_snapshot full_snapshot() {
  jobs::job_snapshot job;
  job.id = "5f0c2b7e9a4d1c38";
  job.source = "http";
  job.state = jobs::job_state::failed;
  job.chunks_done = 2;
  job.chunks_total = 4;
  job.created_at_ms = 1'700'000'000'000;
  job.started_at_ms = 1'700'000'001'000;
  job.finished_at_ms = 1'700'000'009'500;
  job.result = jobs::job_result{"/out/video/a.mp4", "/out/video/a.srt", 12.5, 123456, 1080, 1920, 30, 375,
                               "/out/video/a.jpg"};
  job.failure = make_error(errc::invalid_argument, "zoom_factor must be between 1.0 and 4.0", "zoom_factor");
  jobs::webhook_report webhook;
  webhook.url = "https://hooks.example.com/video-done";
  webhook.event = "job.failed";
  webhook.delivery_id = "wh_0123456789abcdef0123456789abcdef";
  webhook.state = "pending";
  webhook.attempts = {{1'700'000'010'000, 500, "", 12}, {1'700'000'020'000, 0, "timed out after 10 s", 10000}};
  webhook.attempt_count = 2;
  webhook.next_attempt_ms = 1'700'000'040'000;
  job.webhook = webhook;
  return job;
}

} // namespace

TEST_CASE("the Job schema lists every job field, each described, and no other", "[openapi][job_request]") {
  const json schemas = jobs::job_request_schemas();
  const json& job = schemas.at("Job");
  const auto names = jobs::job_field_names();
  CHECK(keys_of(job.at("properties")) == std::set<std::string>(names.begin(), names.end()));
  CHECK(job.at("properties").size() == names.size());
  CHECK(job.at("additionalProperties") == false);
  for (const auto& [name, schema] : job.at("properties").items()) {
    INFO(name);
    CHECK(schema.at("description").get<std::string>().size() > 10);
  }
  // Defaults of plain fields come from render_spec itself.
  const media::render_spec defaults;
  CHECK(job.at("properties").at("fps").at("default") == defaults.fps);
  CHECK(job.at("properties").at("lookahead").at("default") == defaults.lookahead);
  CHECK(job.at("properties").at("preset").at("default") == defaults.preset);
  CHECK(job.at("properties").at("zoom_factor").at("default") == defaults.zoom_factor);
  CHECK_FALSE(job.at("properties").at("audio_path").contains("default"));
  // The nested objects are generated from their own tables, closed too.
  CHECK(keys_of(schemas.at("Slide").at("properties")) ==
        std::set<std::string>{"path", "duration", "fit", "motion", "focus"});
  CHECK(schemas.at("Slide").at("additionalProperties") == false);
  CHECK(schemas.at("CaptionStyle").at("additionalProperties") == false);
  CHECK(schemas.at("CaptionStyle").at("properties").size() == 13);
}

TEST_CASE("a table row without its schema or description is named, not served half-documented",
          "[openapi][job_request]") {
  CHECK_THROWS_WITH(jobs::field_schema({"callback_url", nullptr, "Where to POST the job when it ends."}),
                    "the field callback_url has no schema in its table");
  CHECK_THROWS_WITH(jobs::field_schema({"callback_url", R"({"type": "string"})", nullptr}),
                    "the field callback_url has no description in its table");
  CHECK_THROWS_WITH(jobs::field_schema({"callback_url", R"({"type": "string")", "x"}),
                    "the schema of the field callback_url is not a JSON object: {\"type\": \"string\"");
  CHECK(jobs::field_schema({"fps", R"({"type": "integer"})", "Frames per second."}) ==
        json{{"type", "integer"}, {"description", "Frames per second."}});
}

TEST_CASE("the documented choices of fit, motion, transition, preset and position are exactly those taken",
          "[openapi][job_request]") {
  const json schemas = jobs::job_request_schemas();
  // A refused name is answered with the list the parser takes: it must be the documented one.
  for (const auto& [field, component] : {std::pair<std::string, std::string>{"fit", "Fit"},
                                         {"motion", "Motion"},
                                         {"transition", "Transition"}}) {
    const json& names = schemas.at(component).at("enum");
    INFO(field);
    for (const auto& name : names)
      CHECK(jobs::apply_job_fields(json{{field, name}}, media::render_spec{}));
    auto refused = jobs::apply_job_fields(json{{field, "sideways"}}, media::render_spec{});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message == field + " must be one of " + listing(names) + " (got \"sideways\")");
  }
  const json& presets = schemas.at("Job").at("properties").at("preset").at("enum");
  CHECK(presets.size() == 10);
  for (const auto& preset : presets)
    CHECK(media::is_x264_preset(preset));

  const json& positions = schemas.at("CaptionStyle").at("properties").at("position").at("enum");
  for (const auto& position : positions)
    CHECK(jobs::parse_caption_style(json{{"position", position}}, {}));
  auto refused = jobs::parse_caption_style(json{{"position", "left"}}, {});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "caption_style.position must be " + listing(positions) + " (got \"left\")");
}

TEST_CASE("a caption_style takes every documented field and refuses any other, naming the closest",
          "[openapi][captions]") {
  const json values = {{"font", "Noto Sans"}, {"bold", false},        {"size", 0.07},
                       {"color", "#FFEE00"},  {"highlight_color", "#00FF00C0"},
                       {"outline_color", "#101010"}, {"outline", 0.1}, {"box", true},
                       {"box_color", "#00000080"}, {"position", "top"}, {"margin", 0.1},
                       {"max_lines", 3},      {"uppercase", true}};
  const json schemas = jobs::job_request_schemas();
  const json& documented = schemas.at("CaptionStyle").at("properties");
  CHECK(keys_of(values) == keys_of(documented));
  auto style = jobs::parse_caption_style(values, {});
  REQUIRE(style);
  CHECK(style->max_lines == 3);
  CHECK(style->uppercase);

  auto misspelt = jobs::parse_caption_style(json{{"size", 0.07}, {"colour", "#FFFFFF"}}, {});
  REQUIRE_FALSE(misspelt);
  CHECK(misspelt.error().code == errc::invalid_argument);
  CHECK(misspelt.error().message == "caption_style has an unknown field \"colour\"; did you mean \"color\"?");
  CHECK(misspelt.error().field == "caption_style.colour");
}

TEST_CASE("a misspelt caption_style field is a 422 naming it, not a job in the default style",
          "[http][openapi][captions]") {
  test::http_fixture server;
  json job = server.small_job();
  job["captions_text"] = "Hello there.";
  job["caption_style"] = {{"size", 0.08}, {"outline_colour", "#FF0000"}};
  auto answer = server.client().Post("/jobs", job.dump(), "application/json");
  test::check_error_reply(answer, 422, "invalid_argument",
                          "caption_style has an unknown field \"outline_colour\"; did you mean \"outline_color\"?",
                          "caption_style.outline_colour");
}

TEST_CASE("the request examples of /openapi.json are accepted by a real server", "[http][openapi]") {
  test::http_fixture server;
  auto client = server.client();
  auto served = client.Get("/openapi.json");
  REQUIRE(served);
  REQUIRE(served->status == 200);
  const json doc = json::parse(served->body);
  const json& body = doc.at("components").at("requestBodies").at("Job");
  CHECK(body.at("description").get<std::string>().find("MEDIA_ROOTS=/srv/media") != std::string::npos);
  const json& examples = body.at("content").at("application/json").at("examples");
  REQUIRE(examples.size() >= 5);
  int files = 0;
  for (const auto& [name, example] : examples.items()) {
    const json job = with_local_files(example.at("value"), server, files);
    INFO("example " << name << ": " << job.dump());
    auto accepted = client.Post("/jobs", job.dump(), "application/json");
    REQUIRE(accepted);
    INFO(accepted->body);
    REQUIRE(accepted->status == 202);
    // Checked, queued: that is all this test needs of it.
    const std::string id = json::parse(accepted->body).at("job_id");
    auto cancelled = client.Delete(("/jobs/" + id).c_str());
    REQUIRE(cancelled);
    CHECK((cancelled->status == 200 || cancelled->status == 409));
  }
  CHECK(files >= 8);
}

TEST_CASE("the snapshot schema has exactly the fields snapshot_json writes", "[openapi][job_json]") {
  const json doc = api::openapi_document("test");
  const json& schemas = doc.at("components").at("schemas");
  const json& snapshot = schemas.at("JobSnapshot");

  // Every optional part set: every property appears, and no other.
  const json full = api::snapshot_json(full_snapshot());
  CHECK(keys_of(full) == keys_of(snapshot.at("properties")));
  CHECK(keys_of(full.at("result")) == keys_of(schemas.at("JobResult").at("properties")));
  CHECK(keys_of(full.at("error")) == keys_of(schemas.at("ErrorObject").at("properties")));
  CHECK(snapshot.at("additionalProperties") == false);
  CHECK(schemas.at("JobResult").at("additionalProperties") == false);
  // Nothing set: exactly the required ones.
  jobs::job_snapshot queued;
  queued.id = "5f0c2b7e9a4d1c38";
  queued.source = "http";
  queued.created_at_ms = 1'700'000'000'000;
  const json minimal = api::snapshot_json(queued);
  const json& required = snapshot.at("required");
  CHECK(keys_of(minimal) == std::set<std::string>(required.begin(), required.end()));
  // The states and error codes are the service's own.
  for (auto state : {jobs::job_state::queued, jobs::job_state::processing, jobs::job_state::success,
                     jobs::job_state::failed, jobs::job_state::cancelled})
    CHECK(std::count(snapshot.at("properties").at("status").at("enum").begin(),
                     snapshot.at("properties").at("status").at("enum").end(), jobs::to_string(state)) == 1);
  const json& codes = schemas.at("ErrorObject").at("properties").at("code").at("enum");
  CHECK(codes.size() == 16);
  CHECK(codes.front() == "invalid_argument");
  CHECK(codes.back() == "internal");
}
