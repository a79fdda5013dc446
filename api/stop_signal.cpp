#include "api/stop_signal.hpp"

#include <cstdint>
#include <sys/eventfd.h>
#include <unistd.h>

namespace vs::api {

stop_signal::stop_signal() : fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}

stop_signal::~stop_signal() {
  if (fd_ >= 0)
    ::close(fd_);
}

void stop_signal::raise() {
  raised_.store(true);
  if (fd_ >= 0) {
    uint64_t one = 1;
    (void)!::write(fd_, &one, sizeof one);
  }
}

} // namespace vs::api
