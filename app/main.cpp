/// video-service: `render` one video from the command line, or `serve` jobs
/// over HTTP and Redis.

#include "app/exit_codes.hpp"
#include "app/render_command.hpp"
#include "app/serve_command.hpp"
#include "media/ffmpeg_log.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
  vs::media::quiet_ffmpeg_logs();
  CLI::App app{"video-service: narration + slide images -> H.264/AAC MP4 with Ken Burns motion"};
  app.set_version_flag("--version", "video-service " VS_VERSION);
  app.require_subcommand(1);
  auto render = vs::app::add_render_command(app);
  auto serve = vs::app::add_serve_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return vs::app::exit_bad_input;
  }
  if (int code = render(); code >= 0)
    return code;
  if (int code = serve(); code >= 0)
    return code;
  std::cerr << app.help();
  return vs::app::exit_bad_input;
}
