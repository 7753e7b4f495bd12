// A run of scripted `send` / `recv` steps with literal bytes on one connected stream socket, done
// by a thread of its own (the traffic engine's worker, traffic_worker.h) instead of one event-loop
// round in each of two Node processes per step: a request/response exchange then moves at the
// speed of the system calls. Only the path where every step succeeds runs here. The first step
// that does not (its bytes differ, the stream ends, a system call fails, its timeout passes) stops
// the run, and JavaScript (src/peer/exchange.ts) judges that step as it judges any other, from
// what this run hands back: how many steps completed and when, and the bytes the stopped step read.
//
// Each step is dated as the JavaScript socket layer dates it: a send when the sendmsg that wrote
// its last bytes began, a receive when the recvmsg that brought its last byte returned.
#include "exchange.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "js_args.h"
#include "sys.h"
#include "traffic_worker.h"

namespace uds {

namespace {

// A step's timeout passed (positive, beside traffic_worker.h's stop codes).
constexpr int kStopTimeout = 3;
// Room for descriptors that come with the bytes of a plain receive: they are closed, as the
// JavaScript receive closes them (a `recv` did not ask for descriptors).
constexpr size_t kIgnoredFdRoom = 16;

struct Op {
  bool send = false;
  std::string bytes;
  uint64_t timeoutNs = 0;  // 0: none
};

class ExchangeWorker : public TrafficWorker {
 public:
  ExchangeWorker(std::shared_ptr<Control> control, int fd, int origin, const struct stat& identity, std::vector<Op> ops)
      : TrafficWorker(std::move(control), fd, origin, identity), ops_(std::move(ops)) {
    at_.reserve(ops_.size());
  }

 protected:
  int Run() override {
    for (size_t i = 0; i < ops_.size(); i++) {
      opStartNs_ = NowNs();
      const Op& op = ops_[i];
      deadlineNs_ = op.timeoutNs > 0 ? opStartNs_ + op.timeoutNs : 0;
      int code = op.send ? Send(op) : Receive(op);
      if (code != 0 || halted_) return code;
      at_.push_back(lastNs_);
      partial_.clear();
      done_ = i + 1;
      Progress(done_, 0);
    }
    return 0;
  }

  const char* Syscall() const override { return syscallName_; }

  void Totals(uint64_t* messages, uint64_t* bytes) const override {
    *messages = done_;
    *bytes = 0;
  }

  void Fill(Napi::Env env, Napi::Object result) override {
    result.Set("done", Num(env, done_));
    Napi::Array at = Napi::Array::New(env, at_.size());
    for (size_t i = 0; i < at_.size(); i++) at.Set(static_cast<uint32_t>(i), Num(env, at_[i]));
    result.Set("at", at);
    // The stopped step: when it began, what it had moved, and when its last bytes moved.
    result.Set("opStartNs", Num(env, opStartNs_));
    result.Set("partial", Napi::Buffer<char>::Copy(env, partial_.data(), partial_.size()));
    result.Set("written", Num(env, written_));
    result.Set("partialAtNs", Num(env, partial_.empty() && written_ == 0 ? 0 : lastNs_));
    result.Set("closedFds", Num(env, closedFds_));
  }

 private:
  // The step ends the run without a failure of the loop itself: JavaScript judges it.
  int Halt(const char* why) {
    stopped_ = why;
    halted_ = true;
    return 0;
  }

  // Waits for `events` until the step's deadline: 0 when ready, a stop code, or -errno. A cancel
  // is seen at once; whether JavaScript closed the socket (an fstat) once per poll slice at most.
  int WaitFor(short events) {
    for (;;) {
      if (control_->cancelled.load(std::memory_order_relaxed)) return kStopCancelled;
      uint64_t now = NowNs();
      if (now - checkedNs_ >= static_cast<uint64_t>(kPollSliceMs) * 1000000u) {
        checkedNs_ = now;
        int stop = link_.Check();
        if (stop != 0) return stop;
      }
      int sliceMs = kPollSliceMs;
      if (deadlineNs_ != 0) {
        if (now >= deadlineNs_) return kStopTimeout;
        sliceMs = static_cast<int>(std::min<uint64_t>(kPollSliceMs, (deadlineNs_ - now + 999999) / 1000000));
      }
      pollfd p = {link_.fd(), events, 0};
      int ready = poll(&p, 1, sliceMs);
      if (ready < 0 && errno != EINTR) return -errno;
      if (ready > 0) return 0;
    }
  }

