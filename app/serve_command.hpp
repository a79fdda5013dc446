#pragma once
/// `video-service serve`: the job system and the HTTP API until SIGTERM or
/// SIGINT; then no new jobs, running ones get a grace period, exit 0.

#include <CLI/CLI.hpp>

#include <functional>

namespace vs::app {

/// Registers the subcommand on `app`; the returned function runs it and
/// gives the process exit code (-1 if `serve` was not the subcommand given).
std::function<int()> add_serve_command(CLI::App& app);

} // namespace vs::app
