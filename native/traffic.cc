// The sequence traffic engine: generates and verifies `pattern: sequence` frames on a thread of
// its own (traffic_worker.h), never on the JavaScript thread. It works on its own dup() of
// the socket, so a descriptor number JavaScript closes (and the kernel hands out again) is never
// read or written by mistake; poll() with a short bounded timeout waits for readiness and lets the
// worker notice a cancel request or the original descriptor being closed. Memory is bounded: per
// sender a fixed sliding bitmap of recent sequence numbers, and a fixed latency histogram.
#include "traffic.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sys.h"
#include "traffic_worker.h"

namespace uds {

namespace {

constexpr size_t kStreamBatchBytes = 64 * 1024;
constexpr size_t kStreamReadBytes = 256 * 1024;
constexpr size_t kMaxAnomalies = 10;
// Small exchanges list each arrival (src/traffic SMALL_EXCHANGE decides which); this bounds the list.
constexpr uint64_t kMaxArrivalsListed = 1024;
constexpr size_t kMaxMissingListed = 10;
constexpr size_t kMaxSenders = 4096;
constexpr uint64_t kWindowBits = 1u << 16;  // 8 KiB per sender
constexpr uint64_t kWindowWords = kWindowBits / 64;
#ifdef __linux__
// Datagram and seqpacket messages moved per sendmmsg / recvmmsg (Linux has them; macOS does not,
// and sends and receives one message per system call).
constexpr unsigned kMessageBatch = 32;
#endif

// ------------------------------------------------------------------------------------------
// Sender
// ------------------------------------------------------------------------------------------

struct Injection {
  std::unordered_set<uint64_t> drop;
  std::unordered_set<uint64_t> duplicate;
  std::unordered_set<uint64_t> corrupt;
  std::unordered_map<uint64_t, uint64_t> swapFirst;  // a → b: b is sent just before a
  std::unordered_set<uint64_t> swapSecond;
  bool empty() const { return drop.empty() && duplicate.empty() && corrupt.empty() && swapFirst.empty(); }
};

struct SendSpec {
  int type = SOCK_STREAM;
  uint32_t sender = 0;
  std::string id;
  uint64_t count = 0;
  uint32_t minSize = UDS_FRAME_HEADER_BYTES;
  uint32_t maxSize = UDS_FRAME_HEADER_BYTES;
  bool hasTo = false;
  sockaddr_un to{};
  socklen_t toLength = 0;
  Injection inject;
};

class SendWorker : public TrafficWorker {
 public:
  SendWorker(std::shared_ptr<Control> control, int fd, int origin, const struct stat& identity, SendSpec spec)
      : TrafficWorker(std::move(control), fd, origin, identity), spec_(std::move(spec)) {}

  void Execute() override {
    startNs_ = NowNs();
    frame_.resize(std::max<size_t>(spec_.maxSize, UDS_FRAME_HEADER_BYTES + 8 + spec_.id.size()));
    // Room for a batch just under kStreamBatchBytes plus two largest frames (a duplicate), sized once.
    if (spec_.type == SOCK_STREAM) batch_.resize(kStreamBatchBytes + 2 * frame_.size());
#ifdef __linux__
    if (spec_.type != SOCK_STREAM) {
      slotBytes_ = frame_.size();
      arena_.resize(slotBytes_ * kMessageBatch);
      iov_.resize(kMessageBatch);
      vec_.resize(kMessageBatch);
    }
#endif
    int code = Run();
    if (code == 0 && spec_.type == SOCK_STREAM) code = Flush();
#ifdef __linux__
    if (code == 0 && spec_.type != SOCK_STREAM) code = FlushMessages();
#endif
    if (code != 0) StopWith(code, spec_.type == SOCK_STREAM ? "send" : spec_.hasTo ? "sendto" : "send");
    Progress(sent_, bytes_);
    endNs_ = NowNs();
  }

 protected:
  void Fill(Napi::Env env, Napi::Object result) override {
    result.Set("role", Napi::String::New(env, "sender"));
    result.Set("count", Napi::Number::New(env, static_cast<double>(spec_.count)));
    result.Set("sent", Napi::Number::New(env, static_cast<double>(sent_)));
    result.Set("bytes", Napi::Number::New(env, static_cast<double>(bytes_)));
  }

