// Jobs made of uploads, against a real server on loopback with the real job
// system: jobs naming uploads by path or upload:{id}, a job submitted as one
// multipart request, confinement of the uploads folder, and the sweep that
// collects old uploads but keeps those of live jobs. Renders are decoded.

#include "tests/api/http_fixture.hpp"
#include "tests/api/raw_http.hpp"
#include "tests/api/upload_helpers.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/process_memory.hpp"

#include <catch2/catch.hpp>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

using namespace vs::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// Uploads the file at `path` raw; returns the answer's description.
json upload(httplib::Client& client, const std::string& path) {
  auto answer = client.Post(("/uploads?filename=" + fs::path(path).filename().string()).c_str(), file_bytes(path),
                            "application/octet-stream");
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 201);
  return json::parse(answer->body);
}

/// Checks a finished job's video: its size and that it lasts as long as the narration.
void check_video(const json& job, double seconds) {
  INFO(job.dump());
  REQUIRE(job["status"] == "success");
  mp4_info video = probe_mp4(job["result"]["video_path"]);
  CHECK(video.video.width == 320);
  CHECK(video.video.height == 180);
  CHECK(video.audio.present);
  CHECK(video.duration == Approx(seconds).margin(0.15));
}

json small_settings() { return {{"resolution", "320x180"}, {"fps", 12}, {"preset", "ultrafast"}}; }

void age(const std::string& path, std::chrono::hours by) {
  fs::last_write_time(path, fs::file_time_type::clock::now() - by);
}

bool young(const std::string& path) {
  return fs::file_time_type::clock::now() - fs::last_write_time(path) < std::chrono::minutes(1);
}

/// Polls `done` every 20 ms for up to `limit`.
bool eventually(const std::function<bool()>& done, std::chrono::seconds limit = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string status_of(httplib::Client& client, const std::string& id) {
  return body_of(client.Get(("/jobs/" + id).c_str()))["status"];
}

} // namespace

TEST_CASE("a job renders from uploaded files named by path and by upload:{id}", "[http][uploads]") {
  http_fixture server;
  auto client = server.client();
  write_test_audio(server.media("voice.mp3"), 2.0);
  write_test_png(server.media("a.png"), 320, 240, 3, 0);
  write_test_png(server.media("b.png"), 320, 240, 3, 1);
  json voice = upload(client, server.media("voice.mp3"));
  json a = upload(client, server.media("a.png"));
  json b = upload(client, server.media("b.png"));
  // Only the uploads are left to render from.
  fs::remove_all(server.dir.file("media"));
  fs::create_directories(server.dir.file("media"));

  json job = small_settings();
  job["audio_path"] = voice["path"];
  job["image_paths"] = {"upload:" + a["id"].get<std::string>(), b["path"]};
  auto queued = client.Post("/jobs", job.dump(), "application/json");
  REQUIRE(queued);
  INFO(queued->body);
  REQUIRE(queued->status == 202);
  check_video(wait_until_final(client, json::parse(queued->body)["job_id"]), 2.0);
}

TEST_CASE("a job naming an upload that does not exist gets 422 naming it", "[http][uploads][errors]") {
  http_fixture server;
  auto client = server.client();
  json job = server.small_job();
  const std::string folder = uploads_folder(server);
  const std::string missing_id = std::string(64, 'a') + ".mp3";
  const std::string gone = " is no stored upload: it was never uploaded, or was removed after UPLOAD_MAX_AGE_HOURS "
                           "unused; upload it again";
  auto post_with = [&](const std::string& field, json value) { return post_job_with(client, job, field, value); };
  check_error_reply(post_with("audio_path", "upload:" + missing_id), 422, "input_invalid",
                "audio_path upload:" + missing_id + gone, "audio_path");
  check_error_reply(post_with("image_paths", json::array({folder + "/" + missing_id})), 422, "input_invalid",
                "image_paths " + folder + "/" + missing_id + gone, "image_paths");
  check_error_reply(post_with("music_path", "upload:../../etc/passwd"), 422, "invalid_argument",
                "music_path upload:../../etc/passwd is not an upload reference: upload:{id} takes an id as POST "
                "/uploads returns it (64 hex digits, a dot, an extension)",
                "music_path");
  check_error_reply(post_with("audio_path", "@voice"), 422, "invalid_argument",
                "audio_path @voice names a request part; only a multipart/form-data job has parts", "audio_path");
  CHECK(body_of(client.Get("/jobs"))["jobs"].empty());
}

