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

namespace uds {

namespace {

// How far one peek looks for the first descriptors: a plan never names more plain bytes than
// this (the proxy reads in steps of its buffer anyway), and it bounds the copy a peek makes.
constexpr size_t kPeekWindow = 64 * 1024;
// SCM_MAX_FD: the most descriptors one message can carry on Linux.
constexpr size_t kMaxRights = 253;

#ifndef __APPLE__
// One peek: `length` bytes at the current peek position; 1 when descriptors came with them
// (closed here: they are duplicates), 0 when none did, -1 when the peek failed. `got` its length.
int Peek(int fd, char* buffer, size_t length, ssize_t* got) {
  iovec io = {buffer, length};
  std::vector<char> control(CMSG_SPACE(kMaxRights * sizeof(int)));
  msghdr message{};
  message.msg_iov = &io;
  message.msg_iovlen = 1;
  message.msg_control = control.data();
  message.msg_controllen = control.size();
  ssize_t n;
  do n = recvmsg(fd, &message, MSG_PEEK | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -1;
  *got = n;
  int rights = 0;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const unsigned char* data = CMSG_DATA(header);
    for (size_t i = 0; i < count; i++) {
      int dup;
      memcpy(&dup, data + i * sizeof(int), sizeof dup);
      close(dup);
    }
    rights = 1;
  }
  // A peek the control buffer could not hold still had descriptors (the kernel closed the rest).
  if (message.msg_flags & MSG_CTRUNC) rights = 1;
  return rights;
}
#endif

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

ssize_t StreamQueue::Plan() {
#ifdef __APPLE__
  return kUnknown;
#else
  int queued = 0;
  if (ioctl(fd_, FIONREAD, &queued) < 0) return kUnknown;
  if (queued <= 0) return kEmpty;
  // After the byte count: descriptors queued behind those bytes may be counted too (then the peek
  // below finds none among them), but none among them is missed.
  char text[512];
  ssize_t got = pread(fdinfo_, text, sizeof text - 1, 0);
  if (got <= 0) return kUnknown;
  text[got] = 0;
  const char* field = strstr(text, "scm_fds:");
  if (field == nullptr) return kUnknown;
  if (strtol(field + 8, nullptr, 10) == 0) return queued;
  bool rights = false;
  ssize_t reach = PeekLength(std::min<size_t>(static_cast<size_t>(queued), kPeekWindow), &rights);
  if (reach <= 0) return kUnknown;
  if (!rights) return reach;
  // The first message that carries descriptors ends at `reach`: bisect for where it begins.
  ssize_t plain = kUnknown;
  int first = RightsAt(0);
  if (first == 1) plain = kRightsFirst;
  if (first == 0) {
    size_t without = 0, with = static_cast<size_t>(reach) - 1;  // RightsAt(without) == 0, RightsAt(with) == 1
    while (with - without > 1) {
      size_t middle = without + (with - without) / 2;
      int at = RightsAt(middle);
      if (at < 0) break;
      (at == 1 ? with : without) = middle;
    }
    if (with - without == 1) plain = static_cast<ssize_t>(with);
  }
  int off = -1;
  setsockopt(fd_, SOL_SOCKET, SO_PEEK_OFF, &off, sizeof off);
  return plain;
#endif
}

int StreamQueue::RightsAt(size_t offset) {
#ifdef __APPLE__
  (void)offset;
  return -1;
#else
  int at = static_cast<int>(offset);
  if (setsockopt(fd_, SOL_SOCKET, SO_PEEK_OFF, &at, sizeof at) < 0) return -1;
  char byte;
  ssize_t got = 0;
  int rights = Peek(fd_, &byte, 1, &got);
  return got == 1 ? rights : -1;
#endif
}

ssize_t StreamQueue::PeekLength(size_t want, bool* rights) {
#ifdef __APPLE__
  (void)want;
  (void)rights;
  return -1;
#else
  std::vector<char> scratch(want);
  ssize_t got = 0;
  int found = Peek(fd_, scratch.data(), want, &got);
  if (found < 0) return -1;
  *rights = found == 1;
  return got;
#endif
}

}  // namespace uds
