#include "media/ffmpeg_log.hpp"

extern "C" {
#include <libavutil/log.h>
}

namespace vs::media {

void quiet_ffmpeg_logs() { av_log_set_level(AV_LOG_ERROR); }

} // namespace vs::media
