// Bulk descriptor passing (`sendFds` / `recvFds` with `repeat`) on a thread of its own,
// built on the traffic engine's worker (traffic_worker.h): its own dup() of the socket, poll()
// in short slices, cancel, and the progress handle. Memory is bounded: one data buffer, one
// control buffer and at most kMaxMismatches described mismatches, whatever `repeat` is. Every
// descriptor that arrives is closed before the next message is read, on every path (checks
// failed, control data truncated, cancel, a failed syscall), and the sender's descriptors are the
// worker's own duplicates, closed with it.
#include "fd_traffic.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "js_args.h"
#include "rights.h"
#include "sys.h"
#include "traffic_worker.h"

namespace uds {

namespace {

constexpr size_t kMaxMismatches = 10;
constexpr size_t kMaxDataShown = 64;
constexpr size_t kDatagramBufferBytes = 4096;

// Descriptors this code owns until the end of a scope, whatever path leaves it.
class OwnedFds {
 public:
  OwnedFds() = default;
  OwnedFds(const OwnedFds&) = delete;
  OwnedFds(OwnedFds&& other) noexcept : fds_(std::move(other.fds_)) { other.fds_.clear(); }
  OwnedFds& operator=(const OwnedFds&) = delete;
  ~OwnedFds() { CloseAll(); }
  void Add(int fd) { fds_.push_back(fd); }
  const std::vector<int>& fds() const { return fds_; }
  void CloseAll() {
    for (int fd : fds_) close(fd);
    fds_.clear();
  }

 private:
  std::vector<int> fds_;
};

const char* TypeName(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return "file";
    case S_IFIFO:
      return "pipe";
    case S_IFSOCK:
      return "socket";
    case S_IFDIR:
      return "dir";
    default:
      return "other";
  }
}

std::string Decimal(unsigned long long value) {
  char text[24];
  snprintf(text, sizeof text, "%llu", value);
  return text;
}

// Linux: ETOOMANYREFS means too many descriptors of this user are in flight (queued in
// sockets, not yet received); it clears as the receiver takes them, like a full buffer does, but
// poll() cannot wait for it.
bool IsTransient(int error) {
#ifdef ETOOMANYREFS
  if (error == ETOOMANYREFS) return true;
#endif
  return IsBackpressure(error);
}

// ------------------------------------------------------------------------------------------
// Sender
// ------------------------------------------------------------------------------------------

struct FdSendSpec {
  int type = SOCK_STREAM;
  uint64_t repeat = 1;
  std::vector<char> data;
  Destination to;
};

class FdSendWorker : public TrafficWorker {
 public:
  FdSendWorker(std::shared_ptr<Control> control, int fd, int origin, const struct stat& identity, FdSendSpec spec,
               OwnedFds fds)
      : TrafficWorker(std::move(control), fd, origin, identity), spec_(std::move(spec)), fds_(std::move(fds)) {}

  int Run() override {
    std::vector<char> control;
    msghdr message{};
    iovec vector{spec_.data.data(), spec_.data.size()};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    if (spec_.to.has) {
      message.msg_name = &spec_.to.address;
      message.msg_namelen = spec_.to.length;
    }
    AttachRights(&message, &control, fds_.fds().data(), fds_.fds().size());
    while (sent_ < spec_.repeat) {
      int code = SendOne(&message);
      if (code != 0) return code;
      sent_++;
      bytes_ += spec_.data.size();
      Progress(sent_, bytes_);
      code = link_.Tick();
      if (code != 0) return code;
    }
    return 0;
  }

 protected:
  const char* Syscall() const override { return spec_.to.has ? "sendto" : "sendmsg"; }
  void Totals(uint64_t* messages, uint64_t* bytes) const override {
    *messages = sent_;
    *bytes = bytes_;
  }
  void Fill(Napi::Env env, Napi::Object result) override {
    result.Set("role", Napi::String::New(env, "fd-sender"));
    result.Set("repeat", Num(env, spec_.repeat));
    result.Set("sent", Num(env, sent_));
    result.Set("descriptors", Num(env, fds_.fds().size()));
    result.Set("bytes", Num(env, bytes_));
  }

