#include "media/audio_encode.hpp"
