/// stb_image's implementation, compiled into image_fuzz with the fuzzer's
/// coverage and sanitizer instrumentation. Debian's libstb.so (what the
/// service links) is built from the same header but uninstrumented: the
/// fuzzer could neither steer through nor check the decoder inside it. The
/// linker takes these definitions before the shared library's.
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
