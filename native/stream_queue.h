// What waits in a connected AF_UNIX stream socket's receive queue, seen without taking it (Linux):
// how many bytes, and whether any of them carry descriptors (SCM_RIGHTS). The proxy's zero-copy
// path (native/splice_path.h) may only move bytes that carry none: a splice read drops them.
//
// How: the bytes queued (FIONREAD), then the descriptors queued (`scm_fds` in /proc/self/fdinfo,
// Linux 5.7 and later). None queued means none among the bytes counted just before (the queue
// only grows at its tail, and this thread is its only reader). Where some are queued, Linux has no
// way to say where they begin without taking the bytes before them (a peek reports the
// descriptors of any later message too), so that read is a recvmsg as the kernel gives it: it
// takes the plain bytes queued before the message that carries them, and the descriptors go on
// with the first of those bytes (README, Fault injection). macOS has neither count: there Open()
// fails and every read is a recvmsg.
#pragma once

#include <sys/types.h>

namespace uds {

class StreamQueue {
 public:
  StreamQueue() = default;
  StreamQueue(const StreamQueue&) = delete;
  StreamQueue& operator=(const StreamQueue&) = delete;
  ~StreamQueue();

  // Starts watching `fd`'s queue: false where the platform or kernel cannot tell.
  bool Open(int fd);

  // How the next read should go: > 0, that many queued bytes carry no descriptor; kEmpty, nothing
  // is queued; kRightsQueued, descriptors are queued (or the queue could not be seen): recvmsg.
  static constexpr ssize_t kEmpty = 0;
  static constexpr ssize_t kRightsQueued = -1;
  ssize_t Plan() const;

 private:
  int fd_ = -1;
  int fdinfo_ = -1;
};

}  // namespace uds
