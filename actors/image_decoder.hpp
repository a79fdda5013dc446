#pragma once
/// Image decoders: detached workers that turn a slide file into its working
/// image (decode, cover-crop, resample, YUV), and the pool that feeds them.
/// A slide is decoded once per job; frames share the result read-only.

#include "actors/actors.hpp"
#include "actors/worker_pool.hpp"

namespace vs::actors {

struct image_decoder_state {
  image_decoder_state() = default;
  static inline const char* name = "image_decoder";
};

/// One worker; spawn detached (decoding and resampling block for tens of ms).
image_decoder_actor::behavior_type image_decoder(image_decoder_actor::stateful_pointer<image_decoder_state> self);

struct image_decoder_pool_state : worker_pool_state<image_decoder_actor, decode_request, media::slide_image> {
  image_decoder_pool_state() = default;
  static inline const char* name = "image_decoder_pool";
};

/// Spawns `workers` detached decoders linked to itself and dispatches to them.
image_decoder_actor::behavior_type
image_decoder_pool(image_decoder_actor::stateful_pointer<image_decoder_pool_state> self, int workers);

} // namespace vs::actors
