#include "traffic_send.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <algorithm>
#include <vector>

#include "mmsg.h"
#include "sys.h"
#include "traffic_worker.h"

namespace uds {

namespace {

constexpr size_t kStreamBatchBytes = 64 * 1024;

class SendWorker : public TrafficWorker {
 public:
  SendWorker(std::shared_ptr<Control> control, int fd, int origin, const struct stat& identity, SendSpec spec)
      : TrafficWorker(std::move(control), fd, origin, identity), spec_(std::move(spec)) {}

  // Sizes every buffer once, sends the frames and the END frame, then what is still batched.
  int Run() override {
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
    int code = SendAllFrames();
    if (code == 0 && spec_.type == SOCK_STREAM) code = Flush();
#ifdef __linux__
    if (code == 0 && spec_.type != SOCK_STREAM) code = FlushMessages();
#endif
    return code;
  }

 protected:
  const char* Syscall() const override { return spec_.type != SOCK_STREAM && spec_.to.has ? "sendto" : "send"; }
  void Totals(uint64_t* messages, uint64_t* bytes) const override {
    *messages = sent_;
    *bytes = bytes_;
  }
  void Fill(Napi::Env env, Napi::Object result) override {
    result.Set("role", Napi::String::New(env, "sender"));
    result.Set("count", Napi::Number::New(env, static_cast<double>(spec_.count)));
    result.Set("sent", Napi::Number::New(env, static_cast<double>(sent_)));
    result.Set("bytes", Napi::Number::New(env, static_cast<double>(bytes_)));
  }

 private:
  int SendAllFrames() {
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
    if (spec_.to.has) {
      m.msg_hdr.msg_name = &spec_.to.address;
      m.msg_hdr.msg_namelen = spec_.to.length;
    }
    queued_++;
    return 0;
  }

  int FlushMessages() {
    unsigned done = 0;
    int attempts = 0;
    int code = 0;
    while (done < queued_) {
      int result = SendMessages(link_.fd(), vec_.data() + done, queued_ - done, kSendFlags);
      if (result > 0) {
        done += static_cast<unsigned>(result);  // each message goes whole or not at all
        attempts = 0;
        continue;
      }
      int error = result < 0 ? -result : EAGAIN;
      if (error == EINTR) continue;
      if (!IsBackpressure(error)) {
        code = -error;
        break;
      }
      code = link_.WaitToRetry(attempts++);
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
    iovec iov = {const_cast<uint8_t*>(data), size};
    msghdr message{};
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    if (spec_.to.has) {
      message.msg_name = &spec_.to.address;
      message.msg_namelen = spec_.to.length;
    }
    ssize_t written = 0;
    return link_.SendMessage(&message, &written);  // a datagram or seqpacket message goes whole or not at all
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

}  // namespace

Napi::Value StartSend(const Napi::CallbackInfo& info, int fd, SendSpec spec) { return StartWorker<SendWorker>(info, fd, std::move(spec)); }

}  // namespace uds
