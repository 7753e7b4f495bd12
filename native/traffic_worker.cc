#include "traffic_worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>

#include "sys.h"

namespace uds {

namespace {

const char* StopName(int code) {
  switch (code) {
    case kStopCancelled:
      return "cancelled";
    case kStopClosed:
      return "closed";
    default:
      return "error";
  }
}

}  // namespace

// The clock of process.hrtime(), so that times from native code and from JavaScript share one
// timeline: sys.cc's MonotonicNs (CLOCK_MONOTONIC on Linux, mach_continuous_time as libuv reads it
// on macOS), the same stamp the socket layer dates each send and receive with.
uint64_t NowNs() { return MonotonicNs(); }

bool IsBackpressure(int error) {
  if (error == EAGAIN || error == EWOULDBLOCK) return true;
#ifdef __APPLE__
  // macOS fails a datagram to a full receiver at once with ENOBUFS where Linux would block.
  if (error == ENOBUFS) return true;
#endif
  return false;
}

void BackOff(int attempts) {
  long ns = 20000L << std::min(attempts, 6);
  timespec delay = {0, std::min(ns, 1000000L)};
  nanosleep(&delay, nullptr);
}

int Link::Check() const {
  if (control_->cancelled.load(std::memory_order_relaxed)) return kStopCancelled;
  // The socket JavaScript owns was closed (its number may already be another file's).
  struct stat now;
  if (fstat(origin_, &now) != 0 || now.st_dev != dev_ || now.st_ino != ino_) return kStopClosed;
  return 0;
}

int Link::Wait(short events) const {
  for (;;) {
    if (control_->cancelled.load(std::memory_order_relaxed)) return kStopCancelled;
    uint64_t now = NowNs();
    if (now - checkedNs_ >= static_cast<uint64_t>(kPollSliceMs) * 1000000u) {
      checkedNs_ = now;
      int stop = Check();
      if (stop != 0) return stop;
    }
    pollfd p = {fd_, events, 0};
    int ready = poll(&p, 1, kPollSliceMs);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (ready > 0) return 0;
  }
}

int Link::Receive(msghdr* message, int flags, ssize_t* got) const {
  for (;;) {
    *got = recvmsg(fd_, message, flags);
    if (*got >= 0) return 0;
    int error = errno;
    if (error == EINTR) continue;
    if (!IsBackpressure(error)) return -error;
    int code = Wait(POLLIN);
    if (code != 0) return code;
  }
}

int Link::SendMessage(const msghdr* message, ssize_t* written, bool (*transient)(int)) const {
  for (int attempts = 0;; attempts++) {
    *written = sendmsg(fd_, message, kSendFlags);
    if (*written >= 0) return 0;
    int error = errno;
    if (error == EINTR) continue;
    if (!transient(error)) return -error;
    int code = WaitToRetry(attempts);
    if (code != 0) return code;
  }
}

int Link::WaitToRetry(int attempts) const {
  if (attempts > 0) BackOff(attempts);
  return Wait(POLLOUT);
}

int Link::SendAll(const void* data, size_t size, int flags) const {
  size_t offset = 0;
  while (offset < size) {
    ssize_t result = send(fd_, static_cast<const char*>(data) + offset, size - offset, flags);
    if (result >= 0) {
      offset += static_cast<size_t>(result);
      continue;
    }
    int error = errno;
    if (error == EINTR) continue;
    if (!IsBackpressure(error)) return -error;
    int code = Wait(POLLOUT);
    if (code != 0) return code;
  }
  return 0;
}

TrafficWorker::TrafficWorker(std::shared_ptr<Control> control, int fd, int origin, const struct stat& identity)
    : control_(std::move(control)), link_(fd, origin, identity, control_.get()) {}

TrafficWorker::~TrafficWorker() {
  Join();
  if (done_ != nullptr) napi_release_threadsafe_function(done_, napi_tsfn_abort);
  if (hooked_) napi_remove_env_cleanup_hook(env_, StopOnTeardown, this);
  close(link_.fd());
}

int TrafficWorker::Start(Napi::Env env, Napi::Function callback) {
  env_ = env;
  napi_value name = Napi::String::New(env, "uds-fixture:traffic");
  if (napi_create_threadsafe_function(env, callback, nullptr, name, 0, 1, nullptr, nullptr, this, Deliver, &done_) != napi_ok) {
    done_ = nullptr;
    return -ENOMEM;
  }
  // Registered after the thread-safe function's own hook, so it runs first at teardown (hooks run
  // last-in first-out): the thread is stopped and joined while its result can still be queued.
  if (napi_add_env_cleanup_hook(env, StopOnTeardown, this) == napi_ok) hooked_ = true;
  int error = pthread_create(&thread_, nullptr, Main, this);
  if (error != 0) return -error;
  joinable_ = true;
  return 0;
}

void* TrafficWorker::Main(void* data) {
  auto* self = static_cast<TrafficWorker*>(data);
  self->Execute();
  // The queue is unbounded: this never blocks. The JavaScript thread joins this thread, then
  // runs the callback and deletes the worker (or, at teardown, only deletes it).
  napi_threadsafe_function done = self->done_;
  napi_call_threadsafe_function(done, self, napi_tsfn_blocking);
  napi_release_threadsafe_function(done, napi_tsfn_release);
  return nullptr;
}

// The epilogue every engine shares: the times, why it stopped, the last progress.
void TrafficWorker::Execute() {
  startNs_ = NowNs();
  int code = Run();
  if (code != 0) StopWith(code);
  uint64_t messages = 0, bytes = 0;
  Totals(&messages, &bytes);
  Progress(messages, bytes);
  endNs_ = NowNs();
}

void TrafficWorker::Join() {
  if (!joinable_) return;
  pthread_join(thread_, nullptr);
  joinable_ = false;
}

// On the JavaScript thread once the loop ended; with env == nullptr when the environment is torn
// down with the result still queued (then no JavaScript can run: only the worker is freed).
void TrafficWorker::Deliver(napi_env env, napi_value callback, void*, void* data) {
  auto* self = static_cast<TrafficWorker*>(data);
  self->Join();
  self->done_ = nullptr;  // released by the thread
  if (env != nullptr && callback != nullptr) {
    Napi::Env e(env);
    Napi::HandleScope scope(e);
    Napi::Object result = Napi::Object::New(e);
    self->Fill(e, result);
    result.Set("elapsedNs", Napi::Number::New(e, static_cast<double>(self->endNs_ - self->startNs_)));
    result.Set("stopped", Napi::String::New(e, self->stopped_));
    if (self->error_ != 0) {
      Napi::Object error = Napi::Object::New(e);
      error.Set("errno", Napi::Number::New(e, self->error_));
      error.Set("syscall", Napi::String::New(e, self->syscall_));
      result.Set("error", error);
    }
    Napi::Function(e, callback).Call({result});
  }
  delete self;
}

// A worker still running when the environment goes away (worker thread, Jest worker, process
// exit) stops within a poll slice, and is joined here so no thread outlives the environment.
void TrafficWorker::StopOnTeardown(void* data) {
  auto* self = static_cast<TrafficWorker*>(data);
  self->hooked_ = false;
  self->control_->cancelled.store(true);
  self->Join();
}

void TrafficWorker::StopWith(int code) {
  if (code < 0) {
    error_ = code;
    syscall_ = Syscall();
  }
  stopped_ = StopName(code);
}

void TrafficWorker::Progress(uint64_t messages, uint64_t bytes) {
  control_->messages.store(messages, std::memory_order_relaxed);
  control_->bytes.store(bytes, std::memory_order_relaxed);
}

Napi::Value Num(Napi::Env env, uint64_t value) { return Napi::Number::New(env, static_cast<double>(value)); }

int DuplicateFor(int fd, struct stat* identity) {
  if (fstat(fd, identity) != 0) return -errno;
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  return copy < 0 ? -errno : copy;
}

Napi::Object Handle(Napi::Env env, const std::shared_ptr<Control>& control) {
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("cancel", Napi::Function::New(env, [control](const Napi::CallbackInfo&) { control->cancelled.store(true); }, "cancel"));
  handle.Set("progress", Napi::Function::New(
                             env,
                             [control](const Napi::CallbackInfo& info) -> Napi::Value {
                               Napi::Array out = Napi::Array::New(info.Env(), 2);
                               out.Set(0u, Num(info.Env(), control->messages.load(std::memory_order_relaxed)));
                               out.Set(1u, Num(info.Env(), control->bytes.load(std::memory_order_relaxed)));
                               return out;
                             },
                             "progress"));
  return handle;
}

}  // namespace uds
