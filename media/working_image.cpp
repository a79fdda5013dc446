#include "media/working_image.hpp"
