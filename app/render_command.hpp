#pragma once
/// `video-service render`: one video from the command line, a progress bar on
/// a terminal, one JSON line with the result on stdout.

#include <CLI/CLI.hpp>

#include <functional>

namespace vs::app {

/// Registers the subcommand on `app`; the returned function runs it and
/// gives the process exit code (0 ok, 2 bad input, 1 internal failure).
std::function<int()> add_render_command(CLI::App& app);

} // namespace vs::app