 private:
  int Run() {
    const Injection& inject = spec_.inject;
    bool plain = inject.empty();
    for (uint64_t seq = 0; seq < spec_.count; seq++) {
      int code;
      if (plain) {
        code = Emit(seq);
      } else {
        if (inject.swapSecond.count(seq)) continue;
        auto swap = inject.swapFirst.find(seq);
        code = swap != inject.swapFirst.end() ? Emit(swap->second) : 0;
        if (code == 0) code = Emit(seq);
      }
      if (code != 0) return code;
    }
    size_t size = uds_encode_end(frame_.data(), spec_.sender, spec_.count, reinterpret_cast<const uint8_t*>(spec_.id.data()), spec_.id.size(), NowNs());
    return Put(frame_.data(), size);
  }

  int Emit(uint64_t seq) {
    const Injection& inject = spec_.inject;
    if (!inject.drop.empty() && inject.drop.count(seq)) return 0;
    uint32_t size = uds_frame_size(spec_.sender, seq, spec_.minSize, spec_.maxSize);
    // On a stream the frame is built in place at the end of the batch (no copy of the payload).
    bool inPlace = spec_.type == SOCK_STREAM;
    uint8_t* out = inPlace ? batch_.data() + batchUsed_ : frame_.data();
    uds_encode_data(out, spec_.sender, seq, size, NowNs());
    // Flip bits after the checksum was written, as a faulty transport would.
    if (!inject.corrupt.empty() && inject.corrupt.count(seq)) out[size - 1] ^= 0x5a;
    int code = inPlace ? Append(size) : Put(out, size);
    if (code == 0) sent_++;
    if (code == 0 && !inject.duplicate.empty() && inject.duplicate.count(seq)) {
      code = Put(out, size);
      if (code == 0) sent_++;
    }
    if (code == 0) code = link_.Tick();
    return code;
  }

  int Put(const uint8_t* frame, size_t size) {
    int code;
    if (spec_.type == SOCK_STREAM) {
      // memmove: a duplicate's source is the frame just appended, which a flush may have put at 0
      memmove(batch_.data() + batchUsed_, frame, size);
      return Append(size);
    } else {
#ifdef __linux__
      code = QueueMessage(frame, size);
#else
      code = SendMessage(frame, size);
#endif
    }
    if (code == 0) {
      bytes_ += size;
      Progress(sent_, bytes_);
    }
    return code;
  }

#ifdef __linux__
  // Frames wait in the arena until kMessageBatch of them (or the END frame) are there, then go out
  // through sendmmsg: counted as sent when queued, uncounted again if the batch fails.
  int QueueMessage(const uint8_t* frame, size_t size) {
    if (queued_ == kMessageBatch) {
      int code = FlushMessages();
      if (code != 0) return code;
    }
    uint8_t* slot = arena_.data() + queued_ * slotBytes_;
    memcpy(slot, frame, size);
    iov_[queued_] = {slot, size};
    mmsghdr& m = vec_[queued_];
    memset(&m, 0, sizeof m);
    m.msg_hdr.msg_iov = &iov_[queued_];
    m.msg_hdr.msg_iovlen = 1;
    if (spec_.hasTo) {
      m.msg_hdr.msg_name = &spec_.to;
      m.msg_hdr.msg_namelen = spec_.toLength;
    }
    queued_++;
    return 0;
  }

  int FlushMessages() {
    unsigned done = 0;
    int attempts = 0;
    int code = 0;
    while (done < queued_) {
      int result = sendmmsg(link_.fd(), vec_.data() + done, queued_ - done, kSendFlags);
      if (result > 0) {
        done += static_cast<unsigned>(result);  // each message goes whole or not at all
        attempts = 0;
        continue;
      }
      int error = result < 0 ? errno : EAGAIN;
      if (error == EINTR) continue;
      if (!IsBackpressure(error)) {
        code = -error;
        break;
      }
      if (attempts > 0) BackOff(attempts);
      attempts++;
      code = link_.Wait(POLLOUT);
      if (code != 0) break;
    }
    for (unsigned i = done; i < queued_; i++) {
      bytes_ -= iov_[i].iov_len;
      if (uds_load64(static_cast<const uint8_t*>(iov_[i].iov_base) + 8) != UDS_FRAME_END_SEQ) sent_--;
    }
    queued_ = 0;
    return code;
  }

  size_t slotBytes_ = 0;
  std::vector<uint8_t> arena_;
  std::vector<iovec> iov_;
  std::vector<mmsghdr> vec_;
  unsigned queued_ = 0;
#endif

