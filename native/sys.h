// Platform layer: every syscall detail that differs between Linux and macOS lives here, so the
// socket object above it reads the same on both. Functions return a result >= 0 or -errno.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

#include <cstddef>
#include <cstdint>

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
// Sets O_NONBLOCK and FD_CLOEXEC on a descriptor that arrived with SCM_RIGHTS.
int PrepareReceivedDescriptor(int fd);

int OpenSocket(int type);
int OpenSocketPair(int type, int fds[2]);
int AcceptConnection(int listenFd);

// `bytes` is a path (no NUL) or, on Linux, an abstract name that starts with NUL. Refuses with
// -ENAMETOOLONG rather than truncating (TypeScript checks first; this is the last guard).
int FillAddress(const uint8_t* bytes, size_t length, sockaddr_un* address, socklen_t* addressLength);
// The meaningful bytes of an address returned by the kernel: empty for an unnamed socket.
size_t AddressBytes(const sockaddr_un& address, socklen_t addressLength, const char** bytes);

int ReadPeerCredentials(int fd, PeerCredentials* out);
int PendingSocketError(int fd);
int SocketTypeOf(int fd);

}  // namespace uds