 private:
  // One message: the descriptors travel with the first byte; on a stream whatever part of the
  // data did not fit follows without them.
  int SendOne(const msghdr* message) {
    ssize_t written = 0;
    int code = link_.SendMessage(message, &written, IsTransient);
    if (code != 0) return code;
    // On a stream the rest of the data follows without the descriptors, which went with the first byte.
    size_t offset = static_cast<size_t>(written);
    if (spec_.type != SOCK_STREAM || offset >= spec_.data.size()) return 0;
    return link_.SendAll(spec_.data.data() + offset, spec_.data.size() - offset, kSendFlags);
  }

  FdSendSpec spec_;
  OwnedFds fds_;
  uint64_t sent_ = 0;
  uint64_t bytes_ = 0;
};

// ------------------------------------------------------------------------------------------
// Receiver
// ------------------------------------------------------------------------------------------

struct FdExpect {
  bool hasFile = false;
  unsigned long long dev = 0;
  unsigned long long ino = 0;
  mode_t type = 0;  // S_IFMT bits, 0: any
  int mode = -1;    // permission bits, -1: any
};

struct FdReceiveSpec {
  int type = SOCK_STREAM;
  uint64_t repeat = 1;
  size_t count = 1;  // descriptors each message must carry (after truncation)
  size_t room = 1;   // control-buffer room in descriptors
  bool expectTruncated = false;
  size_t dataBytes = 1;  // bytes that carry one message's descriptors (how much a stream read takes)
  bool hasData = false;
  std::vector<char> data;
  std::vector<FdExpect> expect;
};

struct Mismatch {
  uint64_t message = 0;  // 1-based
  const char* kind = "";
  uint32_t descriptor = 0;  // 1-based; 0: the message as a whole
  uint64_t expected = 0;
  uint64_t got = 0;
  std::string expectedDev, expectedIno, gotDev, gotIno;
  const char* expectedType = "";
  const char* gotType = "";
  std::string gotData;
  uint64_t gotBytes = 0;
  bool truncated = false;
};

class FdReceiveWorker : public TrafficWorker {
 public:
  FdReceiveWorker(std::shared_ptr<Control> control, int fd, int origin, const struct stat& identity, FdReceiveSpec spec)
      : TrafficWorker(std::move(control), fd, origin, identity), spec_(std::move(spec)) {}

  int Run() override {
    size_t bufferBytes = spec_.type == SOCK_STREAM ? std::max<size_t>(spec_.dataBytes, 1) : std::max(spec_.dataBytes + 1, kDatagramBufferBytes);
    buffer_.assign(bufferBytes, 0);
    while (received_ < spec_.repeat) {
      OwnedFds fds;
      int code = ReceiveOne(&fds);
      if (code == kStopEof) {
        stopped_ = "eof";
        return 0;
      }
      if (code != 0) return code;
      received_++;
      Check(fds.fds());
      fds.CloseAll();
      Progress(received_, bytes_);
      code = link_.Tick();
      if (code != 0) return code;
    }
    return 0;
  }

