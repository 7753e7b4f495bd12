// Several datagram or seqpacket messages per system call, shared by the traffic engine
// (traffic_send.cc, traffic_receive.cc) and the forwarding proxy (proxy.cc): Linux has
// recvmmsg/sendmmsg; macOS has neither, and there the same two calls move one message each
// (recvmsg, and a plain sendmsg loop), so a caller's batching code is the same on both.
#pragma once

#include <errno.h>
#include <sys/socket.h>

namespace uds {

// Messages a batching loop moves per system call.
constexpr unsigned kMessageBatch = 32;

#ifdef __APPLE__
struct mmsghdr {
  msghdr msg_hdr;
  unsigned msg_len;
};
#endif

// Receives up to `count` queued messages into vec (each msg_len set): how many, or -errno
// (EAGAIN with MSG_DONTWAIT when none is queued). macOS: at most one.
inline int ReceiveMessages(int fd, mmsghdr* vec, unsigned count, int flags) {
#ifdef __APPLE__
  if (count == 0) return 0;
  ssize_t got = recvmsg(fd, &vec[0].msg_hdr, flags);
  if (got < 0) return -errno;
  vec[0].msg_len = static_cast<unsigned>(got);
  return 1;
#else
  int got = recvmmsg(fd, vec, count, flags, nullptr);
  return got < 0 ? -errno : got;
#endif
}

// Sends vec[0..count) in order, each message whole: how many went (fewer when the socket filled
// up or one failed: the next call reports why), or -errno when not even the first did.
inline int SendMessages(int fd, mmsghdr* vec, unsigned count, int flags) {
#ifdef __APPLE__
  unsigned sent = 0;
  while (sent < count) {
    ssize_t n = sendmsg(fd, &vec[sent].msg_hdr, flags);
    if (n < 0) {
      if (sent > 0) break;
      return -errno;
    }
    vec[sent++].msg_len = static_cast<unsigned>(n);
  }
  return static_cast<int>(sent);
#else
  int sent = sendmmsg(fd, vec, count, flags);
  return sent < 0 ? -errno : sent;
#endif
}

}  // namespace uds
