#include "splice_path.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>

namespace uds {

namespace {

#ifndef __APPLE__
// The pipe between the two sockets: as large as the copy path's read buffer where the user's pipe
// allowance lets it be (F_SETPIPE_SZ may refuse past /proc/sys/fs/pipe-max-size or the per-user
// page budget; the default 64 KiB pipe then still works, in smaller steps).
constexpr int kPipeBytes = 512 * 1024;
#endif

}  // namespace

SplicePath::~SplicePath() {
  for (int& fd : pipe_)
    if (fd >= 0) close(fd);
}

bool SplicePath::Open(int src) {
#ifdef __APPLE__
  (void)src;
  return false;
#else
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return false;
  fcntl(fds[1], F_SETPIPE_SZ, kPipeBytes);
  int size = fcntl(fds[1], F_GETPIPE_SZ);
  // A splice into a socket whose reader is gone raises SIGPIPE (it has no MSG_NOSIGNAL, as the copy
  // path's sends have): blocked on this thread, where it stays pending and is never delivered;
  // the write fails with EPIPE as a send would. Node ignores SIGPIPE anyway.
  sigset_t pipeSignal;
  sigemptyset(&pipeSignal);
  sigaddset(&pipeSignal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipeSignal, nullptr);
  src_ = src;
  pipe_[0] = fds[0];
  pipe_[1] = fds[1];
  capacity_ = size > 0 ? static_cast<size_t>(size) : 65536;
  return true;
#endif
}

ssize_t SplicePath::Take(size_t limit) {
#ifdef __APPLE__
  (void)limit;
  return -ENOSYS;
#else
  size_t room = std::min(limit, capacity_ - held_);
  ssize_t got = splice(src_, nullptr, pipe_[1], nullptr, room, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (got < 0) return -errno;
  held_ += static_cast<size_t>(got);
  return got;
#endif
}

ssize_t SplicePath::Give(int dst) {
#ifdef __APPLE__
  (void)dst;
  return -ENOSYS;
#else
  while (held_ > 0) {
    ssize_t sent = splice(pipe_[0], nullptr, dst, nullptr, held_, SPLICE_F_MOVE);
    if (sent < 0) return -errno;
    held_ -= static_cast<size_t>(sent);
  }
  return 0;
#endif
}

}  // namespace uds