 protected:
  const char* Syscall() const override { return "recvmsg"; }
  void Totals(uint64_t* messages, uint64_t* bytes) const override {
    *messages = received_;
    *bytes = bytes_;
  }
  void Fill(Napi::Env env, Napi::Object result) override {
    result.Set("role", Napi::String::New(env, "fd-receiver"));
    result.Set("repeat", Num(env, spec_.repeat));
    result.Set("received", Num(env, received_));
    result.Set("mismatched", Num(env, mismatched_));
    result.Set("truncatedCount", Num(env, truncated_));
    result.Set("truncationMismatches", Num(env, truncationMismatches_));
    result.Set("descriptors", Num(env, descriptors_));
    result.Set("bytes", Num(env, bytes_));
    Napi::Array list = Napi::Array::New(env, mismatches_.size());
    for (uint32_t i = 0; i < mismatches_.size(); i++) {
      const Mismatch& m = mismatches_[i];
      Napi::Object out = Napi::Object::New(env);
      out.Set("message", Num(env, m.message));
      out.Set("kind", Napi::String::New(env, m.kind));
      if (m.descriptor > 0) out.Set("descriptor", Num(env, m.descriptor));
      if (!strcmp(m.kind, "count") || !strcmp(m.kind, "mode")) {
        out.Set("expected", Num(env, m.expected));
        out.Set("got", Num(env, m.got));
      } else if (!strcmp(m.kind, "stat")) {
        out.Set("errno", Napi::Number::New(env, -static_cast<double>(m.got)));
      } else if (!strcmp(m.kind, "file")) {
        out.Set("expectedDev", Napi::String::New(env, m.expectedDev));
        out.Set("expectedIno", Napi::String::New(env, m.expectedIno));
        out.Set("gotDev", Napi::String::New(env, m.gotDev));
        out.Set("gotIno", Napi::String::New(env, m.gotIno));
      } else if (!strcmp(m.kind, "type")) {
        out.Set("expectedType", Napi::String::New(env, m.expectedType));
        out.Set("gotType", Napi::String::New(env, m.gotType));
      } else if (!strcmp(m.kind, "data")) {
        out.Set("gotData", Napi::Buffer<char>::Copy(env, m.gotData.data(), m.gotData.size()));
        out.Set("gotBytes", Num(env, m.gotBytes));
      } else if (!strcmp(m.kind, "truncation")) {
        out.Set("truncated", Napi::Boolean::New(env, m.truncated));
      }
      list.Set(i, out);
    }
    result.Set("firstMismatches", list);
  }

 private:
  static constexpr int kStopEof = 3;

  // Reads one message (on a stream: exactly dataBytes, in as many reads as it takes) and takes
  // ownership of every descriptor that came with it.
  int ReceiveOne(OwnedFds* fds) {
    size_t want = spec_.type == SOCK_STREAM ? spec_.dataBytes : buffer_.size();
    size_t have = 0;
    ctrunc_ = false;
    trunc_ = false;
    for (;;) {
      iovec vector{buffer_.data() + have, want - have};
      msghdr message{};
      message.msg_iov = &vector;
      message.msg_iovlen = 1;
      control_.Attach(&message);
      // kRecvFlags carries MSG_CMSG_CLOEXEC on Linux: received descriptors are close-on-exec atomically.
      ssize_t result = 0;
      int code = link_.Receive(&message, kRecvFlags, &result);
      if (code != 0) return code;
      // kRecvFlags has made them close-on-exec on Linux; Take() does it on macOS.
      std::vector<int> arrived;
      if (control_.Take(&message, &arrived)) ctrunc_ = true;
      for (int fd : arrived) fds->Add(fd);
      bool gotFds = !arrived.empty();
      if (message.msg_flags & MSG_TRUNC) trunc_ = true;
      if (result == 0 && !gotFds && spec_.type != SOCK_DGRAM) return kStopEof;
      have += static_cast<size_t>(result);
      bytes_ += static_cast<uint64_t>(result);
      if (spec_.type != SOCK_STREAM || have >= want) break;
    }
    have_ = have;
    return 0;
  }

  void Check(const std::vector<int>& fds) {
    descriptors_ += fds.size();
    if (ctrunc_) truncated_++;
    if (ctrunc_ != spec_.expectTruncated) {
      truncationMismatches_++;
      Mismatch m = At("truncation");
      m.truncated = ctrunc_;
      // The first one is always kept, so the failure can name it even after other kinds filled the list.
      Note(m, truncationMismatches_ == 1);
    }
    Mismatch m;
    if (Describe(fds, &m)) {
      mismatched_++;
      Note(m, false);
    }
  }

