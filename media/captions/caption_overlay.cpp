#include "media/captions/caption_overlay.hpp"

#include <algorithm>
#include <cmath>

namespace vs::media::captions {

namespace {

struct bounds {
  int x0 = 0;
  int y0 = 0;
  int x1 = 0;  ///< exclusive
  int y1 = 0;

  bool empty() const { return x1 <= x0 || y1 <= y0; }
  void include(const bounds& other) {
    if (other.empty())
      return;
    if (empty()) {
      *this = other;
      return;
    }
    x0 = std::min(x0, other.x0);
    y0 = std::min(y0, other.y0);
    x1 = std::max(x1, other.x1);
    y1 = std::max(y1, other.y1);
  }
  bounds clipped(int width, int height) const {
    return {std::max(x0, 0), std::max(y0, 0), std::min(x1, width), std::min(y1, height)};
  }
};

/// Premultiplied coverage and colour of every luma pixel, while compositing.
struct float_picture {
  int width = 0;
  int height = 0;
  std::vector<float> alpha, y, u, v;

  float_picture(int w, int h)
      : width(w), height(h), alpha(static_cast<size_t>(w) * static_cast<size_t>(h)), y(alpha.size()),
        u(alpha.size()), v(alpha.size()) {}

  /// Porter-Duff "over": the new colour in front of what is there.
  void over(size_t at, float a, const yuv_colour& c) {
    float keep = 1.0f - a;
    alpha[at] = a + alpha[at] * keep;
    y[at] = static_cast<float>(c.y) * a + y[at] * keep;
    u[at] = static_cast<float>(c.u) * a + u[at] * keep;
    v[at] = static_cast<float>(c.v) * a + v[at] * keep;
  }
};

uint8_t to_alpha(float a) { return static_cast<uint8_t>(std::lround(std::clamp(a, 0.0f, 1.0f) * 255.0f)); }
uint16_t to_premultiplied(float c) { return static_cast<uint16_t>(std::lround(std::clamp(c, 0.0f, 255.0f) * 255.0f)); }

/// Anti-aliased coverage of a rounded rectangle at a pixel centre.
float rounded_coverage(double px, double py, double left, double top, double right, double bottom, double radius) {
  double dx = std::max({left + radius - px, 0.0, px - (right - radius)});
  double dy = std::max({top + radius - py, 0.0, py - (bottom - radius)});
  double outside = std::sqrt(dx * dx + dy * dy) - radius;
  return static_cast<float>(std::clamp(0.5 - outside, 0.0, 1.0));
}

void draw_box(float_picture& picture, const bounds& area, const bounds& ink, const backing_box& box) {
  double left = ink.x0 - box.padding_x;
  double right = ink.x1 + box.padding_x;
  double top = ink.y0 - box.padding_y;
  double bottom = ink.y1 + box.padding_y;
  double radius = std::min({box.radius, (right - left) / 2, (bottom - top) / 2});
  const yuv_colour colour = to_bt709(box.color);
  const float opacity = box.color.a / 255.0f;
  for (int row = 0; row < picture.height; ++row)
    for (int column = 0; column < picture.width; ++column) {
      float coverage = rounded_coverage(area.x0 + column + 0.5, area.y0 + row + 0.5, left, top, right, bottom, radius);
      if (coverage > 0)
        picture.over(static_cast<size_t>(row) * static_cast<size_t>(picture.width) + static_cast<size_t>(column),
                     coverage * opacity, colour);
    }
}

void draw_layer(float_picture& picture, const bounds& area, const coverage_layer& layer, int frame_width,
                int frame_height) {
  const yuv_colour colour = to_bt709(layer.color);
  const float opacity = layer.color.a / 255.0f / 255.0f;
  bounds visible = bounds{layer.x, layer.y, layer.x + layer.width, layer.y + layer.height}.clipped(frame_width,
                                                                                                    frame_height);
  for (int y = visible.y0; y < visible.y1; ++y) {
    const uint8_t* source = layer.coverage + static_cast<ptrdiff_t>(y - layer.y) * layer.stride;
    size_t row = static_cast<size_t>(y - area.y0) * static_cast<size_t>(picture.width);
    for (int x = visible.x0; x < visible.x1; ++x) {
      uint8_t coverage = source[x - layer.x];
      if (coverage != 0)
        picture.over(row + static_cast<size_t>(x - area.x0), coverage * opacity, colour);
    }
  }
}

void quantise(const float_picture& picture, caption_overlay& out) {
  out.luma_alpha.resize(picture.alpha.size());
  out.luma_premultiplied.resize(picture.alpha.size());
  for (size_t i = 0; i < picture.alpha.size(); ++i) {
    out.luma_alpha[i] = to_alpha(picture.alpha[i]);
    out.luma_premultiplied[i] = to_premultiplied(picture.y[i]);
  }
  const int chroma_width = out.width / 2;
  const int chroma_height = out.height / 2;
  const size_t chroma_size = static_cast<size_t>(chroma_width) * static_cast<size_t>(chroma_height);
  out.chroma_alpha.resize(chroma_size);
  out.u_premultiplied.resize(chroma_size);
  out.v_premultiplied.resize(chroma_size);
  for (int cy = 0; cy < chroma_height; ++cy)
    for (int cx = 0; cx < chroma_width; ++cx) {
      float a = 0, u = 0, v = 0;
      for (int dy = 0; dy < 2; ++dy)
        for (int dx = 0; dx < 2; ++dx) {
          size_t at = static_cast<size_t>(2 * cy + dy) * static_cast<size_t>(out.width) + static_cast<size_t>(2 * cx + dx);
          a += picture.alpha[at];
          u += picture.u[at];
          v += picture.v[at];
        }
      size_t at = static_cast<size_t>(cy) * static_cast<size_t>(chroma_width) + static_cast<size_t>(cx);
      out.chroma_alpha[at] = to_alpha(a / 4);
      out.u_premultiplied[at] = to_premultiplied(u / 4);
      out.v_premultiplied[at] = to_premultiplied(v / 4);
    }
}

void blend_plane(const plane_view& plane, int x, int y, int width, int height, const uint8_t* alpha,
                 const uint16_t* premultiplied) {
  for (int row = 0; row < height; ++row) {
    uint8_t* target = plane.row(y + row) + x;
    const uint8_t* a = alpha + static_cast<ptrdiff_t>(row) * width;
    const uint16_t* c = premultiplied + static_cast<ptrdiff_t>(row) * width;
    for (int i = 0; i < width; ++i)
      target[i] = static_cast<uint8_t>((target[i] * (255u - a[i]) + c[i] + 127u) / 255u);
  }
}

} // namespace

yuv_colour to_bt709(const rgba& color) {
  const double r = color.r / 255.0, g = color.g / 255.0, b = color.b / 255.0;
  const double luma = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return {16.0 + 219.0 * luma, 128.0 + 224.0 * (b - luma) / 1.8556, 128.0 + 224.0 * (r - luma) / 1.5748};
}

caption_overlay compose_overlay(const std::vector<coverage_layer>& layers, const backing_box* box, int frame_width,
                                int frame_height) {
  bounds ink;
  for (const auto& layer : layers)
    ink.include(bounds{layer.x, layer.y, layer.x + layer.width, layer.y + layer.height}.clipped(frame_width,
                                                                                              frame_height));
  caption_overlay out;
  if (ink.empty())
    return out;
  bounds area = ink;
  if (box != nullptr)
    area.include(bounds{static_cast<int>(std::floor(ink.x0 - box->padding_x)),
                        static_cast<int>(std::floor(ink.y0 - box->padding_y)),
                        static_cast<int>(std::ceil(ink.x1 + box->padding_x)),
                        static_cast<int>(std::ceil(ink.y1 + box->padding_y))});
  // Even corners, so every chroma pixel lies wholly inside or outside.
  area = bounds{area.x0 & ~1, area.y0 & ~1, (area.x1 + 1) & ~1, (area.y1 + 1) & ~1}.clipped(frame_width, frame_height);
  out.x = area.x0;
  out.y = area.y0;
  out.width = area.x1 - area.x0;
  out.height = area.y1 - area.y0;

  float_picture picture(out.width, out.height);
  if (box != nullptr)
    draw_box(picture, area, ink, *box);
  for (const auto& layer : layers)
    draw_layer(picture, area, layer, frame_width, frame_height);
  quantise(picture, out);
  return out;
}

void blend_overlay(const caption_overlay& overlay, const std::array<plane_view, 3>& target) {
  if (overlay.empty() || overlay.x + overlay.width > target[0].width || overlay.y + overlay.height > target[0].height)
    return;  // built for another frame size: never draw outside the planes
  blend_plane(target[0], overlay.x, overlay.y, overlay.width, overlay.height, overlay.luma_alpha.data(),
              overlay.luma_premultiplied.data());
  const int cx = overlay.x / 2, cy = overlay.y / 2, cw = overlay.width / 2, ch = overlay.height / 2;
  blend_plane(target[1], cx, cy, cw, ch, overlay.chroma_alpha.data(), overlay.u_premultiplied.data());
  blend_plane(target[2], cx, cy, cw, ch, overlay.chroma_alpha.data(), overlay.v_premultiplied.data());
}

} // namespace vs::media::captions