  int SendMessage(const uint8_t* data, size_t size) {
    int attempts = 0;
    for (;;) {
      ssize_t result = spec_.hasTo ? sendto(link_.fd(), data, size, kSendFlags, reinterpret_cast<const sockaddr*>(&spec_.to), spec_.toLength)
                                   : send(link_.fd(), data, size, kSendFlags);
      if (result >= 0) return 0;  // a datagram or seqpacket message goes whole or not at all
      int error = errno;
      if (error == EINTR) continue;
      if (!IsBackpressure(error)) return -error;
      if (attempts > 0) BackOff(attempts);
      attempts++;
      int code = link_.Wait(POLLOUT);
      if (code != 0) return code;
    }
  }

  // Takes the `size` bytes written at the end of the stream batch; sends the batch once it is full.
  int Append(size_t size) {
    batchUsed_ += size;
    int code = batchUsed_ >= kStreamBatchBytes ? Flush() : 0;
    if (code == 0) {
      bytes_ += size;
      Progress(sent_, bytes_);
    }
    return code;
  }

  int Flush() {
    int code = link_.SendAll(batch_.data(), batchUsed_, kSendFlags);
    if (code == 0) batchUsed_ = 0;
    return code;
  }

  SendSpec spec_;
  std::vector<uint8_t> frame_;
  std::vector<uint8_t> batch_;
  size_t batchUsed_ = 0;
  uint64_t sent_ = 0;
  uint64_t bytes_ = 0;
};

// ------------------------------------------------------------------------------------------
// Receiver
// ------------------------------------------------------------------------------------------

// Log-linear histogram of one-way latencies: 16 sub-buckets per power of two (error < 7 %).
class LatencyHistogram {
 public:
  void Add(uint64_t ns) {
    buckets_[Index(ns)]++;
    count_++;
    sum_ += ns;
    min_ = std::min(min_, ns);
    max_ = std::max(max_, ns);
  }
  uint64_t count() const { return count_; }
  uint64_t min() const { return min_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0; }
  // Upper bound of the bucket holding the q-quantile, never above the maximum seen.
  uint64_t Quantile(double q) const {
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count_));
    if (rank >= count_) rank = count_ - 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; i++) {
      seen += buckets_[i];
      if (seen > rank) return std::min(UpperBound(i), max_);
    }
    return max_;
  }

 private:
  static constexpr size_t kBuckets = 61 * 16;
  static size_t Index(uint64_t v) {
    if (v < 16) return static_cast<size_t>(v);
    int e = 63 - __builtin_clzll(v);
    return static_cast<size_t>(e - 3) * 16 + ((v >> (e - 4)) & 15);
  }
  static uint64_t UpperBound(size_t i) {
    if (i < 16) return i;
    int e = static_cast<int>(i / 16) + 3;
    uint64_t sub = i % 16;
    uint64_t width = 1ull << (e - 4);
    return ((16 + sub) << (e - 4)) + width - 1;
  }
  uint64_t buckets_[kBuckets] = {};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
};

struct Anomaly {
  const char* kind;
  uint32_t sender = 0;
  bool hasSender = false;
  uint64_t seq = 0;
  bool hasSeq = false;
  uint64_t other = 0;  // reordered: the later seq that came first
  bool hasOther = false;
  uint64_t message = 0;  // 1-based index of the message (stream: of the frame) it was found in
  uint64_t bytes = 0;
  uint64_t expectedBytes = 0;
  const char* detail = "";
};

struct Arrival {
  uint32_t sender;
  uint64_t seq;
  uint64_t bytes;
  uint64_t sentNs;
  uint64_t receivedNs;
};

struct SenderTally {
  uint32_t key = 0;
  std::string name;
  bool ended = false;
  uint64_t announced = 0;
  uint64_t received = 0;
  uint64_t unique = 0;
  uint64_t duplicated = 0;
  uint64_t reordered = 0;
  uint64_t bytes = 0;
  bool any = false;
  uint64_t highest = 0;
  // Bit (seq % kWindowBits) says whether seq arrived, for seq in [base, base + kWindowBits).
  uint64_t base = 0;
  std::vector<uint64_t> window = std::vector<uint64_t>(kWindowWords, 0);
  std::vector<uint64_t> missing;  // the first sequence numbers known to be lost, ascending
  uint64_t Upper() const { return ended ? announced : any ? highest + 1 : 0; }
};

