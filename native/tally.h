// The receiver's tally of `pattern: sequence` traffic: what each frame that arrived says about
// loss, duplication, order, corruption and message boundaries, per sender and in total. Plain
// C++ (no N-API, no syscalls), so that it is tested on its own (native/test/tally_test.cc) and
// the receiving engine (traffic_receive.cc) only moves bytes into it. Memory is bounded: per
// sender a fixed sliding bitmap of recent sequence numbers, and a fixed latency histogram.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "traffic.h"

namespace uds {

constexpr size_t kMaxAnomalies = 10;
// Small exchanges list each arrival (src/traffic SMALL_EXCHANGE decides which); this bounds the list.
constexpr uint64_t kMaxArrivalsListed = 1024;
constexpr size_t kMaxMissingListed = 10;
constexpr size_t kMaxSenders = 4096;
constexpr uint64_t kWindowBits = 1u << 16;  // 8 KiB per sender
constexpr uint64_t kWindowWords = kWindowBits / 64;

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

class Tally {
 public:
  // `count`: the frames the run waits for (0: until the streams end); `listArrivals`: how many
  // intact arrivals to keep one by one.
  Tally(uint64_t count, uint64_t listArrivals) : count_(count), listArrivals_(std::min(listArrivals, kMaxArrivalsListed)) {}

  // True once the senders announced (END frames) at least `count` frames.
  bool Complete() const { return count_ == 0 || announced_ >= count_; }
  // How many more messages can be due: count - received + 1 (the END frame), at least 1.
  uint64_t Due() const { return count_ > received_ ? count_ - received_ + 1 : 1; }

  // One whole datagram or seqpacket message; `truncated` when it did not fit (MSG_TRUNC).
  void TakeMessage(const uint8_t* data, size_t size, bool truncated, uint64_t now);
  // One frame cut from a stream by its length field (the caller checked magic and length).
  void TakeFrame(const uint8_t* frame, size_t size, uint64_t now);
  // A stream whose framing is lost at stream offset `offset` ("magic", "length", or "eof": it
  // ended inside a frame): one corrupt message, and no next frame to find.
  void FramingLost(uint64_t offset, const char* detail);
  // At the end: lists what is still missing, per sender.
  void Finish();

  // Results.
  uint64_t count() const { return count_; }
  uint64_t Expected() const;  // max(count, what the senders announced or showed)
  uint64_t messages() const { return messages_; }
  uint64_t received() const { return received_; }
  uint64_t unique() const { return unique_; }
  uint64_t duplicated() const { return duplicated_; }
  uint64_t reordered() const { return reordered_; }
  uint64_t reorderedGlobal() const { return reorderedGlobal_; }
  uint64_t corrupt() const { return corrupt_; }
  uint64_t boundary() const { return boundary_; }
  uint64_t bytes() const { return bytes_; }
  const std::vector<uint32_t>& order() const { return order_; }  // senders in order of first appearance
  const SenderTally& sender(uint32_t key) const { return senders_.at(key); }
  const std::vector<Anomaly>& anomalies() const { return anomalies_; }
  const std::vector<Arrival>& arrivals() const { return arrivals_; }
  const LatencyHistogram& latency() const { return latency_; }
  // The peer id a sender announced, or its number in hex.
  std::string NameOf(uint32_t sender) const;

 private:
  void Process(const uint8_t* frame, size_t size, uint64_t now);
  SenderTally* Find(uint32_t sender);
  void Count(SenderTally& s, uint64_t seq, size_t size);
  void Slide(SenderTally& s, uint64_t seq);
  void ListMissing(SenderTally& s, uint64_t base, uint64_t unseen, uint64_t upper);
  void Finish(SenderTally& s);
  Anomaly At(const char* kind) const { return At(kind, messages_); }
  Anomaly At(const char* kind, uint64_t message) const;
  Anomaly Of(const SenderTally& s, const char* kind, uint64_t seq, bool afterHighest, const char* detail) const;
  void Note(const Anomaly& anomaly) {
    if (anomalies_.size() < kMaxAnomalies) anomalies_.push_back(anomaly);
  }

  uint64_t count_;
  uint64_t listArrivals_;
  std::unordered_map<uint32_t, SenderTally> senders_;
  std::vector<uint32_t> order_;
  std::vector<Anomaly> anomalies_;
  std::vector<Arrival> arrivals_;  // the first listArrivals_ intact arrivals
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

}  // namespace uds
