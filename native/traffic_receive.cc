#include "traffic_receive.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

#include "mmsg.h"
#include "sys.h"
#include "tally.h"
#include "traffic.h"
#include "traffic_worker.h"

namespace uds {

namespace {

constexpr size_t kStreamReadBytes = 256 * 1024;

// One connection the receiver reads; on a stream, with its own frame reassembly buffer (frames
// of different connections never share a buffer).
struct Source {
  explicit Source(const Link& l) : link(l) {}
  Link link;
  bool open = true;
  bool ready = true;  // may have data: false after EAGAIN, until poll() says otherwise
  std::vector<uint8_t> buffer;
  size_t start = 0, end = 0;
  uint64_t offset = 0;  // stream offset of buffer[start], for a framing report
  uint64_t lastReadNs = 0;
};

// Internal outcomes of reading one connection (positive, beside the stop codes and -errno).
constexpr int kWouldBlock = 100;
constexpr int kFramingLost = 101;
// Messages taken from one ready connection before the next one gets its turn.
constexpr int kFairTurn = 64;
constexpr size_t kManyStreamReadBytes = 64 * 1024;

class ReceiveWorker : public TrafficWorker {
 public:
  ReceiveWorker(std::shared_ptr<Control> control, int fd, int origin, const struct stat& identity, ReceiveSpec spec, ExtraSockets extra)
      : TrafficWorker(std::move(control), fd, origin, identity), spec_(spec), extra_(std::move(extra)) {}

 protected:
  int Run() override {
    int code;
    if (!extra_.empty()) {
      // A server's several connections: one thread polls them all, judged per sender.
      sources_.emplace_back(link_);
      for (const ExtraSocket& e : extra_.list()) sources_.emplace_back(Link(e.fd, e.origin, e.identity, control_.get()));
      code = RunMany();
    } else {
      code = spec_.type == SOCK_STREAM ? RunStream() : RunMessages();
    }
    tally_.Finish();
    return code;
  }
  const char* Syscall() const override { return spec_.type == SOCK_STREAM ? "recv" : "recvmsg"; }
  void Totals(uint64_t* messages, uint64_t* bytes) const override {
    *messages = tally_.received();
    *bytes = tally_.bytes();
  }
  void Fill(Napi::Env env, Napi::Object result) override;

 private:
  bool Complete() const { return tally_.Complete(); }