TEST_CASE("the uploads folder confines like a media root: .. and symlinks cannot leave it", "[http][uploads][errors]") {
  http_fixture server;
  auto client = server.client();
  json job = server.small_job();
  const std::string folder = uploads_folder(server);
  write_test_audio(server.dir.file("out/secret.mp3"), 1.0);
  write_test_png(server.dir.file("out/secret.png"), 32, 32);
  auto post_with = [&](const std::string& field, json value) { return post_job_with(client, job, field, value); };
  const std::string dotdot = server.dir.file("out/uploads/../secret.mp3");
  check_error_reply(post_with("audio_path", dotdot), 403, "forbidden_path",
                "audio_path " + dotdot + " is outside the allowed media folders" + server.roots_note(), "audio_path");
  // A link named like an upload, pointing out of the folder.
  const std::string link = folder + "/" + std::string(64, 'b') + ".png";
  fs::create_symlink(server.dir.file("out/secret.png"), link);
  check_error_reply(post_with("image_paths", json::array({link})), 403, "forbidden_path",
                "image_paths " + link + " is outside the allowed media folders" + server.roots_note(), "image_paths");
  check_error_reply(post_with("image_paths", json::array({"upload:" + std::string(64, 'b') + ".png"})), 403,
                "forbidden_path",
                "image_paths upload:" + std::string(64, 'b') + ".png is outside the allowed media folders" +
                    server.roots_note(),
                "image_paths");
  CHECK(body_of(client.Get("/jobs"))["jobs"].empty());
}

TEST_CASE("one multipart request submits a job with its files", "[http][uploads]") {
  http_fixture server;
  auto client = server.client();
  write_test_audio(server.media("voice.mp3"), 2.0);
  write_test_png(server.media("a.png"), 320, 240, 3, 0);
  write_test_png(server.media("b.png"), 640, 480, 3, 1);
  const std::string mp3 = file_bytes(server.media("voice.mp3"));
  const std::string a = file_bytes(server.media("a.png"));
  const std::string b = file_bytes(server.media("b.png"));
  json job = small_settings();
  job["audio_path"] = "@voice";
  job["slides"] = {{{"path", "@a"}, {"duration", 0.5}}, "@b", {{"path", "@a"}}};
  httplib::MultipartFormDataItems parts{{"job", job.dump(), "", "application/json"},
                                        {"voice", mp3, "voice.mp3", "audio/mpeg"},
                                        {"a", a, "a.png", "image/png"},
                                        {"b", b, "b.png", "image/png"}};
  auto queued = client.Post("/jobs", parts);
  REQUIRE(queued);
  INFO(queued->body);
  REQUIRE(queued->status == 202);
  check_video(wait_until_final(client, json::parse(queued->body)["job_id"]), 2.0);
  const std::string folder = uploads_folder(server);
  CHECK(names_in(folder) == std::set<std::string>{sha256sum(server.media("voice.mp3")) + ".mp3",
                                                  sha256sum(server.media("a.png")) + ".png",
                                                  sha256sum(server.media("b.png")) + ".png"});

  // POST /generateVideo the same way answers with the video.
  auto generated = client.Post("/generateVideo", parts);
  REQUIRE(generated);
  INFO(generated->body);
  REQUIRE(generated->status == 200);
  json answer = json::parse(generated->body);
  CHECK(answer["success"] == true);
  CHECK(probe_mp4(answer["video_path"]).duration == Approx(2.0).margin(0.15));
}

