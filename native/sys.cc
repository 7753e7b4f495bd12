#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#ifdef __APPLE__
#include <mach/mach_time.h>
#include <sys/select.h>
#include <sys/ucred.h>
#else
#include <time.h>
#endif

namespace uds {

namespace {

int SetFlags(int fd) {
  int status = fcntl(fd, F_GETFL);
  if (status < 0) return -errno;
  if (!(status & O_NONBLOCK) && fcntl(fd, F_SETFL, status | O_NONBLOCK) < 0) return -errno;
  int descriptor = fcntl(fd, F_GETFD);
  if (descriptor < 0) return -errno;
  if (!(descriptor & FD_CLOEXEC) && fcntl(fd, F_SETFD, descriptor | FD_CLOEXEC) < 0) return -errno;
  return 0;
}

#ifdef __APPLE__
// macOS limits an AF_UNIX datagram to its send buffer, 2048 bytes by default
// (net.local.dgram.maxdgram), and queues 4096 bytes at the receiver (net.local.dgram.recvspace);
// a larger datagram fails with EMSGSIZE, or waits forever for room that never comes. Datagram
// sockets get Linux's default sizes instead, so scenarios carry the same messages on both. Best
// effort: a system that refuses keeps its defaults, and sends fail with their own errno.
constexpr int kDatagramSendBytes = 212992;
constexpr int kDatagramReceiveBytes = 4 * 212992;

void SizeDatagramBuffers(int fd, int type) {
  if (type != SOCK_DGRAM) return;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kDatagramSendBytes, sizeof kDatagramSendBytes);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kDatagramReceiveBytes, sizeof kDatagramReceiveBytes);
}

// macOS prepares a descriptor in a second step; when that fails the new descriptor is dropped.
int CloseKeepingErrno(int fd, int result) {
  close(fd);
  return result;
}
#endif

}  // namespace

int PrepareDescriptor(int fd) {
  int result = SetFlags(fd);
  if (result < 0) return result;
#ifdef __APPLE__
  int on = 1;
  if (setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on) < 0) return -errno;
#endif
  return 0;
}

ControlBuffer::ControlBuffer(size_t room) : room_(room) {
#ifdef UDS_TRIM_CONTROL
  bytes_.assign(CMSG_SPACE(kMaxFdsPerMessage * sizeof(int)), 0);
#else
  if (room > 0) bytes_.assign(CMSG_SPACE(room * sizeof(int)), 0);
#endif
}

void ControlBuffer::Attach(msghdr* message) {
  if (bytes_.empty()) {
    message->msg_control = nullptr;
    message->msg_controllen = 0;
    return;
  }
  message->msg_control = bytes_.data();
#ifdef UDS_TRIM_CONTROL
  message->msg_controllen = static_cast<socklen_t>(bytes_.size());
#else
  message->msg_controllen = static_cast<socklen_t>(CMSG_LEN(room_ * sizeof(int)));
#endif
}

