// One AF_UNIX descriptor owned by JavaScript: the syscalls on it (each returns a result or
// -errno) and its readiness on the environment's loop. TypeScript queues operations and builds
// errors; this object only does what JavaScript cannot.
#pragma once

#include <napi.h>
#include <uv.h>

#include <memory>
#include <vector>

#include "addon_state.h"
#include "io_operation.h"

namespace uds {

struct PollBox;
struct TeardownTracker;

class NativeSocket : public Napi::ObjectWrap<NativeSocket> {
 public:
  static Napi::Function DefineClass(Napi::Env env);
  // Wraps `fd` (already non-blocking and close-on-exec); the new object owns it.
  static Napi::Value NewInstance(Napi::Env env, int fd);

  explicit NativeSocket(const Napi::CallbackInfo& info);
  ~NativeSocket() override;

  int fd() const { return fd_; }
  // Installs `operation` on `direction` and starts watching for it: 0, -EBUSY when the direction
  // already has one, -EBADF after close, or the poll's -errno.
  int Install(Direction direction, std::unique_ptr<IoOperation> operation);
  napi_async_context asyncContext() const { return asyncContext_; }
  // Closes without calling JavaScript; used by the environment cleanup hook.
  void CloseForTeardown(TeardownTracker* tracker);

 private:
  static void OnPoll(uv_poll_t* handle, int status, int events);
  void Dispatch(Direction direction, int status);
  int UpdatePoll();
  int CloseNow(bool canCallJs);
  void DestroyAsyncContext();

  Napi::Value Fd(const Napi::CallbackInfo& info);
  // Diagnostic: the bytes the socket keeps for its reads between calls (at most kKeptReceiveBytes).
  Napi::Value ReceiveBufferBytes(const Napi::CallbackInfo& info);
  Napi::Value SentAt(const Napi::CallbackInfo& info);
  Napi::Value ConnectedAt(const Napi::CallbackInfo& info);
  Napi::Value AcceptedAt(const Napi::CallbackInfo& info);
  Napi::Value Bind(const Napi::CallbackInfo& info);
  Napi::Value Listen(const Napi::CallbackInfo& info);
  Napi::Value Accept(const Napi::CallbackInfo& info);
  Napi::Value Connect(const Napi::CallbackInfo& info);
  Napi::Value PendingError(const Napi::CallbackInfo& info);
  Napi::Value SendMessage(const Napi::CallbackInfo& info);
  Napi::Value ReceiveMessage(const Napi::CallbackInfo& info);
  Napi::Value Shutdown(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value LocalAddress(const Napi::CallbackInfo& info);
  Napi::Value RemoteAddress(const Napi::CallbackInfo& info);
  Napi::Value PeerCredentials(const Napi::CallbackInfo& info);
  Napi::Value WaitReady(const Napi::CallbackInfo& info);
  Napi::Value WaitReadable(const Napi::CallbackInfo& info);
  Napi::Value WaitWritable(const Napi::CallbackInfo& info);
  Napi::Value Wait(const Napi::CallbackInfo& info, Direction direction);

  int fd_ = -1;
  AddonState* state_ = nullptr;
  PollBox* poll_ = nullptr;
  // the events poll_ watches now (0: stopped; -1: unknown after a failed update)
  int pollEvents_ = 0;
  napi_env env_ = nullptr;
  napi_async_context asyncContext_ = nullptr;
  std::unique_ptr<IoOperation> readOperation_;
  std::unique_ptr<IoOperation> writeOperation_;
  static constexpr size_t kKeptReceiveBytes = 64 * 1024;
  std::vector<char> receiveBuffer_;
  // When the last sendmsg that wrote bytes began (MonotonicNs). Taken before the call, so it is
  // earlier than any recvmsg that can return those bytes, whatever the scheduler does after.
  uint64_t sentAtNs_ = 0;
  // When the connect(2) that made (or began making) this socket's connection began: earlier than
  // the accept(2) that returns it, in any process.
  uint64_t connectAtNs_ = 0;
  // On an accepted socket, when the accept(2) that returned it returned.
  uint64_t acceptedAtNs_ = 0;
};

}  // namespace uds