TEST_CASE("a refused multipart job queues nothing and says why", "[http][uploads][errors]") {
  http_fixture server;
  auto client = server.client();
  write_test_audio(server.media("voice.mp3"), 1.0);
  write_test_png(server.media("a.png"), 320, 240);
  const std::string mp3 = file_bytes(server.media("voice.mp3"));
  const std::string a = file_bytes(server.media("a.png"));
  json job = small_settings();
  job["audio_path"] = "@voice";
  job["image_paths"] = {"@a"};
  auto post = [&](const json& body, httplib::MultipartFormDataItems files) {
    files.push_back({"job", body.is_string() ? body.get<std::string>() : body.dump(), "", "application/json"});
    return client.Post("/jobs", files);
  };
  const httplib::MultipartFormDataItems both{{"voice", mp3, "voice.mp3", "audio/mpeg"}, {"a", a, "a.png", "image/png"}};

  check_error_reply(client.Post("/jobs", both), 422, "invalid_argument",
                "a multipart/form-data job needs a part named job holding the job's JSON", "job");
  auto not_json = post(json("{\"audio_path\": "), both);
  REQUIRE(not_json);
  CHECK(not_json->status == 400);
  CHECK(json::parse(not_json->body)["error"]["message"] == "the request body is not valid JSON");
  json typo = job;
  typo["audio_path"] = "@vocie";
  check_error_reply(post(typo, both), 422, "invalid_argument",
                "audio_path names part @vocie, which the request does not have (its file parts: voice, a)",
                "audio_path");
  auto extra = both;
  extra.push_back({"music", mp3, "music.mp3", "audio/mpeg"});
  check_error_reply(post(job, extra), 422, "invalid_argument",
                "part music is not used by the job; name it as \"@music\" in a path field (audio_path, music_path, "
                "image_paths, slides, captions)",
                "music");
  auto twice = both;
  twice.push_back({"a", a, "a.png", "image/png"});
  check_error_reply(post(job, twice), 422, "invalid_argument", "the request has two parts named a", "a");
  check_error_reply(post(job, {{"voice", "just words", "voice.mp3", "audio/mpeg"}, {"a", a, "a.png", "image/png"}}), 415,
                "input_invalid", "file voice.mp3 is text, not audio or an image (JPEG, PNG, BMP or GIF)", "voice");
  // A bad job field, found after the files were stored: no job, the
  // uploads stay for the sweep.
  json bad = job;
  bad["fps"] = 0;
  auto refused = post(bad, both);
  REQUIRE(refused);
  INFO(refused->body);
  CHECK(refused->status == 422);
  CHECK(json::parse(refused->body)["error"]["field"] == "fps");
  CHECK(body_of(client.Get("/jobs"))["jobs"].empty());
  // The connection is fine for a good one afterwards.
  auto good = post(job, both);
  REQUIRE(good);
  CHECK(good->status == 202);
}