bool ControlBuffer::Take(msghdr* message, std::vector<int>* kept) {
  bool truncated = (message->msg_flags & MSG_CTRUNC) != 0;
  if (message->msg_control == nullptr || message->msg_controllen == 0) return truncated;
  const unsigned char* end = static_cast<const unsigned char*>(message->msg_control) + message->msg_controllen;
  size_t taken = 0;
  for (cmsghdr* header = CMSG_FIRSTHDR(message); header != nullptr; header = CMSG_NXTHDR(message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
    const unsigned char* slots = CMSG_DATA(header);
    size_t claimed = header->cmsg_len > CMSG_LEN(0) ? header->cmsg_len - CMSG_LEN(0) : 0;
    size_t present = slots < end ? static_cast<size_t>(end - slots) : 0;
    size_t count = std::min(claimed, present) / sizeof(int);
    for (size_t i = 0; i < count; i++) {
      int fd;
      memcpy(&fd, slots + i * sizeof(int), sizeof fd);
      if (kept != nullptr && taken < room_) {
#ifdef __APPLE__
        // No MSG_CMSG_CLOEXEC on macOS: a fork in another thread before this line could inherit it.
        fcntl(fd, F_SETFD, FD_CLOEXEC);
#endif
        kept->push_back(fd);
        taken++;
      } else {
        close(fd);
        truncated = true;
      }
    }
  }
  return truncated;
}

int PrepareReceivedDescriptor(int fd) {
  // Close-on-exec only. O_NONBLOCK lives on the open file description, which the sender shares:
  // setting it would hand a program under test that passed its blocking pipe or socket a
  // non-blocking one, and the harness never changes the system under test. FD_CLOEXEC is the
  // descriptor's own. Linux applied it atomically through MSG_CMSG_CLOEXEC; on macOS
  // ControlBuffer::Take set it as the descriptor arrived (a fork in another thread between
  // recvmsg and there could inherit it: macOS has no atomic form).
  int descriptor = fcntl(fd, F_GETFD);
  if (descriptor < 0) return -errno;
  if (!(descriptor & FD_CLOEXEC) && fcntl(fd, F_SETFD, descriptor | FD_CLOEXEC) < 0) return -errno;
  return 0;
}

int OpenSocket(int type) {
#ifdef __APPLE__
  // macOS has no SOCK_NONBLOCK / SOCK_CLOEXEC type flags.
  int fd = socket(AF_UNIX, type, 0);
  if (fd < 0) return -errno;
  int result = PrepareDescriptor(fd);
  if (result < 0) return CloseKeepingErrno(fd, result);
  SizeDatagramBuffers(fd, type);
  return fd;
#else
  int fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  return fd < 0 ? -errno : fd;
#endif
}

int OpenSocketPair(int type, int fds[2]) {
#ifdef __APPLE__
  if (socketpair(AF_UNIX, type, 0, fds) < 0) return -errno;
  int result = PrepareDescriptor(fds[0]);
  if (result == 0) result = PrepareDescriptor(fds[1]);
  if (result < 0) {
    close(fds[0]);
    close(fds[1]);
    return result;
  }
  SizeDatagramBuffers(fds[0], type);
  SizeDatagramBuffers(fds[1], type);
  return 0;
#else
  return socketpair(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0 ? -errno : 0;
#endif
}

int AcceptConnection(int listenFd) {
#ifdef __APPLE__
  // macOS has no accept4.
  int fd = accept(listenFd, nullptr, nullptr);
  if (fd < 0) return -errno;
  int result = PrepareDescriptor(fd);
  return result < 0 ? CloseKeepingErrno(fd, result) : fd;
#else
  int fd = accept4(listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  return fd < 0 ? -errno : fd;
#endif
}

int FillAddress(const uint8_t* bytes, size_t length, sockaddr_un* address, socklen_t* addressLength) {
  memset(address, 0, sizeof *address);
  address->sun_family = AF_UNIX;
  bool abstract = length > 0 && bytes[0] == 0;
  // A path needs room for its terminating NUL; an abstract name is counted exactly.
  size_t room = abstract ? sizeof address->sun_path : sizeof address->sun_path - 1;
  if (length > room) return -ENAMETOOLONG;
  memcpy(address->sun_path, bytes, length);
  size_t used = offsetof(sockaddr_un, sun_path) + length + (abstract || length == 0 ? 0 : 1);
  *addressLength = static_cast<socklen_t>(used);
#ifdef __APPLE__
  address->sun_len = static_cast<uint8_t>(used);
#endif
  return 0;
}

size_t AddressBytes(const sockaddr_un& address, socklen_t addressLength, const char** bytes) {
  *bytes = address.sun_path;
  if (addressLength <= static_cast<socklen_t>(offsetof(sockaddr_un, sun_path))) return 0;
  size_t length = addressLength - offsetof(sockaddr_un, sun_path);
  if (length > sizeof address.sun_path) length = sizeof address.sun_path;
  if (address.sun_path[0] == 0) {
    // Linux abstract name: every byte counts, NULs included. macOS reports an unnamed socket
    // as a zeroed sun_path, which is no abstract name.
#ifdef __APPLE__
    return 0;
#else
    return length;
#endif
  }
  return strnlen(address.sun_path, length);
}

int ReadPeerCredentials(int fd, PeerCredentials* out) {
#ifdef __APPLE__
  xucred cred;
  socklen_t length = sizeof cred;
  if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERCRED, &cred, &length) < 0) return -errno;
  if (cred.cr_version != XUCRED_VERSION) return -EPROTO;
  pid_t pid = 0;
  length = sizeof pid;
  if (getsockopt(fd, SOL_LOCAL, LOCAL_PEERPID, &pid, &length) < 0) {
    // LOCAL_PEERPID needs the connection; once the peer has closed, macOS still knows its uid and
    // gid (LOCAL_PEERCRED) but no longer its pid. Linux's SO_PEERCRED keeps all three.
    if (errno != ENOTCONN) return -errno;
    pid = -1;
  }
  out->pid = pid;
  out->uid = cred.cr_uid;
  out->gid = cred.cr_ngroups > 0 ? cred.cr_groups[0] : 0;
  return 0;
#else
  ucred cred;
  socklen_t length = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) < 0) return -errno;
  out->pid = cred.pid;
  out->uid = cred.uid;
  out->gid = cred.gid;
  return 0;
