#include "media/fit_compose.hpp"

#include "media/av_util.hpp"
#include "media/plane_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vs::media {

namespace {

/// The blurred fill is made at 1/8 of the working size: blur is low
/// frequency, and a small picture keeps it to a few milliseconds per slide.
constexpr int fill_reduction = 8;
/// Darkening of the fill, out of 256: luma to 70 %, chroma to 85 % (a
/// little desaturated), so the picture in front stands out.
constexpr int fill_luma_level = 179;
constexpr int fill_chroma_level = 218;

int even_at_least_2(double value) { return std::max(2, 2 * static_cast<int>(std::lround(value / 2))); }

uint8_t clamp_byte(double value) { return static_cast<uint8_t>(std::clamp(std::lround(value), 0L, 255L)); }

/// Composes a transparent picture onto `color` in place: its pixels are
/// premultiplied over black, so adding (1 − alpha)·color finishes "over".
void flatten_over(rgb_image& image, rgb_color color) {
  if (image.alpha.empty())
    return;
  const uint8_t rgb[3] = {color.r, color.g, color.b};
  for (size_t i = 0; i < image.alpha.size(); ++i) {
    const int uncovered = 255 - image.alpha[i];
    for (size_t c = 0; c < 3; ++c) {
      uint8_t& value = image.pixels[i * 3 + c];
      value = static_cast<uint8_t>(std::min(255, value + (uncovered * rgb[c] + 127) / 255));
    }
  }
  image.alpha.clear();
  image.alpha.shrink_to_fit();
}

void fill_image(yuv_image& image, yuv_color color) {
  std::fill(image.y.pixels.begin(), image.y.pixels.end(), color.y);
  std::fill(image.u.pixels.begin(), image.u.pixels.end(), color.u);
  std::fill(image.v.pixels.begin(), image.v.pixels.end(), color.v);
}

/// Three passes of a running-sum box blur along rows then columns: close to a
/// Gaussian of sigma ≈ sqrt(radius · (radius + 1)), edges clamped.
void blur_plane(yuv_plane& plane, int radius) {
  std::vector<uint8_t> line(static_cast<size_t>(std::max(plane.width, plane.height)));
  auto blur_line = [&](uint8_t* data, int count, ptrdiff_t step) {
    for (int i = 0; i < count; ++i)
      line[static_cast<size_t>(i)] = data[i * step];
    const int window = 2 * radius + 1;
    auto at = [&](int i) { return static_cast<int>(line[static_cast<size_t>(std::clamp(i, 0, count - 1))]); };
    int sum = 0;
    for (int i = -radius; i <= radius; ++i)
      sum += at(i);
    for (int i = 0; i < count; ++i) {
      data[i * step] = static_cast<uint8_t>((sum + window / 2) / window);
      sum += at(i + radius + 1) - at(i - radius);
    }
  };
  for (int pass = 0; pass < 3; ++pass) {
    for (int y = 0; y < plane.height; ++y)
      blur_line(plane.row(y), plane.width, 1);
    for (int x = 0; x < plane.width; ++x)
      blur_line(plane.pixels.data() + x, plane.height, plane.width);
  }
}

status scale_planes(const yuv_image& source, yuv_image& target) {
  av::sws_ptr scaler(sws_getContext(source.width(), source.height(), AV_PIX_FMT_YUV420P, target.width(),
                                    target.height(), AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND, nullptr,
                                    nullptr, nullptr));
  if (!scaler)
    return make_error(errc::internal, "cannot create a scaler for the blurred fill");
  const uint8_t* source_planes[4] = {source.y.pixels.data(), source.u.pixels.data(), source.v.pixels.data(), nullptr};
  const int source_strides[4] = {source.y.width, source.u.width, source.v.width, 0};
  uint8_t* target_planes[4] = {target.y.pixels.data(), target.u.pixels.data(), target.v.pixels.data(), nullptr};
  const int target_strides[4] = {target.y.width, target.u.width, target.v.width, 0};
  if (sws_scale(scaler.get(), source_planes, source_strides, 0, source.height(), target_planes, target_strides) !=
      target.height())
    return make_error(errc::internal, "scaling the blurred fill failed");
  return {};
}

/// The fill under a blurred slide: the picture cover-cropped to the frame,
/// shrunk, blurred, enlarged back and darkened.
status fill_with_blur(const rgb_image& source, yuv_image& image) {
  const working_size size{image.width(), image.height()};
  const working_size small{even_at_least_2(static_cast<double>(size.width) / fill_reduction),
                           even_at_least_2(static_cast<double>(size.height) / fill_reduction)};
  auto fill = scale_to_yuv(source, cover_crop(source.width, source.height, small), small);
  if (!fill)
    return fill.error();
  // About 1/30 of the short side of the frame: a soft backdrop with no
  // detail left to compete with the picture.
  const int radius = std::max(1, static_cast<int>(std::lround(std::min(small.width, small.height) / 30.0)));
  blur_plane(fill->y, radius);
  blur_plane(fill->u, std::max(1, radius / 2));
  blur_plane(fill->v, std::max(1, radius / 2));
  if (auto scaled = scale_planes(*fill, image); !scaled)
    return scaled;
  fade_plane(view_of(image.y), black_luma, fill_luma_level);
  fade_plane(view_of(image.u), black_chroma, fill_chroma_level);
  fade_plane(view_of(image.v), black_chroma, fill_chroma_level);
  return {};
}

/// The alpha of `source` scaled to `size` like its pixels.
expected<std::vector<uint8_t>> scale_alpha(const rgb_image& source, working_size size) {
  const bool shrinking = source.width >= size.width && source.height >= size.height;
  av::sws_ptr scaler(sws_getContext(source.width, source.height, AV_PIX_FMT_GRAY8, size.width, size.height,
                                    AV_PIX_FMT_GRAY8, (shrinking ? SWS_AREA : SWS_BICUBIC) | SWS_ACCURATE_RND,
                                    nullptr, nullptr, nullptr));
  if (!scaler)
    return make_error(errc::internal, "cannot create a scaler for the picture's alpha");
  std::vector<uint8_t> alpha(static_cast<size_t>(size.width) * static_cast<size_t>(size.height));
  const uint8_t* source_planes[4] = {source.alpha.data(), nullptr, nullptr, nullptr};
  const int source_strides[4] = {source.width, 0, 0, 0};
  uint8_t* target_planes[4] = {alpha.data(), nullptr, nullptr, nullptr};
  const int target_strides[4] = {size.width, 0, 0, 0};
  if (sws_scale(scaler.get(), source_planes, source_strides, 0, source.height, target_planes, target_strides) !=
      size.height)
    return make_error(errc::internal, "scaling the picture's alpha failed");
  return alpha;
}

/// Copies `picture` into `target` at `place`; with `alpha` (one value per
/// picture pixel), composes it over what is there: the picture is
/// premultiplied over black, so out = picture + (1 − alpha)·(under − black).
void paste(const yuv_image& picture, const std::vector<uint8_t>* alpha, yuv_image& target, const crop_rect& place) {
  auto paste_plane = [&](const yuv_plane& from, yuv_plane& to, int x0, int y0, int shift, uint8_t black) {
    for (int y = 0; y < from.height; ++y) {
      const uint8_t* in = from.row(y);
      uint8_t* out = to.row(y0 + y) + x0;
      if (alpha == nullptr) {
        std::memcpy(out, in, static_cast<size_t>(from.width));
        continue;
      }
      for (int x = 0; x < from.width; ++x) {
        // Chroma covers 2×2 luma pixels: their mean coverage.
        int coverage = 0;
        for (int dy = 0; dy <= shift; ++dy)
          for (int dx = 0; dx <= shift; ++dx)
            coverage += (*alpha)[static_cast<size_t>((y << shift) + dy) * static_cast<size_t>(picture.width()) +
                                 static_cast<size_t>((x << shift) + dx)];
        coverage = (coverage + (shift ? 2 : 0)) >> (2 * shift);
        const int under = out[x] - black;
        out[x] = static_cast<uint8_t>(std::clamp(in[x] + ((255 - coverage) * under + (under >= 0 ? 127 : -127)) / 255, 0, 255));
      }
    }
  };
  paste_plane(picture.y, target.y, place.x, place.y, 0, black_luma);
  paste_plane(picture.u, target.u, place.x / 2, place.y / 2, 1, black_chroma);
  paste_plane(picture.v, target.v, place.x / 2, place.y / 2, 1, black_chroma);
}

} // namespace