  // The first way this message differs from what was expected, if any.
  bool Describe(const std::vector<int>& fds, Mismatch* out) {
    if (fds.size() != spec_.count) {
      *out = At("count");
      out->expected = spec_.count;
      out->got = fds.size();
      return true;
    }
    if (spec_.hasData && (trunc_ || have_ != spec_.data.size() || memcmp(buffer_.data(), spec_.data.data(), have_) != 0)) {
      *out = At("data");
      out->gotData.assign(buffer_.data(), std::min(have_, kMaxDataShown));
      out->gotBytes = have_;
      return true;
    }
    for (size_t i = 0; i < spec_.expect.size() && i < fds.size(); i++) {
      const FdExpect& e = spec_.expect[i];
      struct stat st;
      if (fstat(fds[i], &st) != 0) {
        *out = At("stat", i);
        out->got = static_cast<uint64_t>(errno);
        return true;
      }
      if (e.type != 0 && (st.st_mode & S_IFMT) != e.type) {
        *out = At("type", i);
        out->expectedType = TypeName(e.type);
        out->gotType = TypeName(st.st_mode);
        return true;
      }
      if (e.mode >= 0 && static_cast<int>(st.st_mode & 0777) != e.mode) {
        *out = At("mode", i);
        out->expected = static_cast<uint64_t>(e.mode);
        out->got = st.st_mode & 0777;
        return true;
      }
      if (e.hasFile && (static_cast<unsigned long long>(st.st_dev) != e.dev || static_cast<unsigned long long>(st.st_ino) != e.ino)) {
        *out = At("file", i);
        out->expectedDev = Decimal(e.dev);
        out->expectedIno = Decimal(e.ino);
        out->gotDev = Decimal(static_cast<unsigned long long>(st.st_dev));
        out->gotIno = Decimal(static_cast<unsigned long long>(st.st_ino));
        return true;
      }
    }
    return false;
  }

  Mismatch At(const char* kind, size_t index = SIZE_MAX) const {
    Mismatch m;
    m.message = received_;
    m.kind = kind;
    m.descriptor = index == SIZE_MAX ? 0 : static_cast<uint32_t>(index + 1);
    return m;
  }

  void Note(const Mismatch& m, bool always) {
    if (mismatches_.size() < kMaxMismatches || always) mismatches_.push_back(m);
  }

