// What every bulk engine on a socket shares (sequence traffic in traffic_send.cc and
// traffic_receive.cc, descriptor passing in fd_traffic.cc): a thread of its own (never one of the
// libuv pool's four, which a long exchange would hold for its whole length: five engines in one
// process starved each other and every fs call), its own dup() of the socket, poll()-based
// waiting in short slices so that a cancel request or the original descriptor being closed is
// noticed, and the { cancel(), progress() } handle JavaScript holds while it runs.
#pragma once

#include <napi.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace uds {

constexpr int kPollSliceMs = 20;              // how long a cancel or a close may go unnoticed while idle
constexpr unsigned kCheckEveryFrames = 1024;  // ... and while busy

// Positive codes (a syscall failure is -errno) for why a loop stopped early.
constexpr int kStopCancelled = 1;
constexpr int kStopClosed = 2;

uint64_t NowNs();
bool IsBackpressure(int error);
// A datagram sent to a full receiver: Linux's poll() cannot wait for room in another socket's
// queue (it reports POLLOUT at once), and macOS reports ENOBUFS the same way. After a wait that
// did not help, sleep a little, growing to 1 ms, rather than spin.
void BackOff(int attempts);

// Shared between the worker thread and the JavaScript handle (cancel, progress).
struct Control {
  std::atomic<bool> cancelled{false};
  std::atomic<uint64_t> messages{0};
  std::atomic<uint64_t> bytes{0};
};

// The worker's own descriptor, and how it knows it must stop.
class Link {
 public:
  Link(int fd, int origin, const struct stat& identity, Control* control)
      : fd_(fd), origin_(origin), dev_(identity.st_dev), ino_(identity.st_ino), control_(control) {}

  int fd() const { return fd_; }
  // 0 to go on, or kStopCancelled / kStopClosed.
  int Check() const;
  // Called once per message: cheap, and a real Check() every kCheckEveryFrames.
  int Tick() {
    if (++ticks_ % kCheckEveryFrames != 0) return 0;
    return Check();
  }
  // Waits for `events`: 0 when ready (or failed: the next syscall reports it), a stop code, or
  // -errno. A cancel is seen at once; the original's identity (an fstat) is looked at once per
  // poll slice at most, not on every wait of a busy exchange.
  int Wait(short events) const;
  // recvmsg that waits out EINTR and backpressure: 0 with the byte count in *got, a stop code, or -errno.
  int Receive(msghdr* message, int flags, ssize_t* got) const;
  // Writes all `size` bytes to a stream, waiting out EINTR and backpressure: 0, a stop code, or -errno.
  int SendAll(const void* data, size_t size, int flags) const;
  // One sendmsg, retried through EINTR and through every error `transient` accepts (backpressure
  // by default), with a poll() for room and then a growing back-off (BackOff) between attempts:
  // 0 with the bytes written in *written, a stop code, or -errno.
  int SendMessage(const msghdr* message, ssize_t* written, bool (*transient)(int) = IsBackpressure) const;
  // The same wait, for a batch sender's own system call (sendmmsg): called after attempt
  // `attempts` (0-based) failed with backpressure; 0 to try again, a stop code, or -errno.
  int WaitToRetry(int attempts) const;

 private:
  int fd_;
  int origin_;
  dev_t dev_;
  ino_t ino_;
  Control* control_;
  unsigned ticks_ = 0;
  mutable uint64_t checkedNs_ = 0;  // when Wait() last looked at the original (Check)
};

// Owns the dup()ed descriptor, the thread and the environment cleanup hook; subclasses run the
// loop in Execute() (on the thread) and add their summary in Fill() (on the JavaScript thread).
// The result goes back through a thread-safe function, which also keeps the loop alive while the
// thread runs; the JavaScript-thread side joins the thread before it deletes the worker.
class TrafficWorker {
 public:
  TrafficWorker(std::shared_ptr<Control> control, int fd, int origin, const struct stat& identity);
  virtual ~TrafficWorker();
  TrafficWorker(const TrafficWorker&) = delete;
  TrafficWorker& operator=(const TrafficWorker&) = delete;
  // Starts the thread: 0 (the worker then owns itself and calls `callback` once), or -errno
  // (nothing started; the caller deletes the worker).
  int Start(Napi::Env env, Napi::Function callback);

 protected:
  // The loop, on the worker's thread: 0 when it ended as planned (a loop that ends otherwise
  // without failing sets stopped_ itself), or a stop code, or -errno.
  virtual int Run() = 0;
  // The system call a failure of Run() is reported against.
  virtual const char* Syscall() const = 0;
  // What progress() reports: messages and bytes so far.
  virtual void Totals(uint64_t* messages, uint64_t* bytes) const = 0;
  virtual void Fill(Napi::Env env, Napi::Object result) = 0;
  void Progress(uint64_t messages, uint64_t bytes);

  std::shared_ptr<Control> control_;
  Link link_;
  uint64_t startNs_ = 0;
  uint64_t endNs_ = 0;
  const char* stopped_ = "complete";
  int error_ = 0;
  const char* syscall_ = "";

 private:
  static void* Main(void* self);
  void Execute();
  void StopWith(int code);
  static void Deliver(napi_env env, napi_value callback, void* context, void* data);
  static void StopOnTeardown(void* self);
  void Join();

  napi_env env_ = nullptr;
  napi_threadsafe_function done_ = nullptr;
  pthread_t thread_{};
  bool joinable_ = false;
  bool hooked_ = false;
};

Napi::Value Num(Napi::Env env, uint64_t value);
// The worker's own descriptor: a close-on-exec dup of `fd`, and the identity of the socket, so
// the worker can tell when JavaScript closes the original.
int DuplicateFor(int fd, struct stat* identity);
// A handle { cancel(), progress() → [messages, bytes] } sharing `control` with the worker.
Napi::Object Handle(Napi::Env env, const std::shared_ptr<Control>& control);

// Starts `Worker` on its own duplicate of the socket `fd`, with the JavaScript callback in info[2]
// and `args` after the common ones; returns its handle, or -errno when the socket cannot be used
// or no thread could be started.
template <typename Worker, typename... Args>
Napi::Value StartWorker(const Napi::CallbackInfo& info, int fd, Args&&... args) {
  struct stat identity;
  int copy = DuplicateFor(fd, &identity);
  if (copy < 0) return Napi::Number::New(info.Env(), copy);
  auto control = std::make_shared<Control>();
  auto* worker = new Worker(control, copy, fd, identity, std::forward<Args>(args)...);
  int started = worker->Start(info.Env(), info[2].As<Napi::Function>());
  if (started < 0) {
    delete worker;
    return Napi::Number::New(info.Env(), started);
  }
  return Handle(info.Env(), control);
}

}  // namespace uds
