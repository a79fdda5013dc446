#pragma once
/// Draws captions onto frames on one render thread: one libass renderer per
/// painter (libass renderers are not shared between threads), one parsed
/// script per job it has seen lately, and the picture of the event last
/// drawn, so libass renders only when the caption changes. The picture of an
/// event depends on the event alone, so every thread draws the same pixels
/// for the same frame.

#include "media/captions/caption_layout.hpp"
#include "media/error.hpp"
#include "media/plane_sampler.hpp"

#include <array>
#include <memory>

namespace vs::media::captions {

class caption_painter {
public:
  caption_painter();
  ~caption_painter();
  caption_painter(caption_painter&&) noexcept;
  caption_painter& operator=(caption_painter&&) noexcept;

  /// Blends the caption frame `frame` of `layout` shows (if any) onto the
  /// 4:2:0 planes `target`. Fails only if libass cannot start.
  status paint(const std::shared_ptr<const caption_layout>& layout, int64_t frame,
               const std::array<plane_view, 3>& target);

  /// How many times libass rendered (tests: once per caption change).
  int64_t renders() const;

private:
  struct state;
  std::unique_ptr<state> state_;
};

} // namespace vs::media::captions