  // One recvmsg into [data, data + size): 0 with the byte count and the message flags, a stop
  // code, or -errno. Room for no descriptor: any a buggy sender attaches are closed, not leaked.
  int ReceiveInto(uint8_t* data, size_t size, ssize_t* got, int* flags) {
    iovec iov = {data, size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    discard_.Attach(&msg);
    int stop = link_.Receive(&msg, MSG_DONTWAIT, got);
    if (stop != 0) return stop;
    discard_.Take(&msg, nullptr);
    *flags = msg.msg_flags;
    return 0;
  }

  int RunMessages() {
#ifdef __linux__
    return RunMessagesBatched();
#endif
    // Room for one byte more than the largest message expected, so a longer one shows as MSG_TRUNC.
    std::vector<uint8_t> buffer(std::max<size_t>(spec_.maxSize, 65536) + 1);
    while (!Complete()) {
      ssize_t got = 0;
      int flags = 0;
      int stop = ReceiveInto(buffer.data(), buffer.size(), &got, &flags);
      if (stop != 0) return stop;
      if (got == 0 && spec_.type != SOCK_DGRAM) {
        stopped_ = "eof";
        return 0;
      }
      TakeMessage(buffer.data(), got, flags, NowNs());
      int code = link_.Tick();
      if (code != 0) return code;
    }
    return 0;
  }

#ifdef __linux__
  // RunMessages through recvmmsg: up to kMessageBatch messages per system call, never more than
  // the run can still take (count - received + 1: in a run without loss that many are still due,
  // the END frame included), so messages sent after the traffic stay in the socket for the steps
  // that follow. No control buffer: the kernel closes descriptors a buggy sender attaches
  // (ControlBuffer(0) is the same on Linux).
  int RunMessagesBatched() {
    size_t slot = std::max<size_t>(spec_.maxSize, 65536) + 1;
    std::vector<uint8_t> arena(slot * kMessageBatch);
    std::vector<iovec> iov(kMessageBatch);
    std::vector<mmsghdr> vec(kMessageBatch);
    while (!Complete()) {
      unsigned want = static_cast<unsigned>(std::min<uint64_t>(kMessageBatch, tally_.Due()));
      for (unsigned i = 0; i < want; i++) {
        iov[i] = {arena.data() + i * slot, slot};
        memset(&vec[i], 0, sizeof vec[i]);
        vec[i].msg_hdr.msg_iov = &iov[i];
        vec[i].msg_hdr.msg_iovlen = 1;
      }
      int got = 0;
      for (;;) {
        got = ReceiveMessages(link_.fd(), vec.data(), want, MSG_DONTWAIT);
        if (got > 0) break;
        int error = got < 0 ? -got : EAGAIN;
        if (error == EINTR) continue;
        if (!IsBackpressure(error)) return -error;
        int code = link_.Wait(POLLIN);
        if (code != 0) return code;
      }
      uint64_t now = NowNs();
      for (int i = 0; i < got; i++) {
        if (vec[i].msg_len == 0 && spec_.type != SOCK_DGRAM) {
          stopped_ = "eof";
          return 0;
        }
        TakeMessage(arena.data() + i * slot, vec[i].msg_len, vec[i].msg_hdr.msg_flags, now);
        int code = link_.Tick();
        if (code != 0) return code;
      }
    }
    return 0;
  }
#endif

  // One whole message: a frame, or a boundary violation when it did not fit (MSG_TRUNC).
  void TakeMessage(const uint8_t* data, ssize_t got, int flags, uint64_t now) {
    tally_.TakeMessage(data, static_cast<size_t>(got), (flags & MSG_TRUNC) != 0, now);
    Progress(tally_.received(), tally_.bytes());
  }

  int RunStream() {
    Source c(link_);
    c.buffer.resize(kStreamReadBytes);
    while (!Complete()) {
      int code = TakeFrames(c);
      if (code == kFramingLost) {
        stopped_ = "framing";
        return 0;
      }
      if (code != 0) return code;
      if (Complete()) break;
      Compact(c);
      ssize_t got = 0;
      int flags = 0;
      size_t room = std::min<uint64_t>(c.buffer.size() - c.end, StillDue(c));
      int stop = ReceiveInto(c.buffer.data() + c.end, room, &got, &flags);
      if (stop != 0) return stop;
      if (got == 0) {
        StreamEnded(c);
        stopped_ = "eof";
        return 0;
      }
      c.lastReadNs = NowNs();
      c.end += static_cast<size_t>(got);
    }
    readPast_.assign(1, ReadPast(c));
    return 0;
  }

  // The fewest bytes the frames still due can take, less what the buffer holds of them (at least
  // 1): a read of no more never goes past the END frame. What follows the traffic on a stream is
  // the next step's, and its descriptors with it: a read here has no room for them (the kernel
  // would discard them). Each frame still due is at least a header, the END at least
  // kEndFrameBytes; the frame begun in the buffer has the length its header says. Reads shrink
  // only in the last few frames.
  uint64_t StillDue(const Source& c) const {
    constexpr uint64_t kEndFrameBytes = UDS_FRAME_HEADER_BYTES + 8;  // the END frame's count, no id
    uint64_t buffered = c.end - c.start;
    uint64_t due = tally_.Due();  // frames still due, the END included
    uint64_t least = (due - 1) * UDS_FRAME_HEADER_BYTES + kEndFrameBytes;
    if (buffered >= UDS_FRAME_HEADER_BYTES) {
      const uint8_t* frame = c.buffer.data() + c.start;
      uint64_t size = UDS_FRAME_HEADER_BYTES + static_cast<uint64_t>(uds_load32(frame + 16));
      bool end = uds_load64(frame + 8) == UDS_FRAME_END_SEQ;
      least = size + (end ? 0 : (due >= 2 ? due - 2 : 0) * UDS_FRAME_HEADER_BYTES + kEndFrameBytes);
    }
    return least > buffered ? least - buffered : 1;
  }

  // A stream has no boundaries: the last read of a complete run can take bytes sent after the
  // traffic (the next step's request). They are not the engine's: keep them, per connection, for
  // whoever reads the connection next (the summary's readPast).
  static std::vector<uint8_t> ReadPast(const Source& c) {
    return std::vector<uint8_t>(c.buffer.begin() + static_cast<long>(c.start), c.buffer.begin() + static_cast<long>(c.end));
  }

  // Takes every whole frame in the connection's buffer: 0, kFramingLost, or a stop code.
  int TakeFrames(Source& c) {
    while (c.end - c.start >= UDS_FRAME_HEADER_BYTES && !Complete()) {
      const uint8_t* frame = c.buffer.data() + c.start;
      uint64_t size = UDS_FRAME_HEADER_BYTES + static_cast<uint64_t>(uds_load32(frame + 16));
      if (uds_load32(frame) != UDS_FRAME_MAGIC || size > UDS_FRAME_MAX_BYTES) {
        // Without a trustworthy length there is no next frame to find: stop counting here.
        tally_.FramingLost(c.offset, uds_load32(frame) != UDS_FRAME_MAGIC ? "magic" : "length");
        return kFramingLost;
      }
      if (c.end - c.start < size) {
        if (c.buffer.size() < size) {
          c.buffer.erase(c.buffer.begin(), c.buffer.begin() + static_cast<long>(c.start));
          c.end -= c.start;
          c.start = 0;
          c.buffer.resize(size);
        }
        break;
      }
      tally_.TakeFrame(frame, static_cast<size_t>(size), c.lastReadNs);
      Progress(tally_.received(), tally_.bytes());
      c.start += size;
      c.offset += size;
      int code = c.link.Tick();
      if (code != 0) return code;
    }
    return 0;
  }

  // Makes room at the end of the buffer for the next read.
  static void Compact(Source& c) {
    if (c.start == c.end) {
      c.start = c.end = 0;
    } else if (c.buffer.size() - c.end < UDS_FRAME_HEADER_BYTES || c.start > c.buffer.size() / 2) {
      std::copy(c.buffer.begin() + static_cast<long>(c.start), c.buffer.begin() + static_cast<long>(c.end), c.buffer.begin());
      c.end -= c.start;
      c.start = 0;
    }
  }

  // A stream ended: a partial frame left in the buffer is a framing anomaly.
  void StreamEnded(Source& c) {
    c.open = false;
    if (c.end > c.start) tally_.FramingLost(c.offset, "eof");
  }

  // Several connections: take what each ready one has, in turns, and poll() them all when none
  // has more. The run ends when the senders announced `count` frames, or every connection ended.
  int RunMany() {
    bool stream = spec_.type == SOCK_STREAM;
    size_t room = stream ? (sources_.size() <= 4 ? kStreamReadBytes : kManyStreamReadBytes) : std::max<size_t>(spec_.maxSize, 65536) + 1;
    std::vector<uint8_t> shared;
    if (stream) {
      for (Source& c : sources_) c.buffer.resize(room);
    } else {
      shared.resize(room);
    }
    size_t open = sources_.size();
    while (!Complete()) {
      bool any = false;
      for (Source& c : sources_) {
        if (!c.open || !c.ready) continue;
        any = true;
        int code = stream ? ReadStreamTurn(c) : ReadMessagesTurn(c, shared);
        if (code == kFramingLost) {
          stopped_ = "framing";
          return 0;
        }
        if (code != 0) return code;
        if (!c.open) open--;
        if (Complete()) {
          if (stream) {
            readPast_.clear();
            for (const Source& k : sources_) readPast_.push_back(ReadPast(k));
          }
          return 0;
        }
      }
      if (open == 0) {
        stopped_ = "eof";
        return 0;
      }
      if (!any) {
        int code = WaitAny();
        if (code != 0) return code;
      }
    }
    return 0;
  }

  // One read from a stream connection and the frames it completes.
  int ReadStreamTurn(Source& c) {
    Compact(c);
    ssize_t got = 0;
    int stop = ReceiveOnce(c, c.buffer.data() + c.end, c.buffer.size() - c.end, &got, nullptr);
    if (stop == kWouldBlock) return 0;
    if (stop != 0) return stop;
    if (got == 0) {
      StreamEnded(c);
      return 0;
    }
    c.lastReadNs = NowNs();
    c.end += static_cast<size_t>(got);
    return TakeFrames(c);
  }

  // Up to kFairTurn messages from one seqpacket (or datagram) connection.
  int ReadMessagesTurn(Source& c, std::vector<uint8_t>& buffer) {
    for (int i = 0; i < kFairTurn && !Complete(); i++) {
      ssize_t got = 0;
      int flags = 0;
      int stop = ReceiveOnce(c, buffer.data(), buffer.size(), &got, &flags);
      if (stop == kWouldBlock) return 0;
      if (stop != 0) return stop;
      if (got == 0 && spec_.type != SOCK_DGRAM) {
        c.open = false;
        return 0;
      }
      TakeMessage(buffer.data(), got, flags, NowNs());
      int code = c.link.Tick();
      if (code != 0) return code;
    }
    return 0;
  }

  // One recvmsg that does not wait: 0, kWouldBlock (then the connection is not ready), or -errno.
  int ReceiveOnce(Source& c, uint8_t* data, size_t size, ssize_t* got, int* flags) {
    iovec iov = {data, size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    discard_.Attach(&msg);
    for (;;) {
      *got = recvmsg(c.link.fd(), &msg, MSG_DONTWAIT);
      if (*got >= 0) break;
      int error = errno;
      if (error == EINTR) continue;
      if (IsBackpressure(error)) {
        c.ready = false;
        return kWouldBlock;
      }
      return -error;
    }
    discard_.Take(&msg, nullptr);
    if (flags != nullptr) *flags = msg.msg_flags;
    return 0;
  }

  // Waits until a connection that went quiet has something (data, end-of-file or an error).
  int WaitAny() {
    std::vector<pollfd> fds;
    std::vector<Source*> of;
    for (Source& c : sources_) {
      if (!c.open) continue;
      fds.push_back({c.link.fd(), POLLIN, 0});
      of.push_back(&c);
    }
    for (;;) {
      for (Source* c : of) {
        int stop = c->link.Check();
        if (stop != 0) return stop;
      }
      int ready = poll(fds.data(), static_cast<nfds_t>(fds.size()), kPollSliceMs);
      if (ready < 0) {
        if (errno == EINTR) continue;
        return -errno;
      }
      if (ready == 0) continue;
      for (size_t i = 0; i < fds.size(); i++) {
        if (fds[i].revents != 0) of[i]->ready = true;
      }
      return 0;
    }
  }

  ReceiveSpec spec_;
  ExtraSockets extra_;
  std::vector<Source> sources_;  // RunMany's connections, the first being link_
  std::vector<std::vector<uint8_t>> readPast_;  // per connection: stream bytes after the last frame
  Tally tally_{spec_.count, spec_.listArrivals};  // after spec_, which it is made from
  ControlBuffer discard_{0};  // room for no descriptor (see ControlBuffer: macOS needs a buffer anyway)
};


void ReceiveWorker::Fill(Napi::Env env, Napi::Object result) {
  const Tally& t = tally_;
  uint64_t expected = t.Expected();
  result.Set("role", Napi::String::New(env, "receiver"));
  result.Set("count", Num(env, spec_.count));
  result.Set("received", Num(env, t.received()));
  result.Set("unique", Num(env, t.unique()));
  result.Set("lost", Num(env, expected > t.unique() ? expected - t.unique() : 0));
  result.Set("duplicated", Num(env, t.duplicated()));
  result.Set("reordered", Num(env, t.reordered()));
  result.Set("reorderedGlobal", Num(env, t.reorderedGlobal()));
  result.Set("corrupt", Num(env, t.corrupt()));
  result.Set("boundaryViolations", Num(env, t.boundary()));
  result.Set("bytes", Num(env, t.bytes()));
  if (!readPast_.empty()) {
    Napi::Array past = Napi::Array::New(env, readPast_.size());
    for (uint32_t i = 0; i < readPast_.size(); i++) past.Set(i, Napi::Buffer<uint8_t>::Copy(env, readPast_[i].data(), readPast_[i].size()));
    result.Set("readPast", past);
  }

  Napi::Array senders = Napi::Array::New(env, t.order().size());
  uint32_t index = 0;
  for (uint32_t key : t.order()) {
    const SenderTally& s = t.sender(key);
    uint64_t upper = s.Upper();
    Napi::Object out = Napi::Object::New(env);
    out.Set("sender", Napi::String::New(env, t.NameOf(key)));
    out.Set("ended", Napi::Boolean::New(env, s.ended));
    out.Set("announced", Num(env, s.announced));
    out.Set("received", Num(env, s.received));
    out.Set("unique", Num(env, s.unique));
    out.Set("lost", Num(env, upper > s.unique ? upper - s.unique : 0));
    out.Set("duplicated", Num(env, s.duplicated));
    out.Set("reordered", Num(env, s.reordered));
    out.Set("bytes", Num(env, s.bytes));
    Napi::Array missing = Napi::Array::New(env, s.missing.size());
    for (uint32_t i = 0; i < s.missing.size(); i++) missing.Set(i, Num(env, s.missing[i]));
    out.Set("missing", missing);
    senders.Set(index++, out);
  }
  result.Set("senders", senders);

  Napi::Array anomalies = Napi::Array::New(env, t.anomalies().size());
  for (uint32_t i = 0; i < t.anomalies().size(); i++) {
    const Anomaly& a = t.anomalies()[i];
    Napi::Object out = Napi::Object::New(env);
    out.Set("kind", Napi::String::New(env, a.kind));
    if (a.hasSender) out.Set("sender", Napi::String::New(env, t.NameOf(a.sender)));
    if (a.hasSeq) out.Set("seq", Num(env, a.seq));
    if (a.hasOther) out.Set("after", Num(env, a.other));
    out.Set("message", Num(env, a.message));
    if (a.bytes) out.Set("bytes", Num(env, a.bytes));
    if (a.expectedBytes) out.Set("expectedBytes", Num(env, a.expectedBytes));
    if (a.detail[0]) out.Set("detail", Napi::String::New(env, a.detail));
    anomalies.Set(i, out);
  }
  result.Set("anomalies", anomalies);

  if (!t.arrivals().empty()) {
    Napi::Array arrivals = Napi::Array::New(env, t.arrivals().size());
    for (uint32_t i = 0; i < t.arrivals().size(); i++) {
      const Arrival& a = t.arrivals()[i];
      Napi::Object out = Napi::Object::New(env);
      out.Set("sender", Napi::String::New(env, t.NameOf(a.sender)));
      out.Set("seq", Num(env, a.seq));
      out.Set("bytes", Num(env, a.bytes));
      out.Set("sentNs", Num(env, a.sentNs));
      out.Set("receivedNs", Num(env, a.receivedNs));
      arrivals.Set(i, out);
    }
    result.Set("arrivals", arrivals);
  }

  if (t.latency().count() > 0) {
    Napi::Object latency = Napi::Object::New(env);
    latency.Set("count", Num(env, t.latency().count()));
    latency.Set("minNs", Num(env, t.latency().min()));
    latency.Set("meanNs", Napi::Number::New(env, t.latency().mean()));
    latency.Set("p50Ns", Num(env, t.latency().Quantile(0.5)));
    latency.Set("p99Ns", Num(env, t.latency().Quantile(0.99)));
    latency.Set("maxNs", Num(env, t.latency().max()));
    result.Set("latency", latency);
  }
}

}  // namespace

ExtraSockets::~ExtraSockets() {
  for (const ExtraSocket& e : list_) close(e.fd);
}

Napi::Value StartReceive(const Napi::CallbackInfo& info, int fd, ReceiveSpec spec, ExtraSockets extra) {
  return StartWorker<ReceiveWorker>(info, fd, spec, std::move(extra));
}

}  // namespace uds
