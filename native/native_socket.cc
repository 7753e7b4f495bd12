#include "native_socket.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#include "js_waiter.h"
#include "poll_box.h"
#include "rights.h"
#include "sys.h"

namespace uds {

namespace {

Napi::Value Result(Napi::Env env, long long value) { return Napi::Number::New(env, static_cast<double>(value)); }

Napi::Value AddressValue(Napi::Env env, const sockaddr_un& address, socklen_t length) {
  const char* bytes = nullptr;
  size_t size = AddressBytes(address, length, &bytes);
  return Napi::Buffer<char>::Copy(env, bytes, size);
}

int AddressArgument(const Napi::Value& value, sockaddr_un* address, socklen_t* length) {
  auto buffer = value.As<Napi::Buffer<uint8_t>>();
  return FillAddress(buffer.Data(), buffer.Length(), address, length);
}

void CloseAll(const std::vector<int>& fds) {
  for (int fd : fds) close(fd);
}

}  // namespace

bool JsWaiter::OnReady(NativeSocket& socket, int status) {
  napi_env env = callback_.Env();
  Napi::HandleScope scope(env);
  Napi::FunctionReference callback = std::move(callback_);
  napi_value argument = Napi::Number::New(env, status);
  napi_value global;
  napi_get_global(env, &global);
  // Raw napi_make_callback (not Function::Call): promise continuations run before control
  // returns to libuv, and a worker being terminated, which can no longer run JavaScript, makes
  // it fail with a status to ignore rather than something to throw.
  napi_status result = napi_make_callback(env, socket.asyncContext(), global, callback.Value(), 1, &argument, nullptr);
  if (result == napi_pending_exception) {
    napi_value error;
    // No JavaScript frame is below a libuv callback: route the error to 'uncaughtException'.
    if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
  }
  return true;
}

Napi::Function NativeSocket::DefineClass(Napi::Env env) {
  return ObjectWrap<NativeSocket>::DefineClass(
      env, "NativeSocket",
      {
          InstanceAccessor<&NativeSocket::Fd>("fd"),
          InstanceAccessor<&NativeSocket::ReceiveBufferBytes>("receiveBufferBytes"),
          InstanceAccessor<&NativeSocket::SentAt>("sentAtNs"),
          InstanceAccessor<&NativeSocket::ConnectedAt>("connectAtNs"),
          InstanceAccessor<&NativeSocket::AcceptedAt>("acceptedAtNs"),
          InstanceMethod<&NativeSocket::Bind>("bind"),
          InstanceMethod<&NativeSocket::Listen>("listen"),
          InstanceMethod<&NativeSocket::Accept>("accept"),
          InstanceMethod<&NativeSocket::Connect>("connect"),
          InstanceMethod<&NativeSocket::PendingError>("pendingError"),
          InstanceMethod<&NativeSocket::SendMessage>("sendmsg"),
          InstanceMethod<&NativeSocket::ReceiveMessage>("recvmsg"),
          InstanceMethod<&NativeSocket::Shutdown>("shutdown"),
          InstanceMethod<&NativeSocket::Close>("close"),
          InstanceMethod<&NativeSocket::LocalAddress>("localAddress"),
          InstanceMethod<&NativeSocket::RemoteAddress>("remoteAddress"),
          InstanceMethod<&NativeSocket::PeerCredentials>("peerCredentials"),
          InstanceMethod<&NativeSocket::WaitReady>("waitReady"),
          InstanceMethod<&NativeSocket::WaitReadable>("waitReadable"),
          InstanceMethod<&NativeSocket::WaitWritable>("waitWritable"),
      });
}

Napi::Value NativeSocket::NewInstance(Napi::Env env, int fd) {
  Napi::Object socket = AddonState::Get(env)->socketConstructor.New({Napi::Number::New(env, fd)});
  if (env.IsExceptionPending()) {
    close(fd);
    return env.Undefined();
  }
  return socket;
}

NativeSocket::NativeSocket(const Napi::CallbackInfo& info) : ObjectWrap<NativeSocket>(info) {
  env_ = info.Env();
  // Made only by NewInstance, with the descriptor it owns; anything else owns nothing (and must
  // not close fd 0 when it is collected).
  fd_ = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
  state_ = AddonState::Get(info.Env());
  if (state_ != nullptr) state_->liveSockets.insert(this);
}

NativeSocket::~NativeSocket() { CloseNow(false); }

int NativeSocket::Install(Direction direction, std::unique_ptr<IoOperation> operation) {
  if (fd_ < 0 || state_ == nullptr) return -EBADF;
  std::unique_ptr<IoOperation>& slot = direction == Direction::kRead ? readOperation_ : writeOperation_;
  if (slot) return -EBUSY;
  if (poll_ == nullptr) {
    auto* box = new PollBox();
    int result = uv_poll_init(state_->loop, &box->handle, fd_);
    if (result < 0) {
      delete box;
      return result;
    }
    box->handle.data = box;
    box->owner = this;
    poll_ = box;
  }
  if (asyncContext_ == nullptr) {
    Napi::Env env(env_);
    napi_async_init(env_, Napi::Object::New(env), Napi::String::New(env, "UnixSocket"), &asyncContext_);
  }
  slot = std::move(operation);
  int result = UpdatePoll();
  if (result < 0) {
    slot.reset();
    UpdatePoll();
  }
  return result;
}

int NativeSocket::UpdatePoll() {
  if (poll_ == nullptr) return 0;
  int events = 0;
  if (readOperation_) events |= UV_READABLE | UV_DISCONNECT;
  if (writeOperation_) events |= UV_WRITABLE;
  // Unchanged: leave the handle alone. uv_poll_start always stops first, which on Linux takes the
  // descriptor out of epoll and puts it back on the next loop turn: two epoll_ctl calls for every
  // wait of a request/response exchange, whose next operation is installed from the callback.
  if (events == pollEvents_) return 0;
  // A stopped handle neither holds the loop open nor wakes it for readiness nobody asked for
  // (a readable socket would otherwise wake every turn).
  int result = events == 0 ? uv_poll_stop(&poll_->handle) : uv_poll_start(&poll_->handle, events, OnPoll);
  pollEvents_ = result < 0 ? -1 : events;  // -1: state unknown, the next update acts
  return result;
}

void NativeSocket::OnPoll(uv_poll_t* handle, int status, int events) {
  auto* box = static_cast<PollBox*>(handle->data);
  NativeSocket* self = box->owner;
  if (self == nullptr) return;
  int result = 0;
  if (status < 0) {
    // libuv reports POLLERR as a bare UV_EBADF and stops the handle; SO_ERROR holds the cause.
    // When it is empty, the operations retry their syscall, which reports the socket's state.
    result = PendingSocketError(self->fd_);
    events = UV_READABLE | UV_WRITABLE;
    self->pollEvents_ = 0;  // libuv stopped the handle
  }
  if (events & (UV_READABLE | UV_DISCONNECT)) self->Dispatch(Direction::kRead, result);
  if (box->owner != nullptr && (events & UV_WRITABLE)) self->Dispatch(Direction::kWrite, result);
  if (box->owner != nullptr) self->UpdatePoll();
}

void NativeSocket::Dispatch(Direction direction, int status) {
  std::unique_ptr<IoOperation>& slot = direction == Direction::kRead ? readOperation_ : writeOperation_;
  if (!slot) return;
  // Taken out first: the operation's callback may install the next one on the same direction.
  std::unique_ptr<IoOperation> operation = std::move(slot);
  if (operation->OnReady(*this, status)) return;
  if (fd_ >= 0 && !slot) {
    slot = std::move(operation);
  } else {
    operation->Cancel(true);
  }
}

int NativeSocket::CloseNow(bool canCallJs) {
  if (fd_ < 0) return 0;
  std::unique_ptr<IoOperation> read = std::move(readOperation_);
  std::unique_ptr<IoOperation> write = std::move(writeOperation_);
  if (read) read->Cancel(canCallJs);
  if (write) write->Cancel(canCallJs);
  // The poll must stop watching before the descriptor number can be reused.
  if (poll_ != nullptr) {
    ClosePollBox(poll_);
    poll_ = nullptr;
    pollEvents_ = 0;
  }
  if (state_ != nullptr) state_->liveSockets.erase(this);
  DestroyAsyncContext();
  int fd = fd_;
  fd_ = -1;
  // On Linux and macOS the descriptor is released even when close reports EINTR: never retry.
  return close(fd) < 0 && errno != EINTR ? -errno : 0;
}

void NativeSocket::CloseForTeardown(TeardownTracker* tracker) {
  if (poll_ != nullptr) {
    poll_->tracker = tracker;
    tracker->pending++;
  }
  state_ = nullptr;
  CloseNow(false);
}

void NativeSocket::DestroyAsyncContext() {
  if (asyncContext_ == nullptr) return;
  napi_async_destroy(env_, asyncContext_);
  asyncContext_ = nullptr;
}

Napi::Value NativeSocket::Fd(const Napi::CallbackInfo& info) { return Result(info.Env(), fd_); }

Napi::Value NativeSocket::ReceiveBufferBytes(const Napi::CallbackInfo& info) { return Result(info.Env(), static_cast<long long>(receiveBuffer_.capacity())); }
Napi::Value NativeSocket::SentAt(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(sentAtNs_)); }
Napi::Value NativeSocket::ConnectedAt(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(connectAtNs_)); }
Napi::Value NativeSocket::AcceptedAt(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), static_cast<double>(acceptedAtNs_)); }

