#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "media/ffmpeg_log.hpp"

int main(int argc, char* argv[]) {
  // Encoder statistics on stderr would bury the test report.
  vs::media::quiet_ffmpeg_logs();
  return Catch::Session().run(argc, argv);
}
