// Bad inputs fail their own job, with a message naming the file, and leave
// other jobs alone.

#include "tests/actors/job_fixture.hpp"

using namespace vs;
using namespace vs::test;

TEST_CASE("a corrupt image fails its job and names the file, other jobs succeed", "[actors]") {
  job_inputs inputs(1.0);
  job_system_fixture fixture(2);
  std::string corrupt = inputs.dir.file("corrupt.png");
  write_bytes(corrupt, std::string("\x89PNG\r\n\x1a\n", 8) + "this is not really a png");
  auto bad_spec = inputs.spec();
  bad_spec.image_paths[1] = corrupt;
  auto good = fixture.jobs().submit(inputs.spec());
  auto bad = fixture.jobs().submit(bad_spec);
  auto good_too = fixture.jobs().submit(inputs.spec());
  REQUIRE(good);
  REQUIRE(bad);
  REQUIRE(good_too);

  auto failed = fixture.wait_for(*bad);
  CHECK(failed.state == jobs::job_state::failed);
  REQUIRE(failed.failure);
  CHECK(failed.failure->code == errc::input_invalid);
  CHECK(failed.failure->message.find(corrupt) != std::string::npos);
  CHECK_FALSE(failed.result);
  CHECK_FALSE(std::filesystem::exists(fixture.video_folder() / (*bad + ".mp4")));

  CHECK(fixture.wait_for(*good).state == jobs::job_state::success);
  CHECK(fixture.wait_for(*good_too).state == jobs::job_state::success);
  CHECK(fixture.jobs().stats().jobs_by_state["failed"] == 1);
  CHECK(fixture.partial_files().empty());
}

TEST_CASE("a missing image fails with input_missing naming the file", "[actors]") {
  job_inputs inputs(1.0);
  job_system_fixture fixture(1);
  auto spec = inputs.spec();
  spec.image_paths.push_back(inputs.dir.file("nowhere.png"));
  auto id = fixture.jobs().submit(spec);
  REQUIRE(id);
  auto failed = fixture.wait_for(*id);
  CHECK(failed.state == jobs::job_state::failed);
  REQUIRE(failed.failure);
  CHECK(failed.failure->code == errc::input_missing);
  CHECK(failed.failure->message.find(inputs.dir.file("nowhere.png")) != std::string::npos);
}

TEST_CASE("an invalid spec is refused at submission with the field named", "[actors]") {
  job_inputs inputs(1.0);
  job_system_fixture fixture(1);
  auto spec = inputs.spec();
  spec.fps = -3;
  auto refused = fixture.jobs().submit(spec);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::invalid_argument);
  CHECK(refused.error().field == "fps");
  CHECK(fixture.jobs().stats().jobs_by_state["queued"] == 0);
}

TEST_CASE("unknown job ids are not_found", "[actors]") {
  job_system_fixture fixture(1);
  auto found = fixture.jobs().find("deadbeef");
  REQUIRE_FALSE(found);
  CHECK(found.error().code == errc::not_found);
  CHECK(found.error().message == "no job with id deadbeef");
  auto waited = fixture.jobs().wait("deadbeef", std::chrono::milliseconds(100));
  REQUIRE_FALSE(waited);
  CHECK(waited.error().code == errc::not_found);
}