Napi::Value NativeSocket::Bind(const Napi::CallbackInfo& info) {
  sockaddr_un address;
  socklen_t length;
  int result = AddressArgument(info[0], &address, &length);
  if (result == 0 && bind(fd_, reinterpret_cast<sockaddr*>(&address), length) < 0) result = -errno;
  return Result(info.Env(), result);
}

Napi::Value NativeSocket::Listen(const Napi::CallbackInfo& info) {
  int backlog = info[0].As<Napi::Number>().Int32Value();
  return Result(info.Env(), listen(fd_, backlog) < 0 ? -errno : 0);
}

Napi::Value NativeSocket::Accept(const Napi::CallbackInfo& info) {
  int fd = AcceptConnection(fd_);
  if (fd < 0) return Result(info.Env(), fd);
  // After the call: the connection it returns was made by a connect that had begun before.
  uint64_t acceptedNs = MonotonicNs();
  Napi::Value socket = NewInstance(info.Env(), fd);
  if (socket.IsObject()) Unwrap(socket.As<Napi::Object>())->acceptedAtNs_ = acceptedNs;
  return socket;
}

Napi::Value NativeSocket::Connect(const Napi::CallbackInfo& info) {
  sockaddr_un address;
  socklen_t length;
  int result = AddressArgument(info[0], &address, &length);
  if (result < 0) return Result(info.Env(), result);
  uint64_t startedNs = MonotonicNs();
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), length) < 0) {
    // An interrupted non-blocking connect goes on in the background, like EINPROGRESS.
    result = errno == EINTR ? -EINPROGRESS : -errno;
  }
  // The call that made the connection (or began making it): a retry after EAGAIN replaces it.
  if (result == 0 || result == -EINPROGRESS) connectAtNs_ = startedNs;
  return Result(info.Env(), result);
}