  FdReceiveSpec spec_;
  std::vector<char> buffer_;
  ControlBuffer control_{spec_.room};  // after spec_, which it is sized from
  std::vector<Mismatch> mismatches_;
  size_t have_ = 0;
  bool ctrunc_ = false;
  bool trunc_ = false;
  uint64_t received_ = 0;
  uint64_t mismatched_ = 0;
  uint64_t truncated_ = 0;
  uint64_t truncationMismatches_ = 0;
  uint64_t descriptors_ = 0;
  uint64_t bytes_ = 0;
};

// ------------------------------------------------------------------------------------------
// JavaScript entry points (TypeScript, src/traffic/descriptors.ts, validates before calling)
// ------------------------------------------------------------------------------------------

std::vector<char> BytesOf(const Napi::Value& value) {
  if (!value.IsBuffer()) return {};
  auto buffer = value.As<Napi::Buffer<char>>();
  return std::vector<char>(buffer.Data(), buffer.Data() + buffer.Length());
}

mode_t TypeBits(const Napi::Value& value) {
  if (!value.IsString()) return 0;
  std::string name = value.As<Napi::String>().Utf8Value();
  if (name == "file") return S_IFREG;
  if (name == "pipe") return S_IFIFO;
  if (name == "socket") return S_IFSOCK;
  if (name == "dir") return S_IFDIR;
  return 0;
}

unsigned long long DecimalOf(const Napi::Value& value) {
  if (!value.IsString()) return 0;
  return strtoull(value.As<Napi::String>().Utf8Value().c_str(), nullptr, 10);
}

// fdSend(fd, { type, fds, data, repeat, to }, callback): a handle, or -errno. The worker sends
// its own duplicates of `fds`, so JavaScript may close its copies whenever it likes.
Napi::Value FdSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = info[1].As<Napi::Object>();
  FdSendSpec spec;
  uint64_t fd = 0, type = 0;
  if (!ReadWholeArg(info[0], "fd", INT32_MAX, &fd) || !ReadWhole(options, "type", SOCK_STREAM, INT32_MAX, &type) ||
      !ReadWhole(options, "repeat", 1, kMaxSafeInteger, &spec.repeat)) {
    return env.Undefined();
  }
  spec.type = static_cast<int>(type);
  spec.data = BytesOf(options.Get("data"));
  if (spec.data.empty()) spec.data.push_back('F');
  int result = ReadDestination(options, &spec.to);
  if (result < 0) return Napi::Number::New(env, result);
  Napi::Array given = options.Get("fds").As<Napi::Array>();
  if (given.Length() > kMaxFdsPerMessage) return Napi::Number::New(env, -EINVAL);
  OwnedFds copies;  // closed here on any early return, owned by the worker once it starts
  for (uint32_t i = 0; i < given.Length(); i++) {
    uint64_t original = 0;
    if (!ReadWholeArg(given.Get(i), "fds", INT32_MAX, &original)) return env.Undefined();
    int copy = fcntl(static_cast<int>(original), F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return Napi::Number::New(env, -errno);
    copies.Add(copy);
  }
  return StartWorker<FdSendWorker>(info, static_cast<int>(fd), std::move(spec), std::move(copies));
}

// fdReceive(fd, { type, repeat, count, room, truncated, dataBytes, data, expect }, callback):
// a handle, or -errno. expect: [{ dev, ino (decimal strings), type, mode }], each key optional.
Napi::Value FdReceive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = info[1].As<Napi::Object>();
  FdReceiveSpec spec;
  uint64_t fd = 0, type = 0, count = 0, room = 0, dataBytes = 0;
  if (!ReadWholeArg(info[0], "fd", INT32_MAX, &fd) || !ReadWhole(options, "type", SOCK_STREAM, INT32_MAX, &type) ||
      !ReadWhole(options, "repeat", 1, kMaxSafeInteger, &spec.repeat) || !ReadWhole(options, "count", 1, kMaxFdsPerMessage, &count) ||
      !ReadWhole(options, "room", count, kMaxFdsPerMessage, &room) || !ReadWhole(options, "dataBytes", 1, 1u << 30, &dataBytes)) {
    return env.Undefined();
  }
  spec.type = static_cast<int>(type);
  spec.count = static_cast<size_t>(count);
  spec.room = static_cast<size_t>(room);
  spec.expectTruncated = options.Get("truncated").ToBoolean().Value();
  spec.dataBytes = std::max<size_t>(static_cast<size_t>(dataBytes), 1);
  Napi::Value data = options.Get("data");
  spec.hasData = data.IsBuffer();
  spec.data = BytesOf(data);
  Napi::Value expect = options.Get("expect");
  if (expect.IsArray()) {
    Napi::Array list = expect.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++) {
      Napi::Object item = list.Get(i).As<Napi::Object>();
      FdExpect e;
      e.hasFile = item.Get("dev").IsString() && item.Get("ino").IsString();
      e.dev = DecimalOf(item.Get("dev"));
      e.ino = DecimalOf(item.Get("ino"));
      e.type = TypeBits(item.Get("type"));
      uint64_t mode = 0;
      if (item.Get("mode").IsNumber() && !ReadWholeArg(item.Get("mode"), "mode", 07777, &mode)) return env.Undefined();
      e.mode = item.Get("mode").IsNumber() ? static_cast<int>(mode) : -1;
      spec.expect.push_back(e);
    }
  }
  return StartWorker<FdReceiveWorker>(info, static_cast<int>(fd), std::move(spec));
}

}  // namespace

void InitFdTraffic(Napi::Env env, Napi::Object exports) {
  exports.Set("fdSend", Napi::Function::New<FdSend>(env, "fdSend"));
  exports.Set("fdReceive", Napi::Function::New<FdReceive>(env, "fdReceive"));
}

}  // namespace uds
