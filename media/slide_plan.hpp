#pragma once
/// Per-slide decisions of a job, taken from its spec alone (the same spec
/// always gives the same answers, so frame k stays a pure function of the
/// job and k): each slide's fit, camera path and place on the timeline, and
/// each boundary's transition, with `random` drawn from the seed.
///
/// Timing rules (README "Job fields"):
/// - no `duration` and no `slide_starts`: today's rule, every slide lasts
///   d = (A + (n−1)·T)/n (or `slide_duration` without audio sync);
/// - `slides[i].duration` fixes that slide's time on screen (overlaps
///   included; a `none` boundary has no overlap, so such a slide shows for
///   exactly its duration); the others share what is left of the narration
///   (or last `slide_duration`); with every slide fixed and sync on, the
///   last one holds until the narration ends;
/// - `slide_starts` places each cut: slide i shows from slide_starts[i] to
///   slide_starts[i+1], a transition is centred on each cut;
/// - cuts fall on the nearest frame; the video ends with the narration.

#include "media/error.hpp"
#include "media/fit_compose.hpp"
#include "media/ken_burns.hpp"
#include "media/render_spec.hpp"
#include "media/timeline.hpp"

#include <optional>
#include <vector>

namespace vs::media {

/// How slide `slide` is fitted: its own fit, else the job's, with the job's background.
slide_look look_of(const render_spec& spec, int slide);

/// True if any slide is composed (contain or blur) rather than cover-cropped.
bool any_composed(const render_spec& spec);

/// The camera path of slide `slide`: its own motion, else the job's; `auto`
/// is a still camera when enable_ken_burns is false.
camera_path camera_path_of(const render_spec& spec, int slide);

/// The zoom the working images are made at: zoom_factor if any slide moves, else 1.
double working_zoom(const render_spec& spec);

/// The transition at each boundary (slide_count − 1): `transitions[i]`, else
/// `transition`; `random` picks from every kind but none, by (seed, boundary).
std::vector<transition_kind> boundary_transitions(const render_spec& spec, int slide_count);

/// The job's timeline (see the rules above) for a narration of
/// `audio_seconds` (needed when the video follows the audio).
expected<timeline> lay_out_slides(const render_spec& spec, std::optional<double> audio_seconds);

/// The shortest time a slide is alone on screen, if the spec fixes it
/// (nothing while some slides' length waits for the narration's).
std::optional<double> shortest_slide_seconds(const render_spec& spec);

/// Checks the pictures part of a spec that needs no audio: per-slide values,
/// slide_starts, transitions, poster. The error names the field as the job
/// body spells it ("slides[2].duration", "slide_starts", "transitions").
status validate_pictures(const render_spec& spec);

} // namespace vs::media
