// What waits in a connected AF_UNIX stream socket's receive queue, seen without taking it (Linux),
// and how the proxy reads it so that each descriptor (SCM_RIGHTS) goes on with the byte it came
// with, and only bytes that carry none take the zero-copy path (native/splice_path.h: a splice
// read drops descriptors).
//
// Linux attaches a message's descriptors to its first byte, and one recvmsg reads on through
// earlier messages' bytes up to the end of the first message that carries some: a proxy that
// forwarded such a read whole would put the descriptors on bytes sent before them, and a far end
// that reads exactly those bytes with no room for descriptors would lose them. Where the
// descriptors begin cannot be seen without taking the bytes before them (a peek reports the
// descriptors of any later message too), so the plan narrows in on them: the bytes queued
// (FIONREAD) and the descriptors queued (`scm_fds` in /proc/self/fdinfo, Linux 5.7 and later,
// read after the count); none queued, every byte counted is plain. Otherwise a peek says where
// the first message that carries them ends; half of the bytes before that end are read (plain
// unless that message is longer than the other half), and from kExactBytes on, one byte at a
// time: the read that brings the descriptors starts at their first byte. Exact for messages that
// carry descriptors up to kExactBytes / 2 bytes long behind other bytes (and any length at the
// head of the queue), at a few more system calls only while descriptors are queued. macOS has
// neither count: there Open() fails and every read is what recvmsg gives.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <vector>

namespace uds {

struct ReadPlan {
  size_t bytes = 0;    // the most the next read takes (0: as much as recvmsg gives)
  bool plain = false;  // those bytes are known to carry no descriptor
  bool empty = false;  // nothing is queued
  // A one-byte read: where the first message that carries descriptors ends, counted from it. When
  // that byte brings them, it began that message: the read takes the rest of it along.
  size_t through = 0;
};

class StreamQueue {
 public:
  StreamQueue() = default;
  StreamQueue(const StreamQueue&) = delete;
  StreamQueue& operator=(const StreamQueue&) = delete;
  ~StreamQueue();

  // Starts watching `fd`'s queue (this thread must be its only reader): false where the platform
  // or kernel cannot tell.
  bool Open(int fd);

  ReadPlan Plan() const;

 private:
  int fd_ = -1;
  int fdinfo_ = -1;
  // The peek's room for bytes and descriptors, kept between plans (Plan reads into them only).
  mutable std::vector<char> scratch_, control_;
};

}  // namespace uds
