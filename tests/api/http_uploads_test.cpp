// POST /uploads and GET /uploads/{id} against a real server on loopback:
// files made with the test helpers and ffmpeg, stored by content address,
// refused by content, bounded in size before they are buffered.

#include "tests/api/http_fixture.hpp"
#include "tests/api/raw_http.hpp"
#include "tests/api/upload_helpers.hpp"
#include "tests/support/process_memory.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <thread>

using namespace vs::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// A 44-byte header of a 16-bit mono PCM WAV at 24 kHz with `data_bytes` of samples.
std::string wav_header(uint32_t data_bytes) {
  auto le = [](uint32_t value, int bytes) {
    std::string out;
    for (int i = 0; i < bytes; ++i)
      out += static_cast<char>((value >> (8 * i)) & 0xff);
    return out;
  };
  return "RIFF" + le(36 + data_bytes, 4) + "WAVEfmt " + le(16, 4) + le(1, 2) + le(1, 2) + le(24000, 4) +
         le(48000, 4) + le(2, 2) + le(16, 2) + "data" + le(data_bytes, 4);
}

} // namespace

TEST_CASE("POST /uploads stores a multipart image and a raw audio body under their SHA-256", "[http][uploads]") {
  http_fixture server;
  auto client = server.client();
  const std::string folder = uploads_folder(server);
  write_test_png(server.media("slide.png"), 320, 240);
  write_test_audio(server.media("voice.mp3"), 2.0);
  const std::string png = file_bytes(server.media("slide.png"));
  const std::string mp3 = file_bytes(server.media("voice.mp3"));
  const std::string png_sha = sha256sum(server.media("slide.png"));
  const std::string mp3_sha = sha256sum(server.media("voice.mp3"));

  auto image = post_file_part(client, "/uploads", "file", png, "slide.png");
  REQUIRE(image);
  INFO(image->body);
  REQUIRE(image->status == 201);
  json stored = json::parse(image->body);
  // Removed a day after its last use unless a job uses it.
  const int64_t expires = stored["expires_at_ms"];
  CHECK(std::abs(expires - (now_ms() + 24 * 3600 * 1000)) < 60'000);
  CHECK(stored == json{{"id", png_sha + ".png"},
                       {"path", folder + "/" + png_sha + ".png"},
                       {"size", png.size()},
                       {"kind", "image"},
                       {"format", "png"},
                       {"sha256", png_sha},
                       {"width", 320},
                       {"height", 240},
                       {"filename", "slide.png"},
                       {"expires_at_ms", expires}});
  CHECK(image->get_header_value("Location") == "/uploads/" + png_sha + ".png");
  CHECK(file_bytes(folder + "/" + png_sha + ".png") == png);

  // A raw body, named by ?filename= (only echoed: the content decides).
  auto audio = client.Post("/uploads?filename=voice.mp3", mp3, "application/octet-stream");
  REQUIRE(audio);
  INFO(audio->body);
  REQUIRE(audio->status == 201);
  json voice = json::parse(audio->body);
  CHECK(voice["id"] == mp3_sha + ".mp3");
  CHECK(voice["path"] == folder + "/" + mp3_sha + ".mp3");
  CHECK(voice["size"] == mp3.size());
  CHECK(voice["kind"] == "audio");
  CHECK(voice["format"] == "mp3");
  CHECK(voice["codec"] == "mp3");
  CHECK(voice["sample_rate"] == 24000);
  CHECK(voice["channels"] == 1);
  CHECK(voice["duration"].get<double>() == Approx(2.0).margin(0.1));
  CHECK(voice["filename"] == "voice.mp3");
  CHECK(file_bytes(folder + "/" + mp3_sha + ".mp3") == mp3);
  // Or by X-Filename; Content-Type says nothing either way.
  auto again = client.Post("/uploads", httplib::Headers{{"X-Filename", "again.mp3"}}, mp3, "image/png");
  REQUIRE(again);
  CHECK(again->status == 201);
  CHECK(json::parse(again->body)["filename"] == "again.mp3");
  CHECK(json::parse(again->body)["id"] == mp3_sha + ".mp3");

  // GET /uploads/{id}: the same description, without the client's name.
  auto found = client.Get(("/uploads/" + png_sha + ".png").c_str());
  REQUIRE(found);
  REQUIRE(found->status == 200);
  json described = json::parse(found->body);
  stored.erase("filename");
  CHECK(described == stored);
  check_error_reply(client.Get(("/uploads/" + std::string(64, '0') + ".png").c_str()), 404, "not_found",
                "no upload " + std::string(64, '0') + ".png", "");
  check_error_reply(client.Get("/uploads/secret.png"), 404, "not_found", "no upload secret.png", "");
  check_error_reply(client.Get("/uploads/..%2f..%2fetc%2fpasswd"), 404, "not_found",
                "no route for GET /uploads/../../etc/passwd", "");

  // Several files in one request: {"uploads": [...]} in part order.
  auto both = client.Post("/uploads", httplib::MultipartFormDataItems{{"file", mp3, "voice.mp3", "audio/mpeg"},
                                                                       {"file", png, "slide.png", "image/png"}});
  REQUIRE(both);
  INFO(both->body);
  REQUIRE(both->status == 201);
  json list = json::parse(both->body)["uploads"];
  REQUIRE(list.size() == 2);
  CHECK(list[0]["id"] == mp3_sha + ".mp3");
  CHECK(list[1]["id"] == png_sha + ".png");
  CHECK(names_in(folder) == std::set<std::string>{png_sha + ".png", mp3_sha + ".mp3"});
}

TEST_CASE("the same content uploaded twice is one file made young again", "[http][uploads]") {
  http_fixture server;
  auto client = server.client();
  const std::string folder = uploads_folder(server);
  write_test_jpeg(server.media("photo.jpg"), 200, 100);
  const std::string jpeg = file_bytes(server.media("photo.jpg"));
  auto first = post_file_part(client, "/uploads", "file", jpeg, "photo.jpg");
  REQUIRE(first);
  REQUIRE(first->status == 201);
  const std::string id = json::parse(first->body)["id"];
  CHECK(id == sha256sum(server.media("photo.jpg")) + ".jpg");
  CHECK(json::parse(first->body)["format"] == "jpeg");
  const fs::path stored = folder + "/" + id;
  fs::last_write_time(stored, fs::file_time_type::clock::now() - std::chrono::hours(20));

  auto second = client.Post("/uploads?filename=other-name.jpeg", jpeg, "application/octet-stream");
  REQUIRE(second);
  REQUIRE(second->status == 201);
  CHECK(json::parse(second->body)["id"] == id);
  CHECK(names_in(folder) == std::set<std::string>{id});
  CHECK(fs::file_time_type::clock::now() - fs::last_write_time(stored) < std::chrono::minutes(1));
}

TEST_CASE("an upload over UPLOAD_MAX_MB gets 413 naming the limit and leaves no file behind", "[http][uploads]") {
  http_fixture server([](vs::api::http_config& config) { config.upload_max_bytes = 2 << 20; });
  const std::string folder = uploads_folder(server);
  const std::string limit = "the upload is larger than the limit of 2 MiB (2097152 bytes; UPLOAD_MAX_MB)";
  auto check_413 = [&](const std::optional<raw_response>& answer) {
    REQUIRE(answer);
    INFO(answer->body);
    CHECK(answer->status == 413);
    CHECK(json::parse(answer->body)["error"]["message"] == limit);
    CHECK(answer->header("Connection") == "close");
  };
  // Declared: refused before a byte of the body is read.
  check_413(raw_exchange(server.port, "POST /uploads HTTP/1.1\r\nHost: t\r\nContent-Length: 3145728\r\n\r\n"));
  check_413(raw_exchange(server.port, "POST /uploads HTTP/1.1\r\nHost: t\r\nContent-Length: 3145728\r\n"
                                      "Expect: 100-continue\r\n\r\n"));
  // A multipart job has the upload limit too, not the JSON one.
  check_413(raw_exchange(server.port, "POST /jobs HTTP/1.1\r\nHost: t\r\nContent-Length: 3145728\r\n"
                                      "Content-Type: multipart/form-data; boundary=x\r\n\r\n"));
  // Chunked: counted as it arrives, refused once past the limit; a multipart
  // job's file part the same.
  const std::string part_head = "--b\r\nContent-Disposition: form-data; name=\"voice\"; filename=\"v.wav\"\r\n\r\n";
  char part_chunk[16];
  std::snprintf(part_chunk, sizeof part_chunk, "%zx\r\n", part_head.size());
  for (const std::string path : {"/uploads", "/jobs"}) {
    const bool multipart = path == "/jobs";
    chunked_offer offer = offer_chunked_body(
        server.port,
        "POST " + path + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n" +
            (multipart ? "Content-Type: multipart/form-data; boundary=b\r\n\r\n" + std::string(part_chunk) +
                             part_head + "\r\n"
                       : "\r\n"),
        64ull << 20);
    INFO(path << ": sent " << offer.sent);
    check_413(offer.answer);
    CHECK(offer.closed);
    CHECK(offer.sent < (16u << 20));
  }
  // A multipart body's file over the limit.
  auto client = server.client();
  auto too_big = post_file_part(client, "/uploads", "file", std::string(3 << 20, 'x'), "big.wav");
  if (too_big) {  // the server may close before the client finished sending
    CHECK(too_big->status == 413);
    CHECK(json::parse(too_big->body)["error"]["message"] == limit);
  }
  // A client that goes away mid-upload.
  {
    raw_connection cut(server.port);
    REQUIRE(cut.send_text("POST /uploads HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n" +
                          std::string(300000, 'x')));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (names_in(folder).empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(names_in(folder).size() == 1);  // its temporary file, while it lasts
  }
  // Nothing stays: no temporary file, no upload.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!names_in(folder).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(names_in(folder).empty());
  // Over the JSON limit (1 MiB) but within the upload limit: stored.
  write_test_audio(server.media("long.wav"), 32.0);
  const std::string wav = file_bytes(server.media("long.wav"));
  REQUIRE(wav.size() > (1u << 20));
  auto stored = server.client().Post("/uploads?filename=long.wav", wav, "audio/wav");
  REQUIRE(stored);
  INFO(stored->body);
  CHECK(stored->status == 201);
  CHECK(json::parse(stored->body)["format"] == "wav");
}

TEST_CASE("what is not audio or an image is refused by its content with 415 naming what it is", "[http][uploads]") {
  http_fixture server;
  auto client = server.client();
  const std::string folder = uploads_folder(server);
  const std::string accepted = ", not audio or an image (JPEG, PNG, BMP or GIF)";

  const std::string text = "Chapter one.\nThe narration goes here.\n";
  check_error_reply(client.Post("/uploads?filename=notes.txt", text, "text/plain"), 415, "input_invalid",
                "file notes.txt is text" + accepted, "");
  // A name and a type that claim audio change nothing.
  check_error_reply(client.Post("/uploads", httplib::MultipartFormDataItems{{"file", text, "voice.mp3", "audio/mpeg"}}),
                415, "input_invalid", "file voice.mp3 is text" + accepted, "file");

  write_test_png(server.media("slide.png"), 320, 240);
  const std::string png = file_bytes(server.media("slide.png"));
  check_error_reply(post_file_part(client, "/uploads", "file", png.substr(0, png.size() / 2), "slide.png"), 415,
                "input_invalid", "image slide.png is a truncated or corrupt PNG: a chunk runs past the end of the file",
                "file");

  REQUIRE(run_command("ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10 -t 1 -an -c:v mpeg4 '" +
                      server.media("clip.mp4") + "'") == 0);
  check_error_reply(post_file_part(client, "/uploads", "file", file_bytes(server.media("clip.mp4")), "clip.mp4"), 415,
                "input_invalid",
                "file clip.mp4 is QuickTime / MOV (mov,mp4,m4a,3gp,3g2,mj2) with 1 video stream and no audio stream" +
                    accepted,
                "file");

  REQUIRE(run_command("ffmpeg -v error -y -f lavfi -i color=red:size=16x16 -frames:v 1 '" +
                      server.media("picture.webp") + "'") == 0);
  check_error_reply(post_file_part(client, "/uploads", "file", file_bytes(server.media("picture.webp")), "picture.webp"),
                415, "input_invalid",
                "file picture.webp is a WebP image, which the renderer cannot read; images must be JPEG, PNG, BMP or GIF",
                "file");

  check_error_reply(client.Post("/uploads", std::string(4096, '\x01') + std::string(4096, '\xfe'),
                            "application/octet-stream"),
                415, "input_invalid", "file upload is data of no format the service knows" + accepted, "");
  check_error_reply(client.Post("/uploads", "", "application/octet-stream"), 415, "input_invalid", "file upload is empty", "");
  // Parts other than "file", and no file at all.
  check_error_reply(post_file_part(client, "/uploads", "image", png, "slide.png"), 422, "invalid_argument",
                "the request has a part named image; files go in parts named file", "image");
  check_error_reply(client.Post("/uploads", "--zz\r\nnot a part", "multipart/form-data; boundary=zz"), 400,
                    "malformed_request", "the multipart/form-data body is malformed or incomplete", "");
  // One refused file refuses the request: the good one is not stored either.
  check_error_reply(client.Post("/uploads", httplib::MultipartFormDataItems{{"file", png, "slide.png", "image/png"},
                                                                         {"file", text, "notes.txt", "text/plain"}}),
                415, "input_invalid", "file notes.txt is text" + accepted, "file");
  CHECK(names_in(folder).empty());

  // A video with sound is audio: the narration is its sound track.
  REQUIRE(run_command("ffmpeg -v error -y -f lavfi -i testsrc=size=64x48:rate=10 -f lavfi -i sine=frequency=440 "
                      "-t 1 -c:v mpeg4 -c:a aac '" + server.media("talk.mp4") + "'") == 0);
  auto talk = post_file_part(client, "/uploads", "file", file_bytes(server.media("talk.mp4")), "talk.mp4");
  REQUIRE(talk);
  INFO(talk->body);
  REQUIRE(talk->status == 201);
  json described = json::parse(talk->body);
  CHECK(described["kind"] == "audio");
  CHECK(described["format"] == "mp4");
  CHECK(described["codec"] == "aac");
  CHECK(described["id"] == sha256sum(server.media("talk.mp4")) + ".mp4");
}

TEST_CASE("an upload of hundreds of MB streams to disk: memory stays flat", "[http][uploads][memory]") {
  http_fixture server;
  // A WAV of silence, made as it is sent: neither side holds the file.
  const uint64_t sample_bytes = 160ull << 20;
  const std::string header = wav_header(static_cast<uint32_t>(sample_bytes));
  const uint64_t total = header.size() + sample_bytes;
  std::atomic<bool> sending{true};
  const int64_t baseline_kb = proc_status_kb("VmRSS");
  std::atomic<int64_t> peak_kb{baseline_kb};
  std::thread sampler([&] {
    while (sending.load()) {
      peak_kb = std::max<int64_t>(peak_kb.load(), proc_status_kb("VmRSS"));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto client = server.client();
  const std::string zeros(1 << 16, '\0');
  auto answer = client.Post(
      "/uploads?filename=silence.wav", total,
      [&](size_t offset, size_t length, httplib::DataSink& sink) {
        if (offset < header.size())
          return sink.write(header.data() + offset, header.size() - offset);
        return sink.write(zeros.data(), std::min<size_t>(length, zeros.size()));
      },
      "audio/wav");
  sending = false;
  sampler.join();
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 201);
  json stored = json::parse(answer->body);
  CHECK(stored["size"] == total);
  CHECK(stored["format"] == "wav");
  CHECK(stored["duration"].get<double>() == Approx(sample_bytes / 48000.0).margin(0.01));
  CHECK(stored["sha256"] == sha256sum(stored["path"]));
  INFO("RSS grew by " << (peak_kb - baseline_kb) / 1024 << " MiB during a " << (total >> 20) << " MiB upload");
  if (rss_is_meaningful)
    CHECK(peak_kb - baseline_kb < 32 * 1024);
}

TEST_CASE("an upload may outlast the request deadline while it arrives at 64 KiB/s and a trickle is cut off",
          "[http][uploads][slow]") {
  http_fixture server([](vs::api::http_config& config) { config.request_timeout = std::chrono::seconds(1); });
  // 2.4 s at 160 KiB/s: more than twice the deadline.
  const uint32_t data_bytes = 384 * 1024;
  const std::string wav = wav_header(data_bytes) + std::string(data_bytes, '\0');
  raw_connection steady(server.port);
  REQUIRE(steady.send_text("POST /uploads?filename=slow.wav HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                           std::to_string(wav.size()) + "\r\n\r\n"));
  auto started = std::chrono::steady_clock::now();
  for (size_t at = 0; at < wav.size(); at += 16384) {
    REQUIRE(steady.send_text(wav.substr(at, 16384)));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto stored = steady.read_response();
  REQUIRE(stored);
  INFO(stored->body);
  CHECK(stored->status == 201);
  CHECK(std::chrono::steady_clock::now() - started > std::chrono::seconds(2));

  // 5 KiB/s: each byte buys less time than it took to come.
  raw_connection trickle(server.port);
  REQUIRE(trickle.send_text("POST /uploads HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n"));
  std::optional<raw_response> answer;
  for (int i = 0; i < 100 && !answer; ++i) {
    trickle.send_text(std::string(512, '\0'));
    answer = trickle.read_response(std::chrono::milliseconds(100));
  }
  REQUIRE(answer);
  CHECK(answer->status == 408);
  CHECK(json::parse(answer->body)["error"]["message"] == "the request was not received within 1 s");
  CHECK(names_in(uploads_folder(server)) == std::set<std::string>{json::parse(stored->body)["id"]});
}
