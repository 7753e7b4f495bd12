// Work that waits for a socket's readiness. The JavaScript waiter (one-shot: "call me when
// readable") is one kind. A native bulk operation (the traffic engine) is another: it runs its
// own syscall loop in OnReady and stays installed until finished, crossing into JavaScript only
// to report the result. Each direction of a socket holds at most one operation.
#pragma once

namespace uds {

class NativeSocket;

enum class Direction { kRead, kWrite };

class IoOperation {
 public:
  virtual ~IoOperation() = default;
  // `status` is 0 when the socket is ready, or -errno when it reported an error. Return true when
  // finished (the socket then deletes the operation), false to wait for the same readiness again.
  virtual bool OnReady(NativeSocket& socket, int status) = 0;
  // The socket is closing. `canCallJs` is false while the environment is being torn down.
  virtual void Cancel(bool canCallJs) = 0;
};

}  // namespace uds