TEST_CASE("a gzip job body is bounded as it inflates and not after", "[http][errors][memory]") {
  http_fixture server;
  // 256 MiB of spaces compress to a quarter of a megabyte, under the 1 MiB limit.
  std::string compressed;
  z_stream zip{};
  REQUIRE(deflateInit2(&zip, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string input(1 << 20, ' ');
  char out[1 << 16];
  for (int i = 0; i < 256; ++i) {
    zip.next_in = reinterpret_cast<Bytef*>(input.data());
    zip.avail_in = static_cast<uInt>(input.size());
    const int flush = i == 255 ? Z_FINISH : Z_NO_FLUSH;
    do {
      zip.next_out = reinterpret_cast<Bytef*>(out);
      zip.avail_out = sizeof out;
      deflate(&zip, flush);
      compressed.append(out, sizeof out - zip.avail_out);
    } while (zip.avail_out == 0);
  }
  deflateEnd(&zip);
  REQUIRE(compressed.size() < (1u << 20));

  const int64_t baseline_kb = proc_status_kb("VmRSS");
  std::atomic<bool> sending{true};
  std::atomic<int64_t> peak_kb{baseline_kb};
  std::thread sampler([&] {
    while (sending.load()) {
      peak_kb = std::max<int64_t>(peak_kb.load(), proc_status_kb("VmRSS"));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  auto answer = raw_exchange(server.port, "POST /jobs HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                                          "Content-Encoding: gzip\r\nContent-Length: " +
                                              std::to_string(compressed.size()) + "\r\n\r\n" + compressed);
  sending = false;
  sampler.join();
  REQUIRE(answer);
  INFO(answer->body);
  CHECK(answer->status == 413);
  CHECK(json::parse(answer->body)["error"]["message"] == "the request body is larger than the limit of 1048576 bytes");
  INFO("RSS grew by " << (peak_kb - baseline_kb) / 1024 << " MiB");
  if (rss_is_meaningful)
    CHECK(peak_kb - baseline_kb < 32 * 1024);  // inflating it all took 256 MiB and more
}

TEST_CASE("the sweep removes old unused uploads and keeps those of live jobs", "[http][uploads][sweep]") {
  http_fixture server([](vs::api::http_config& config) { config.upload_sweep_interval = std::chrono::milliseconds(50); },
                      1);
  auto client = server.client();
  const std::string folder = uploads_folder(server);
  // A long job holds the only slot, so the next one waits in the queue.
  json long_job = server.small_job(240.0);
  auto running = client.Post("/jobs", long_job.dump(), "application/json");
  REQUIRE(running);
  REQUIRE(running->status == 202);
  const std::string long_id = json::parse(running->body)["job_id"];
  REQUIRE(eventually([&] { return status_of(client, long_id) == "processing"; }));

  write_test_png(server.media("unused.png"), 64, 64, 3, 5);
  write_test_png(server.media("used.png"), 320, 240, 3, 6);
  const std::string unused = upload(client, server.media("unused.png"))["path"];
  const std::string used = upload(client, server.media("used.png"))["path"];
  age(used, std::chrono::hours(20));  // old, not yet too old
  write_test_audio(server.media("short.mp3"), 1.0);
  json waiting_job = small_settings();
  waiting_job["audio_path"] = server.media("short.mp3");
  waiting_job["image_paths"] = {used};
  auto queued = client.Post("/jobs", waiting_job.dump(), "application/json");
  REQUIRE(queued);
  INFO(queued->body);
  REQUIRE(queued->status == 202);
  const std::string waiting_id = json::parse(queued->body)["job_id"];
  CHECK(young(used));  // submitting the job touched it

  // Both older than UPLOAD_MAX_AGE_HOURS; a failed upload's temporary file
  // an hour old, and one being written now.
  age(unused, std::chrono::hours(30));
  age(used, std::chrono::hours(30));
  write_bytes(folder + "/.upload-stale1", "partial");
  age(folder + "/.upload-stale1", std::chrono::hours(2));
  write_bytes(folder + "/.upload-fresh1", "partial");
  REQUIRE(eventually([&] { return !fs::exists(unused); }));
  REQUIRE(status_of(client, waiting_id) == "queued");
  CHECK(fs::exists(used));
  CHECK(eventually([&] { return !fs::exists(folder + "/.upload-stale1"); }));
  CHECK(fs::exists(folder + "/.upload-fresh1"));

  // The waiting job starts once the long one is cancelled: starting
  // touches its uploads again (for the sweeps of other workers).
  age(used, std::chrono::hours(30));
  REQUIRE(client.Delete(("/jobs/" + long_id).c_str())->status == 200);
  CHECK(eventually([&] { return young(used); }));
  CHECK(wait_until_final(client, waiting_id)["status"] == "success");
  // Ended: nothing holds it, and once old it goes.
  age(used, std::chrono::hours(30));
  CHECK(eventually([&] { return !fs::exists(used); }));
}

TEST_CASE("the sweep runs when the server starts", "[http][uploads][sweep]") {
  std::string old_upload;
  http_fixture server([&](vs::api::http_config& config) {
    config.upload_sweep_interval = std::chrono::hours(1);
    fs::create_directories(config.output_dir + "/uploads");
    old_upload = config.output_dir + "/uploads/" + std::string(64, 'c') + ".png";
    write_test_png(old_upload, 8, 8);
    age(old_upload, std::chrono::hours(25));
  });
  CHECK(eventually([&] { return !fs::exists(old_upload); }, std::chrono::seconds(10)));
}
