// The proxy's zero-copy stream path (Linux): bytes move from one connected AF_UNIX stream socket
// to another through a pipe with splice(2), so the kernel hands the pages on instead of copying
// every byte out to the proxy and back in. On two cores that is what decides whether a third
// thread between sender and receiver halves the throughput or not (bench/RESULTS.md, fifth
// session).
//
// A splice read drops the SCM_RIGHTS descriptors of what it reads, so only bytes that carry none
// may take this path: the proxy moves exactly the plain bytes a StreamQueue plan names
// (native/stream_queue.h), and reads the others with recvmsg. macOS has no splice: there the path
// never opens.
#pragma once

#include <sys/types.h>

#include <cstddef>

namespace uds {

class SplicePath {
 public:
  SplicePath() = default;
  SplicePath(const SplicePath&) = delete;
  SplicePath& operator=(const SplicePath&) = delete;
  ~SplicePath();

  // Prepares the path for reads from `src`: false where it cannot be had (macOS, no pipe), and
  // the caller copies as before.
  bool Open(int src);

  // Reads up to `limit` bytes of src into the pipe without waiting: the count, or -errno.
  ssize_t Take(size_t limit);

  // Writes everything the pipe holds to dst. Its sends wait in the kernel as the copy path's do
  // (SO_SNDTIMEO slices): -EAGAIN when a slice passed with bytes still held (the caller checks
  // whether to stop, then calls again), 0 when the pipe is empty, or -errno.
  ssize_t Give(int dst);

  size_t held() const { return held_; }

 private:
  int src_ = -1;
  int pipe_[2] = {-1, -1};
  size_t capacity_ = 0;
  size_t held_ = 0;  // bytes in the pipe, not yet given on
};

}  // namespace uds
