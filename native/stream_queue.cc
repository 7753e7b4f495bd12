#include "stream_queue.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <string>

namespace uds {

StreamQueue::~StreamQueue() {
  if (fdinfo_ >= 0) close(fdinfo_);
}

bool StreamQueue::Open(int fd) {
#ifdef __APPLE__
  (void)fd;
  return false;
#else
  std::string path = "/proc/self/fdinfo/" + std::to_string(fd);
  int info = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (info < 0) return false;
  char text[512];
  ssize_t got = pread(info, text, sizeof text - 1, 0);
  if (got <= 0 || (text[got] = 0, strstr(text, "scm_fds:") == nullptr)) {
    close(info);
    return false;
  }
  fd_ = fd;
  fdinfo_ = info;
  return true;
#endif
}

ssize_t StreamQueue::Plan() const {
#ifdef __APPLE__
  return kRightsQueued;
#else
  int queued = 0;
  if (ioctl(fd_, FIONREAD, &queued) < 0) return kRightsQueued;
  if (queued <= 0) return kEmpty;
  // After the byte count: descriptors queued behind those bytes may be counted too (the read then
  // takes the copy path for nothing), but never one among them is missed.
  char text[512];
  ssize_t got = pread(fdinfo_, text, sizeof text - 1, 0);
  if (got <= 0) return kRightsQueued;
  text[got] = 0;
  const char* field = strstr(text, "scm_fds:");
  if (field == nullptr || strtol(field + 8, nullptr, 10) != 0) return kRightsQueued;
  return queued;
#endif
}

}  // namespace uds
