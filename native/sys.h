// Platform layer: every syscall detail that differs between Linux and macOS lives here, so the
// socket object above it reads the same on both. Functions return a result >= 0 or -errno.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "limits.h"

namespace uds {

struct PeerCredentials {
  int pid;
  unsigned uid;
  unsigned gid;
};

// MSG_NOSIGNAL keeps a write to a closed peer from raising SIGPIPE on Linux; macOS has no such
// flag and gets SO_NOSIGPIPE on every socket instead (see PrepareDescriptor). MSG_DONTWAIT guards
// descriptors adopted from another process, which may clear O_NONBLOCK on the shared file.
#ifdef __APPLE__
constexpr int kSendFlags = MSG_DONTWAIT;
constexpr int kRecvFlags = MSG_DONTWAIT;
#else
constexpr int kSendFlags = MSG_DONTWAIT | MSG_NOSIGNAL;
constexpr int kRecvFlags = MSG_DONTWAIT | MSG_CMSG_CLOEXEC;
#endif

// Sets O_NONBLOCK and FD_CLOEXEC (and SO_NOSIGPIPE on a macOS socket).
int PrepareDescriptor(int fd);
// Sets FD_CLOEXEC (only: never O_NONBLOCK, a flag the sender shares) on a descriptor that arrived with SCM_RIGHTS.
int PrepareReceivedDescriptor(int fd);

int OpenSocket(int type);
int OpenSocketPair(int type, int fds[2]);
int AcceptConnection(int listenFd);

// `bytes` is a path (no NUL) or, on Linux, an abstract name that starts with NUL. Refuses with
// -ENAMETOOLONG rather than truncating (TypeScript checks first; this is the last guard).
int FillAddress(const uint8_t* bytes, size_t length, sockaddr_un* address, socklen_t* addressLength);
// The meaningful bytes of an address returned by the kernel: empty for an unnamed socket.
size_t AddressBytes(const sockaddr_un& address, socklen_t addressLength, const char** bytes);

// Most descriptors one SCM_RIGHTS message can carry (SCM_MAX_FD on Linux).
constexpr size_t kMaxFdsPerMessage = UDS_LIMIT_MAX_FDS_PER_MESSAGE;

// Room for the descriptors of one received message, and the one way to take them out of it.
// Linux fills as many descriptors as msg_controllen has room for, closes the rest and sets
// MSG_CTRUNC; CMSG_SPACE rounds up to 8 bytes there (room for 1 would hold 2), so the room given
// is CMSG_LEN(room), exact. macOS installs every descriptor of a message in the receiving process
// before it cuts the control data to the buffer (even to no buffer at all), and copies the sender's
// cmsg_len unchanged: descriptors that do not fit would leak and a naive reader would read past
// the buffer. So on macOS the buffer always has room for a whole message, and Take() keeps `room`
// descriptors, closes the others and reports the truncation itself.
//
// Building with -DUDS_WHOLE_MESSAGE_CONTROL gives Linux the macOS way (a whole-message buffer,
// trimmed by Take), so that path is tested where no Mac is at hand.
#if defined(__APPLE__) || defined(UDS_WHOLE_MESSAGE_CONTROL)
#define UDS_TRIM_CONTROL 1
#endif
class ControlBuffer {
 public:
  explicit ControlBuffer(size_t room);
  // Points `message` at the buffer (or at none where the platform discards descriptors itself).
  void Attach(msghdr* message);
  // After recvmsg: the first `room` descriptors are appended to `kept` (close-on-exec at once on
  // macOS), any others closed; never reads past what the kernel returned. `kept` may be null when
  // room is 0. True when the control data was truncated: MSG_CTRUNC, or more than `room` arrived.
  bool Take(msghdr* message, std::vector<int>* kept);

 private:
  size_t room_;
  std::vector<unsigned char> bytes_;
};

// The clock of process.hrtime() in ns (libuv's uv_hrtime), so a time taken here and one taken in
// JavaScript, in this process or another, fall on one timeline. See sys.cc for which clock that
// is on each platform.
uint64_t MonotonicNs();

// Blocks until `fd` is readable (or writable) or `budgetUs` microseconds pass: 1 ready (an error
// or hang-up counts: the retried call reports it), 0 not ready in time or interrupted by a signal
// (the event loop then handles it), or -errno. For a short synchronous wait in place of an event
// loop round (UnixSocket.waitBudget); the budget has microsecond resolution on both platforms.
int WaitReady(int fd, bool writable, unsigned budgetUs);

int ReadPeerCredentials(int fd, PeerCredentials* out);
int PendingSocketError(int fd);
int SocketTypeOf(int fd);
// SO_SNDBUF (`send`) or SO_RCVBUF set to `bytes` (when >= 0), then the size the kernel settled on:
// Linux doubles what it is given (room for its bookkeeping) and clamps it to a minimum and to
// net.core.[wr]mem_max; macOS keeps the value and refuses one above kern.ipc.maxsockbuf (ENOBUFS).
int SetBufferSize(int fd, bool send, int bytes);

}  // namespace uds
