// What waits in a connected AF_UNIX stream socket's receive queue, seen without taking it (Linux):
// how many bytes come before the first ones that carry descriptors (SCM_RIGHTS). The proxy reads
// a stream by that plan, so each descriptor goes on with the very byte it came with.
//
// Why: Linux attaches a message's descriptors to the first of its bytes, and one recvmsg reads
// on through earlier messages' bytes up to the end of the first message that carries some. A
// proxy that forwarded such a read whole would hand the descriptor to the far end with bytes sent
// before it: a reader that takes exactly its header with a plain recv there would lose it (the
// kernel discards descriptors a read has no room for). Reading the plain bytes before it on their
// own keeps the descriptor where the sender put it.
//
// How: the bytes queued (FIONREAD) and the descriptors queued (`scm_fds` in /proc/self/fdinfo,
// Linux 5.7 and later); when some are, where: a peek reports a message's descriptors with any of
// its bytes, so one-byte peeks at a byte offset (SO_PEEK_OFF) tell, by bisection, where the first
// message that carries descriptors begins. The peeks' duplicates of the descriptors are closed at
// once. This thread must be the queue's only reader (the proxy's direction is). macOS has neither
// count: there Open() fails and the proxy reads as the kernel gives (see README, platform table).
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

  // How the next read should go: > 0, that many bytes carry no descriptor (read at most these);
  // kRightsFirst, the first queued bytes carry descriptors (a recvmsg reads exactly their message);
  // kEmpty, nothing is queued; kUnknown, the queue could not be inspected (read as the kernel gives).
  static constexpr ssize_t kRightsFirst = 0;
  static constexpr ssize_t kEmpty = -1;
  static constexpr ssize_t kUnknown = -2;
  ssize_t Plan();

 private:
  // Whether the message holding byte `offset` of the queue carries descriptors: 1, 0, or -1.
  int RightsAt(size_t offset);
  // The length of a peek of up to `want` bytes from the head (it stops after the first message
  // that carries descriptors), its duplicates closed; -1 when the peek failed.
  ssize_t PeekLength(size_t want, bool* rights);

  int fd_ = -1;
  int fdinfo_ = -1;
};

}  // namespace uds
