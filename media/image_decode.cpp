#include "media/image_decode.hpp"