yuv_color to_yuv(rgb_color color) {
  // BT.709, limited range: what the working images and the H.264 stream are.
  const double luma = 0.2126 * color.r + 0.7152 * color.g + 0.0722 * color.b;
  return {clamp_byte(16 + luma * 219.0 / 255.0), clamp_byte(128 + (color.b - luma) / 1.8556 * 224.0 / 255.0),
          clamp_byte(128 + (color.r - luma) / 1.5748 * 224.0 / 255.0)};
}

crop_rect contain_rect(int source_width, int source_height, working_size size) {
  const double scale = std::min(static_cast<double>(size.width) / source_width,
                                static_cast<double>(size.height) / source_height);
  crop_rect place;
  place.width = std::min(size.width, even_at_least_2(source_width * scale));
  place.height = std::min(size.height, even_at_least_2(source_height * scale));
  place.x = (size.width - place.width) / 4 * 2;
  place.y = (size.height - place.height) / 4 * 2;
  return place;
}

int64_t composition_bytes(working_size size) {
  const int64_t pixels = static_cast<int64_t>(size.width) * size.height;
  const int64_t small = pixels / (fill_reduction * fill_reduction);
  // The contained picture (YUV 4:2:0) and its alpha, the small fill, and
  // libswscale's line buffers.
  return pixels * 3 / 2 + pixels + 2 * small * 3 / 2 + (1 << 20);
}

expected<yuv_image> compose_slide(rgb_image source, working_size size, const slide_look& look) {
  if (look.fit == fit_mode::cover) {
    flatten_over(source, look.background);
    return make_working_image(source, size);
  }
  if (size.width < 2 || size.height < 2 || size.width % 2 != 0 || size.height % 2 != 0)
    return make_error(errc::invalid_argument, "working size " + std::to_string(size.width) + "x" +
                                                  std::to_string(size.height) + " must be even and positive");
  if (source.width <= 0 || source.height <= 0)
    return make_error(errc::invalid_argument, "empty source image");
  yuv_image image = make_yuv_image(size.width, size.height);
  if (look.fit == fit_mode::blur) {
    if (auto filled = fill_with_blur(source, image); !filled)
      return filled.error();
  } else {
    fill_image(image, to_yuv(look.background));
  }
  const crop_rect place = contain_rect(source.width, source.height, size);
  const working_size place_size{place.width, place.height};
  auto picture = scale_to_yuv(source, crop_rect{0, 0, source.width, source.height}, place_size);
  if (!picture)
    return picture.error();
  std::optional<std::vector<uint8_t>> alpha;
  if (!source.alpha.empty()) {
    auto scaled = scale_alpha(source, place_size);
    if (!scaled)
      return scaled.error();
    alpha = std::move(*scaled);
  }
  paste(*picture, alpha ? &*alpha : nullptr, image, place);
  image.picture = {static_cast<double>(place.x), static_cast<double>(place.y), static_cast<double>(place.width),
                   static_cast<double>(place.height)};
  return image;
}

} // namespace vs::media
