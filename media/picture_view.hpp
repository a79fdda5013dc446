#pragma once
/// A writable 4:2:0 picture owned elsewhere (typically an AVFrame): the
/// target every frame is drawn into.

#include "media/plane_sampler.hpp"

#include <array>

namespace vs::media {

struct picture_view {
  std::array<plane_view, 3> planes;
};

} // namespace vs::media