Napi::Value NativeSocket::PendingError(const Napi::CallbackInfo& info) {
  return Result(info.Env(), PendingSocketError(fd_));
}

// sendmsg(data, offset, fds | null, to | null) → bytes written | -errno
Napi::Value NativeSocket::SendMessage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto data = info[0].As<Napi::Buffer<char>>();
  size_t offset = std::min(static_cast<size_t>(info[1].As<Napi::Number>().Int64Value()), data.Length());
  iovec vector{data.Data() + offset, data.Length() - offset};
  msghdr message{};
  message.msg_iov = &vector;
  message.msg_iovlen = 1;

  sockaddr_un to;
  socklen_t toLength;
  if (info[3].IsBuffer()) {
    int result = AddressArgument(info[3], &to, &toLength);
    if (result < 0) return Result(env, result);
    message.msg_name = &to;
    message.msg_namelen = toLength;
  }

  std::vector<char> control;
  if (info[2].IsArray()) {
    auto list = info[2].As<Napi::Array>();
    std::vector<int> fds(list.Length());
    for (uint32_t i = 0; i < fds.size(); i++) fds[i] = list.Get(i).As<Napi::Number>().Int32Value();
    AttachRights(&message, &control, fds.data(), fds.size());
  }

  ssize_t written;
  uint64_t startedNs;
  do {
    startedNs = MonotonicNs();
    written = sendmsg(fd_, &message, kSendFlags);
  } while (written < 0 && errno == EINTR);
  if (written < 0) return Result(env, -errno);
  sentAtNs_ = startedNs;
  return Result(env, written);
}