struct ReceiveSpec {
  int type = SOCK_STREAM;
  uint64_t count = 0;
  uint32_t maxSize = 65536;
  uint64_t listArrivals = 0;  // how many arrivals to list, one by one (small exchanges)
};

// A further connection read in the same run: the worker's own dup of it, and the identity of the
// original, as for the first (TrafficWorker's link_).
struct ExtraSocket {
  int fd;
  int origin;
  struct stat identity;
};

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
  ReceiveWorker(std::shared_ptr<Control> control, int fd, int origin, const struct stat& identity, ReceiveSpec spec,
                std::vector<ExtraSocket> extra)
      : TrafficWorker(std::move(control), fd, origin, identity), spec_(spec), extra_(std::move(extra)) {}

  ~ReceiveWorker() override {
    for (const ExtraSocket& e : extra_) close(e.fd);
  }

  void Execute() override {
    startNs_ = NowNs();
    int code;
    if (!extra_.empty()) {
      // A server's several connections: one thread polls them all, judged per sender.
      sources_.emplace_back(link_);
      for (const ExtraSocket& e : extra_) sources_.emplace_back(Link(e.fd, e.origin, e.identity, control_.get()));
      code = RunMany();
    } else {
      code = spec_.type == SOCK_STREAM ? RunStream() : RunMessages();
    }
    if (code != 0) StopWith(code, spec_.type == SOCK_STREAM ? "recv" : "recvmsg");
    for (auto& entry : senders_) Finish(entry.second);
    Progress(received_, bytes_);
    endNs_ = NowNs();
  }

 protected:
  void Fill(Napi::Env env, Napi::Object result) override;

 private:
  bool Complete() const { return spec_.count == 0 || announced_ >= spec_.count; }

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
      uint64_t due = spec_.count > received_ ? spec_.count - received_ + 1 : 1;
      unsigned want = static_cast<unsigned>(std::min<uint64_t>(kMessageBatch, due));
      for (unsigned i = 0; i < want; i++) {
        iov[i] = {arena.data() + i * slot, slot};
        memset(&vec[i], 0, sizeof vec[i]);
        vec[i].msg_hdr.msg_iov = &iov[i];
        vec[i].msg_hdr.msg_iovlen = 1;
      }
      int got = 0;
      for (;;) {
        got = recvmmsg(link_.fd(), vec.data(), want, MSG_DONTWAIT, nullptr);
        if (got > 0) break;
        int error = got < 0 ? errno : EAGAIN;
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
    messages_++;
    if (flags & MSG_TRUNC) {
      received_++;
      boundary_++;
      Anomaly a = At("boundary");
      a.bytes = static_cast<uint64_t>(got);
      a.detail = "truncated";
      Note(a);
    } else {
      Process(data, static_cast<size_t>(got), now);
    }
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
      int stop = ReceiveInto(c.buffer.data() + c.end, c.buffer.size() - c.end, &got, &flags);
      if (stop != 0) return stop;
      if (got == 0) {
        StreamEnded(c);
        stopped_ = "eof";
        return 0;
      }
      c.lastReadNs = NowNs();
      c.end += static_cast<size_t>(got);
    }
    return 0;
  }

  // Takes every whole frame in the connection's buffer: 0, kFramingLost, or a stop code.
  int TakeFrames(Source& c) {
    while (c.end - c.start >= UDS_FRAME_HEADER_BYTES && !Complete()) {
      const uint8_t* frame = c.buffer.data() + c.start;
      uint64_t size = UDS_FRAME_HEADER_BYTES + static_cast<uint64_t>(uds_load32(frame + 16));
      if (uds_load32(frame) != UDS_FRAME_MAGIC || size > UDS_FRAME_MAX_BYTES) {
        // Without a trustworthy length there is no next frame to find: stop counting here.
        received_++;
        corrupt_++;
        Anomaly a = At("framing", messages_ + 1);
        a.bytes = c.offset;
        a.detail = uds_load32(frame) != UDS_FRAME_MAGIC ? "magic" : "length";
        Note(a);
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
      messages_++;
      Process(frame, static_cast<size_t>(size), c.lastReadNs);
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
    if (c.end > c.start) {
      received_++;
      corrupt_++;
      Anomaly a = At("framing", messages_ + 1);
      a.bytes = c.offset;
      a.detail = "eof";
      Note(a);
    }
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
        if (Complete()) return 0;
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

  void Process(const uint8_t* frame, size_t size, uint64_t now) {
    uds_frame_status status = uds_verify_frame(frame, size);
    bool framed = size >= UDS_FRAME_HEADER_BYTES && uds_load32(frame) == UDS_FRAME_MAGIC;
    uint32_t sender = framed ? uds_load32(frame + 4) : 0;
    uint64_t seq = framed ? uds_load64(frame + 8) : 0;
    bool end = framed && seq == UDS_FRAME_END_SEQ;
    if (status == UDS_VERIFY_OK && end) {
      SenderTally* tally = Find(sender);
      if (tally == nullptr) return;
      uint64_t count = uds_load64(frame + UDS_FRAME_HEADER_BYTES);
      size_t idBytes = uds_load32(frame + 16) - 8;
      if (!tally->ended) announced_ += count;
      tally->ended = true;
      tally->announced = count;
      tally->name.assign(reinterpret_cast<const char*>(frame) + UDS_FRAME_HEADER_BYTES + 8, idBytes);
      return;
    }
    received_++;
    bytes_ += size;
    if (status != UDS_VERIFY_OK) {
      Anomaly a = At("corrupt");
      a.bytes = size;
      if (framed) {
        a.sender = sender;
        a.hasSender = true;
        a.seq = seq;
        a.hasSeq = !end;
      }
      switch (status) {
        case UDS_VERIFY_LENGTH:
          boundary_++;
          a.kind = "boundary";
          a.expectedBytes = UDS_FRAME_HEADER_BYTES + static_cast<uint64_t>(uds_load32(frame + 16));
          break;
        case UDS_VERIFY_SHORT:
          corrupt_++;
          a.detail = "short";
          break;
        case UDS_VERIFY_MAGIC:
          corrupt_++;
          a.detail = "magic";
          break;
        default:
          corrupt_++;
          a.detail = "checksum";
          break;
      }
      Note(a);
      return;
    }
    uint64_t sentNs = uds_load64(frame + 24);
    latency_.Add(now > sentNs ? now - sentNs : 0);
    if (arrivals_.size() < spec_.listArrivals) arrivals_.push_back({sender, seq, size, sentNs, now});
    if (sentNs < latestSentNs_) {
      reorderedGlobal_++;
    } else {
      latestSentNs_ = sentNs;
    }
    SenderTally* tally = Find(sender);
    if (tally == nullptr) return;
    Count(*tally, seq, size);
    Progress(received_, bytes_);
  }

  SenderTally* Find(uint32_t sender) {
    auto found = senders_.find(sender);
    if (found != senders_.end()) return &found->second;
    if (senders_.size() >= kMaxSenders) {
      // A flood of distinct valid sender numbers: count, never grow without bound.
      corrupt_++;
      Anomaly a = At("corrupt");
      a.sender = sender;
      a.hasSender = true;
      a.detail = "too-many-senders";
      Note(a);
      return nullptr;
    }
    order_.push_back(sender);
    SenderTally& tally = senders_[sender];
    tally.key = sender;
    return &tally;
  }

  void Count(SenderTally& s, uint64_t seq, size_t size) {
    s.received++;
    s.bytes += size;
    if (s.any && seq < s.base) {
      // Older than the window: it was counted missing when the window moved past it. It is
      // taken as a late arrival (a duplicate this old cannot be told apart).
      s.unique++;
      unique_++;
      s.reordered++;
      reordered_++;
      auto listed = std::find(s.missing.begin(), s.missing.end(), seq);
      if (listed != s.missing.end()) s.missing.erase(listed);
      Note(Of(s, "reordered", seq, true, "late"));
      return;
    }
    if (seq >= s.base + kWindowBits) Slide(s, seq);
    uint64_t& word = s.window[(seq / 64) % kWindowWords];
    uint64_t bit = 1ull << (seq % 64);
    if (word & bit) {
      s.duplicated++;
      duplicated_++;
      Note(Of(s, "duplicate", seq, false, ""));
      return;
    }
    word |= bit;
    s.unique++;
    unique_++;
    if (s.any && seq < s.highest) {
      s.reordered++;
      reordered_++;
      Note(Of(s, "reordered", seq, true, ""));
    } else {
      s.highest = seq;
      s.any = true;
    }
  }

  // Moves the window so that `seq` fits; sequence numbers that leave it unseen are lost.
  void Slide(SenderTally& s, uint64_t seq) {
    uint64_t newBase = (seq - kWindowBits + 64) / 64 * 64;
    uint64_t evictEnd = std::min(newBase, s.base + kWindowBits);
    for (uint64_t b = s.base; b < evictEnd; b += 64) {
      uint64_t& word = s.window[(b / 64) % kWindowWords];
      ListMissing(s, b, ~word, UINT64_MAX);
      word = 0;
    }
    // A jump past the whole window: everything in between never arrived.
    for (uint64_t b = evictEnd; b < newBase && s.missing.size() < kMaxMissingListed; b++) s.missing.push_back(b);
    s.base = newBase;
  }

  void ListMissing(SenderTally& s, uint64_t base, uint64_t unseen, uint64_t upper) {
    while (unseen != 0 && s.missing.size() < kMaxMissingListed) {
      uint64_t seq = base + static_cast<uint64_t>(__builtin_ctzll(unseen));
      if (seq >= upper) return;
      s.missing.push_back(seq);
      unseen &= unseen - 1;
    }
  }

  // Lists what is still missing in the window, up to what the sender announced (or sent).
  void Finish(SenderTally& s) {
    uint64_t upper = s.Upper();
    uint64_t windowEnd = std::min(upper, s.base + kWindowBits);
    for (uint64_t b = s.base; b < windowEnd && s.missing.size() < kMaxMissingListed; b += 64) {
      ListMissing(s, b, ~s.window[(b / 64) % kWindowWords], upper);
    }
    for (uint64_t b = std::max(windowEnd, s.base); b < upper && s.missing.size() < kMaxMissingListed; b++) s.missing.push_back(b);
    std::sort(s.missing.begin(), s.missing.end());
  }

  Anomaly At(const char* kind) const { return At(kind, messages_); }
  Anomaly At(const char* kind, uint64_t message) const {
    Anomaly a;
    a.kind = kind;
    a.message = message;
    return a;
  }
  Anomaly Of(const SenderTally& s, const char* kind, uint64_t seq, bool afterHighest, const char* detail) const {
    Anomaly a = At(kind);
    a.sender = s.key;
    a.hasSender = true;
    a.seq = seq;
    a.hasSeq = true;
    a.other = s.highest;
    a.hasOther = afterHighest;
    a.detail = detail;
    return a;
  }

  void Note(const Anomaly& anomaly) {
    if (anomalies_.size() < kMaxAnomalies) anomalies_.push_back(anomaly);
  }

  std::string NameOf(uint32_t sender) const {
    auto found = senders_.find(sender);
    if (found != senders_.end() && !found->second.name.empty()) return found->second.name;
    char text[16];
    snprintf(text, sizeof text, "0x%08x", sender);
    return text;
  }

  ReceiveSpec spec_;
  std::vector<ExtraSocket> extra_;
  std::vector<Source> sources_;  // RunMany's connections, the first being link_
  std::unordered_map<uint32_t, SenderTally> senders_;
  std::vector<uint32_t> order_;  // senders in order of first appearance
  std::vector<Anomaly> anomalies_;
  std::vector<Arrival> arrivals_;
  ControlBuffer discard_{0};  // room for no descriptor (see ControlBuffer: macOS needs a buffer anyway)  // the first spec_.listArrivals intact arrivals
  LatencyHistogram latency_;
  uint64_t latestSentNs_ = 0;
  uint64_t announced_ = 0;
  uint64_t messages_ = 0;
  uint64_t received_ = 0;
  uint64_t unique_ = 0;
  uint64_t duplicated_ = 0;
  uint64_t reordered_ = 0;
  uint64_t reorderedGlobal_ = 0;
  uint64_t corrupt_ = 0;
  uint64_t boundary_ = 0;
  uint64_t bytes_ = 0;
};

void ReceiveWorker::Fill(Napi::Env env, Napi::Object result) {
  uint64_t expected = spec_.count;
  uint64_t announcedOrSeen = 0;
  for (const auto& entry : senders_) announcedOrSeen += entry.second.Upper();
  expected = std::max(expected, announcedOrSeen);
  result.Set("role", Napi::String::New(env, "receiver"));
  result.Set("count", Num(env, spec_.count));
  result.Set("received", Num(env, received_));
  result.Set("unique", Num(env, unique_));
  result.Set("lost", Num(env, expected > unique_ ? expected - unique_ : 0));
  result.Set("duplicated", Num(env, duplicated_));
  result.Set("reordered", Num(env, reordered_));
  result.Set("reorderedGlobal", Num(env, reorderedGlobal_));
  result.Set("corrupt", Num(env, corrupt_));
  result.Set("boundaryViolations", Num(env, boundary_));
  result.Set("bytes", Num(env, bytes_));

  Napi::Array senders = Napi::Array::New(env, order_.size());
  uint32_t index = 0;
  for (uint32_t key : order_) {
    const SenderTally& s = senders_.at(key);
    uint64_t upper = s.Upper();
    Napi::Object out = Napi::Object::New(env);
    out.Set("sender", Napi::String::New(env, NameOf(key)));
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

  Napi::Array anomalies = Napi::Array::New(env, anomalies_.size());
  for (uint32_t i = 0; i < anomalies_.size(); i++) {
    const Anomaly& a = anomalies_[i];
    Napi::Object out = Napi::Object::New(env);
    out.Set("kind", Napi::String::New(env, a.kind));
    if (a.hasSender) out.Set("sender", Napi::String::New(env, NameOf(a.sender)));
    if (a.hasSeq) out.Set("seq", Num(env, a.seq));
    if (a.hasOther) out.Set("after", Num(env, a.other));
    out.Set("message", Num(env, a.message));
    if (a.bytes) out.Set("bytes", Num(env, a.bytes));
    if (a.expectedBytes) out.Set("expectedBytes", Num(env, a.expectedBytes));
    if (a.detail[0]) out.Set("detail", Napi::String::New(env, a.detail));
    anomalies.Set(i, out);
  }
  result.Set("anomalies", anomalies);

  if (!arrivals_.empty()) {
    Napi::Array arrivals = Napi::Array::New(env, arrivals_.size());
    for (uint32_t i = 0; i < arrivals_.size(); i++) {
      const Arrival& a = arrivals_[i];
      Napi::Object out = Napi::Object::New(env);
      out.Set("sender", Napi::String::New(env, NameOf(a.sender)));
      out.Set("seq", Num(env, a.seq));
      out.Set("bytes", Num(env, a.bytes));
      out.Set("sentNs", Num(env, a.sentNs));
      out.Set("receivedNs", Num(env, a.receivedNs));
      arrivals.Set(i, out);
    }
    result.Set("arrivals", arrivals);
  }

  if (latency_.count() > 0) {
    Napi::Object latency = Napi::Object::New(env);
    latency.Set("count", Num(env, latency_.count()));
    latency.Set("minNs", Num(env, latency_.min()));
    latency.Set("meanNs", Napi::Number::New(env, latency_.mean()));
    latency.Set("p50Ns", Num(env, latency_.Quantile(0.5)));
    latency.Set("p99Ns", Num(env, latency_.Quantile(0.99)));
    latency.Set("maxNs", Num(env, latency_.max()));
    result.Set("latency", latency);
  }
}

// ------------------------------------------------------------------------------------------
// JavaScript entry points
// ------------------------------------------------------------------------------------------

std::unordered_set<uint64_t> SeqSet(const Napi::Object& object, const char* key) {
  std::unordered_set<uint64_t> out;
  Napi::Value value = object.Get(key);
  if (!value.IsArray()) return out;
  Napi::Array list = value.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) out.insert(static_cast<uint64_t>(list.Get(i).As<Napi::Number>().DoubleValue()));
  return out;
}

// trafficSend(fd, spec, callback): a handle, or -errno when the descriptor cannot be used.
// TypeScript (src/traffic) validates the spec before it gets here.
Napi::Value TrafficSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Object options = info[1].As<Napi::Object>();
  SendSpec spec;
  spec.type = static_cast<int>(U64(options, "type", SOCK_STREAM));
  spec.sender = static_cast<uint32_t>(U64(options, "sender", 0));
  Napi::Buffer<char> id = options.Get("id").As<Napi::Buffer<char>>();
  spec.id.assign(id.Data(), id.Length());
  spec.count = U64(options, "count", 0);
  spec.minSize = static_cast<uint32_t>(U64(options, "minSize", UDS_FRAME_HEADER_BYTES));
  spec.maxSize = static_cast<uint32_t>(U64(options, "maxSize", UDS_FRAME_HEADER_BYTES));
  if (spec.minSize < UDS_FRAME_HEADER_BYTES) spec.minSize = UDS_FRAME_HEADER_BYTES;
  if (spec.maxSize < spec.minSize) spec.maxSize = spec.minSize;
  Napi::Value to = options.Get("to");
  if (to.IsBuffer()) {
    auto bytes = to.As<Napi::Buffer<uint8_t>>();
    int result = FillAddress(bytes.Data(), bytes.Length(), &spec.to, &spec.toLength);
    if (result < 0) return Napi::Number::New(env, result);
    spec.hasTo = true;
  }
  Napi::Value inject = options.Get("inject");
  if (inject.IsObject()) {
    Napi::Object injectObject = inject.As<Napi::Object>();
    spec.inject.drop = SeqSet(injectObject, "drop");
    spec.inject.duplicate = SeqSet(injectObject, "dup");
    spec.inject.corrupt = SeqSet(injectObject, "corrupt");
    Napi::Value swap = injectObject.Get("swap");
    if (swap.IsArray()) {
      Napi::Array pairs = swap.As<Napi::Array>();
      for (uint32_t i = 0; i + 1 < pairs.Length(); i += 2) {
        uint64_t a = static_cast<uint64_t>(pairs.Get(i).As<Napi::Number>().DoubleValue());
        uint64_t b = static_cast<uint64_t>(pairs.Get(i + 1).As<Napi::Number>().DoubleValue());
        spec.inject.swapFirst[a] = b;
        spec.inject.swapSecond.insert(b);
      }
    }
  }
  return StartWorker<SendWorker>(info, fd, std::move(spec));
}

// trafficReceive(fd, spec, callback): a handle, or -errno.
Napi::Value TrafficReceive(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  Napi::Object options = info[1].As<Napi::Object>();
  ReceiveSpec spec;
  spec.type = static_cast<int>(U64(options, "type", SOCK_STREAM));
  spec.count = U64(options, "count", 0);
  spec.maxSize = static_cast<uint32_t>(std::min<uint64_t>(U64(options, "maxSize", 65536), UDS_FRAME_MAX_BYTES));
  spec.listArrivals = std::min<uint64_t>(U64(options, "listArrivals", 0), kMaxArrivalsListed);
  // More connections to read in the same run: each gets the worker's own duplicate, like the first.
  std::vector<ExtraSocket> extra;
  Napi::Value more = options.Get("more");
  if (more.IsArray()) {
    Napi::Array list = more.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++) {
      ExtraSocket e;
      e.origin = list.Get(i).As<Napi::Number>().Int32Value();
      e.fd = DuplicateFor(e.origin, &e.identity);
      if (e.fd < 0) {
        for (const ExtraSocket& done : extra) close(done.fd);
        return Napi::Number::New(info.Env(), e.fd);
      }
      extra.push_back(e);
    }
  }
  std::vector<int> copies;
  for (const ExtraSocket& e : extra) copies.push_back(e.fd);
  Napi::Value started = StartWorker<ReceiveWorker>(info, fd, spec, std::move(extra));
  // Not started (the first descriptor cannot be used): the duplicates are still ours to close.
  if (started.IsNumber()) {
    for (int copy : copies) close(copy);
  }
  return started;
}

