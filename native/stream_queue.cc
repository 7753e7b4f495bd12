#include "stream_queue.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "limits.h"

namespace uds {

namespace {

// How far a peek looks for the end of the first message that carries descriptors.
constexpr size_t kPeekWindow = 256 * 1024;
// From this distance to that end on, the plan reads one byte at a time.
constexpr size_t kExactBytes = 64;
// The most descriptors one message carries (Linux's SCM_MAX_FD).
constexpr size_t kMaxRights = UDS_LIMIT_MAX_FDS_PER_MESSAGE;

// Closes the descriptors a peek duplicated into this process.
void CloseRights(msghdr* message) {
  for (cmsghdr* header = CMSG_FIRSTHDR(message); header != nullptr; header = CMSG_NXTHDR(message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof fd);
      close(fd);
    }
  }
}

}  // namespace

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

ReadPlan StreamQueue::Plan() const {
  ReadPlan plan;
#ifndef __APPLE__
  int queued = 0;
  if (ioctl(fd_, FIONREAD, &queued) < 0) return plan;
  if (queued <= 0) {
    plan.empty = true;
    return plan;
  }
  // After the byte count: descriptors queued behind those bytes may be counted too (the plan then
  // narrows in for nothing), but never one among them is missed.
  char text[512];
  ssize_t got = pread(fdinfo_, text, sizeof text - 1, 0);
  if (got <= 0) return plan;
  text[got] = 0;
  const char* field = strstr(text, "scm_fds:");
  if (field == nullptr) return plan;
  if (strtol(field + 8, nullptr, 10) == 0) {
    plan.bytes = static_cast<size_t>(queued);
    plan.plain = true;
    return plan;
  }
  // A peek stops after the first message that carries descriptors: where that message ends (or
  // the window, when it ends further on).
  size_t window = std::min<size_t>(static_cast<size_t>(queued), kPeekWindow);
  if (scratch_.size() < window) scratch_.resize(window);
  control_.resize(CMSG_SPACE(kMaxRights * sizeof(int)));
  iovec io = {scratch_.data(), window};
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control_.data();
  message.msg_controllen = control_.size();
  ssize_t reach;
  do reach = recvmsg(fd_, &message, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (reach < 0 && errno == EINTR);
  CloseRights(&message);  // the peek's duplicates
  if (reach <= 0) return plan;
  if (static_cast<size_t>(reach) > kExactBytes) {
    plan.bytes = static_cast<size_t>(reach) / 2;
  } else {
    plan.bytes = 1;
    plan.through = static_cast<size_t>(reach);
  }
#endif
  return plan;
}

}  // namespace uds