// recvmsg(maxBytes, maxFds) → { data, fds, truncated, controlTruncated, from } | -errno.
// Descriptors that arrive belong to the caller from here on, or are closed here on failure.
Napi::Value NativeSocket::ReceiveMessage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t maxBytes = static_cast<size_t>(info[0].As<Napi::Number>().Int64Value());
  size_t maxFds = static_cast<size_t>(info[1].As<Napi::Number>().Int64Value());
  // The kept buffer serves reads up to kKeptReceiveBytes; a larger read gets a buffer of its own
  // that goes with it, so one large read does not keep its memory for the socket's lifetime.
  std::vector<char> large;
  if (maxBytes > kKeptReceiveBytes) {
    large.resize(maxBytes);
  } else if (receiveBuffer_.size() < std::max<size_t>(maxBytes, 1)) {
    receiveBuffer_.resize(std::max<size_t>(maxBytes, 1));
  }
  char* into = maxBytes > kKeptReceiveBytes ? large.data() : receiveBuffer_.data();
  ControlBuffer control(maxFds);

  iovec vector{into, maxBytes};
  sockaddr_un from{};
  msghdr message{};
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_name = &from;
  message.msg_namelen = sizeof from;
  control.Attach(&message);

  ssize_t received;
  do {
    received = recvmsg(fd_, &message, kRecvFlags);
  } while (received < 0 && errno == EINTR);
  if (received < 0) return Result(env, -errno);
  // After the call: the bytes were written before it returned, so this is later than their send.
  uint64_t receivedNs = MonotonicNs();

  std::vector<int> fds;
  bool controlTruncated = control.Take(&message, &fds);
  for (int fd : fds) {
    int result = PrepareReceivedDescriptor(fd);
    if (result < 0) {
      CloseAll(fds);
      return Result(env, result);
    }
  }

  Napi::Object out = Napi::Object::New(env);
  Napi::Array fdArray = Napi::Array::New(env, fds.size());
  for (size_t i = 0; i < fds.size(); i++) fdArray.Set(static_cast<uint32_t>(i), Napi::Number::New(env, fds[i]));
  out.Set("data", Napi::Buffer<char>::Copy(env, into, std::min(static_cast<size_t>(received), maxBytes)));
  out.Set("fds", fdArray);
  out.Set("truncated", Napi::Boolean::New(env, (message.msg_flags & MSG_TRUNC) != 0));
  out.Set("controlTruncated", Napi::Boolean::New(env, controlTruncated));
  out.Set("from", AddressValue(env, from, message.msg_namelen));
  out.Set("atNs", Napi::Number::New(env, static_cast<double>(receivedNs)));
  if (env.IsExceptionPending()) {
    CloseAll(fds);
    return env.Undefined();
  }
  return out;
}

Napi::Value NativeSocket::Shutdown(const Napi::CallbackInfo& info) {
  int how = info[0].As<Napi::Number>().Int32Value();
  return Result(info.Env(), shutdown(fd_, how) < 0 ? -errno : 0);
}

Napi::Value NativeSocket::Close(const Napi::CallbackInfo& info) { return Result(info.Env(), CloseNow(true)); }

Napi::Value NativeSocket::LocalAddress(const Napi::CallbackInfo& info) {
  sockaddr_un address{};
  socklen_t length = sizeof address;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) < 0) return Result(info.Env(), -errno);
  return AddressValue(info.Env(), address, length);
}

Napi::Value NativeSocket::RemoteAddress(const Napi::CallbackInfo& info) {
  sockaddr_un address{};
  socklen_t length = sizeof address;
  if (getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) < 0) return Result(info.Env(), -errno);
  return AddressValue(info.Env(), address, length);
}

Napi::Value NativeSocket::PeerCredentials(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uds::PeerCredentials credentials;
  int result = ReadPeerCredentials(fd_, &credentials);
  if (result < 0) return Result(env, result);
  Napi::Array out = Napi::Array::New(env, 3);
  out.Set(0u, Napi::Number::New(env, credentials.pid));
  out.Set(1u, Napi::Number::New(env, credentials.uid));
  out.Set(2u, Napi::Number::New(env, credentials.gid));
  return out;
}

Napi::Value NativeSocket::Wait(const Napi::CallbackInfo& info, Direction direction) {
  return Result(info.Env(), Install(direction, std::make_unique<JsWaiter>(info[0].As<Napi::Function>())));
}

// waitReady(writable, budgetUs) → 1 ready | 0 not yet | -errno: blocks this thread (and its
// event loop) for at most budgetUs; the operation queue decides when that is worth it.
Napi::Value NativeSocket::WaitReady(const Napi::CallbackInfo& info) {
  bool writable = info[0].As<Napi::Boolean>().Value();
  unsigned budgetUs = info[1].As<Napi::Number>().Uint32Value();
  if (fd_ < 0) return Result(info.Env(), -EBADF);
  return Result(info.Env(), uds::WaitReady(fd_, writable, budgetUs));
}

Napi::Value NativeSocket::WaitReadable(const Napi::CallbackInfo& info) { return Wait(info, Direction::kRead); }

Napi::Value NativeSocket::WaitWritable(const Napi::CallbackInfo& info) { return Wait(info, Direction::kWrite); }

}  // namespace uds