  int Stopped(int code, const char* syscall) {
    if (code == kStopTimeout) return Halt("timeout");
    syscallName_ = syscall;
    return code;
  }

  int Send(const Op& op) {
    written_ = 0;
    while (written_ < op.bytes.size()) {
      uint64_t began = NowNs();
      ssize_t n = send(link_.fd(), op.bytes.data() + written_, op.bytes.size() - written_, kSendFlags);
      if (n >= 0) {
        written_ += static_cast<size_t>(n);
        lastNs_ = began;
        continue;
      }
      int error = errno;
      if (error == EINTR) continue;
      if (!IsBackpressure(error)) return Stopped(-error, "sendmsg");
      int code = WaitFor(POLLOUT);
      if (code != 0) return Stopped(code, "sendmsg");
    }
    written_ = 0;
    return 0;
  }

  int Receive(const Op& op) {
    const size_t want = op.bytes.size();
    partial_.assign(want, '\0');
    size_t got = 0;
    ControlBuffer control(kIgnoredFdRoom);
    while (got < want) {
      iovec io = {&partial_[got], want - got};
      msghdr message{};
      message.msg_iov = &io;
      message.msg_iovlen = 1;
      control.Attach(&message);
      ssize_t n = recvmsg(link_.fd(), &message, kRecvFlags);
      if (n < 0) {
        int error = errno;
        if (error == EINTR) continue;
        partial_.resize(got);
        if (!IsBackpressure(error)) return Stopped(-error, "recvmsg");
        int code = WaitFor(POLLIN);
        if (code != 0) return Stopped(code, "recvmsg");
        partial_.resize(want);
        continue;
      }
      lastNs_ = NowNs();
      std::vector<int> fds;
      control.Take(&message, &fds);
      for (int fd : fds) close(fd);
      closedFds_ += fds.size();
      if (n == 0) {
        partial_.resize(got);
        return Halt("eof");
      }
      size_t from = got;
      got += static_cast<size_t>(n);
      if (memcmp(partial_.data() + from, op.bytes.data() + from, static_cast<size_t>(n)) != 0) {
        partial_.resize(got);
        return Halt("mismatch");
      }
    }
    return 0;
  }

  std::vector<Op> ops_;
  std::vector<uint64_t> at_;
  uint64_t done_ = 0;
  uint64_t opStartNs_ = 0;
  uint64_t deadlineNs_ = 0;
  uint64_t checkedNs_ = 0;  // when WaitFor last looked at the original descriptor
  uint64_t lastNs_ = 0;
  std::string partial_;
  size_t written_ = 0;
  uint64_t closedFds_ = 0;
  bool halted_ = false;
  const char* syscallName_ = "recvmsg";
};

// exchange(fd, { ops: [{ send, data, timeoutMs }] }, callback): a handle, or -errno.
Napi::Value Exchange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t fd = 0;
  if (!ReadWholeArg(info[0], "fd", INT32_MAX, &fd)) return env.Undefined();
  Napi::Array given = info[1].As<Napi::Object>().Get("ops").As<Napi::Array>();
  std::vector<Op> ops(given.Length());
  for (uint32_t i = 0; i < given.Length(); i++) {
    Napi::Object spec = given.Get(i).As<Napi::Object>();
    uint64_t timeoutMs = 0;
    if (!ReadWhole(spec, "timeoutMs", 0, kMaxSafeInteger / 1000000, &timeoutMs)) return env.Undefined();
    ops[i].send = spec.Get("send").ToBoolean().Value();
    ops[i].timeoutNs = timeoutMs * 1000000;
    Napi::Value data = spec.Get("data");
    if (!data.IsBuffer()) {
      Napi::TypeError::New(env, "exchange: ops[].data must be a Buffer").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    auto bytes = data.As<Napi::Buffer<char>>();
    ops[i].bytes.assign(bytes.Data(), bytes.Length());
  }
  return StartWorker<ExchangeWorker>(info, static_cast<int>(fd), std::move(ops));
}

}  // namespace

void InitExchange(Napi::Env env, Napi::Object exports) { exports.Set("exchange", Napi::Function::New<Exchange>(env, "exchange")); }

}  // namespace uds
