// The one way to attach descriptors to a message (SCM_RIGHTS), for the socket's sendmsg
// (native_socket.cc) and the bulk descriptor sender (fd_traffic.cc).
#pragma once

#include <string.h>
#include <sys/socket.h>

#include <cstddef>
#include <vector>

namespace uds {

// Points `message` at `control`, sized and filled with one SCM_RIGHTS header carrying `fds`.
// `control` must outlive every use of `message`. Nothing is attached when `count` is 0.
inline void AttachRights(msghdr* message, std::vector<char>* control, const int* fds, size_t count) {
  if (count == 0) return;
  control->assign(CMSG_SPACE(count * sizeof(int)), 0);
  message->msg_control = control->data();
  message->msg_controllen = static_cast<socklen_t>(control->size());
  cmsghdr* header = CMSG_FIRSTHDR(message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(count * sizeof(int));
  memcpy(CMSG_DATA(header), fds, count * sizeof(int));
}

}  // namespace uds
