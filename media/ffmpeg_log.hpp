#pragma once

namespace vs::media {

/// FFmpeg logs encoder statistics to stderr by default; a service and a
/// command whose stderr carries error messages want only real errors.
/// Process-wide (FFmpeg's log level is global): call once from main().
void quiet_ffmpeg_logs();

} // namespace vs::media