#endif
}

#ifdef __APPLE__
// libuv (1.38.1 and later, so every Node this package supports) reads mach_continuous_time() on
// macOS, scaled by the timebase: the clock that keeps counting while the Mac sleeps
// (clock_gettime_nsec_np(CLOCK_MONOTONIC_RAW) in POSIX terms). Not mach_absolute_time() /
// CLOCK_UPTIME_RAW, which stops during sleep and so falls behind process.hrtime after the first
// sleep since boot. The same arithmetic as libuv's, so both round alike.
uint64_t MonotonicNs() {
  static const mach_timebase_info_data_t timebase = [] {
    mach_timebase_info_data_t info{};
    mach_timebase_info(&info);
    return info;
  }();
  return mach_continuous_time() * timebase.numer / timebase.denom;
}
#else
// libuv reads CLOCK_MONOTONIC on Linux.
uint64_t MonotonicNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}
#endif

#ifdef __APPLE__
// macOS has no ppoll, and poll(2) counts in milliseconds: a budget of tens of microseconds would
// round to no wait or to a whole millisecond. select(2) takes a timeval; it holds descriptors
// below FD_SETSIZE only, so a higher one is refused (the caller then waits on the event loop).
int WaitReady(int fd, bool writable, unsigned budgetUs) {
  if (fd < 0) return -EBADF;
  if (fd >= FD_SETSIZE) return -ENOTSUP;
  fd_set set;
  FD_ZERO(&set);
  FD_SET(fd, &set);
  timeval timeout{static_cast<time_t>(budgetUs / 1000000), static_cast<suseconds_t>(budgetUs % 1000000)};
  int result = select(fd + 1, writable ? nullptr : &set, writable ? &set : nullptr, nullptr, &timeout);
  if (result < 0) return errno == EINTR ? 0 : -errno;
  return result > 0 ? 1 : 0;
}
#else
int WaitReady(int fd, bool writable, unsigned budgetUs) {
  pollfd entry{fd, static_cast<short>(writable ? POLLOUT : POLLIN), 0};
  timespec timeout{static_cast<time_t>(budgetUs / 1000000), static_cast<long>(budgetUs % 1000000) * 1000};
  int result = ppoll(&entry, 1, &timeout, nullptr);
  if (result < 0) return errno == EINTR ? 0 : -errno;
  if (result == 0) return 0;
  return (entry.revents & POLLNVAL) ? -EBADF : 1;
}
#endif

int PendingSocketError(int fd) {
  int error = 0;
  socklen_t length = sizeof error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0) return -errno;
  return -error;
}

int SocketTypeOf(int fd) {
  int type = 0;
  socklen_t length = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) < 0) return -errno;
  return type;
}

int SetBufferSize(int fd, bool send, int bytes) {
  int option = send ? SO_SNDBUF : SO_RCVBUF;
  if (bytes >= 0 && setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes) < 0) return -errno;
  int actual = 0;
  socklen_t length = sizeof actual;
  if (getsockopt(fd, SOL_SOCKET, option, &actual, &length) < 0) return -errno;
  return actual;
}

}  // namespace uds