// trafficFrame(sender, seq, size, sentNs): one data frame, as the engine builds it (tests use it
// to hold the TypeScript reference codec to the same bytes).
Napi::Value TrafficFrame(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint32_t sender = info[0].As<Napi::Number>().Uint32Value();
  uint64_t seq = static_cast<uint64_t>(info[1].As<Napi::Number>().DoubleValue());
  uint32_t size = std::max<uint32_t>(info[2].As<Napi::Number>().Uint32Value(), UDS_FRAME_HEADER_BYTES);
  uint64_t sentNs = static_cast<uint64_t>(info[3].As<Napi::Number>().DoubleValue());
  if (size > UDS_FRAME_MAX_BYTES) return Napi::Number::New(env, -EMSGSIZE);
  Napi::Buffer<uint8_t> frame = Napi::Buffer<uint8_t>::New(env, size);
  uds_encode_data(frame.Data(), sender, seq, size, sentNs);
  return frame;
}

}  // namespace

void InitTraffic(Napi::Env env, Napi::Object exports) {
  exports.Set("trafficSend", Napi::Function::New<TrafficSend>(env, "trafficSend"));
  exports.Set("trafficReceive", Napi::Function::New<TrafficReceive>(env, "trafficReceive"));
  exports.Set("trafficFrame", Napi::Function::New<TrafficFrame>(env, "trafficFrame"));
}

}  // namespace uds
