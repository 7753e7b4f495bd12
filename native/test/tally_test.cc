// Tests of the receiver's tally (native/tally.h) on its own: frames built with the codec of
// native/traffic.h are handed to it as the receiving engine would, and the counts, the missing
// list and the anomalies are checked. Built and run by __tests__/traffic/tally-native.test.ts
// (`c++ -std=c++17 native/test/tally_test.cc native/tally.cc`); prints each failed check and
// exits 1 when any failed.
#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "../tally.h"

namespace {

int failures = 0;
int checks = 0;

#define CHECK_EQ(got, want)                                                                                          \
  do {                                                                                                               \
    checks++;                                                                                                        \
    unsigned long long g_ = static_cast<unsigned long long>(got), w_ = static_cast<unsigned long long>(want);        \
    if (g_ != w_) {                                                                                                  \
      failures++;                                                                                                    \
      fprintf(stderr, "%s:%d: %s: %s is %llu, expected %llu\n", __FILE__, __LINE__, current, #got, g_, w_);          \
    }                                                                                                                \
  } while (0)
#define CHECK_STR(got, want)                                                                                            \
  do {                                                                                                                  \
    checks++;                                                                                                           \
    std::string g_ = (got), w_ = (want);                                                                                \
    if (g_ != w_) {                                                                                                     \
      failures++;                                                                                                       \
      fprintf(stderr, "%s:%d: %s: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, current, #got, g_.c_str(), w_.c_str()); \
    }                                                                                                                   \
  } while (0)

const char* current = "";
const uint32_t kSender = 0x1234abcdu;
const char kId[] = "client";

std::vector<uint8_t> Data(uint64_t seq, uint32_t size = 64, uint32_t sender = kSender) {
  std::vector<uint8_t> frame(size);
  uds_encode_data(frame.data(), sender, seq, size, 1000 + seq);
  return frame;
}

std::vector<uint8_t> End(uint64_t count, uint32_t sender = kSender) {
  std::vector<uint8_t> frame(UDS_FRAME_HEADER_BYTES + 8 + sizeof kId - 1);
  uds_encode_end(frame.data(), sender, count, reinterpret_cast<const uint8_t*>(kId), sizeof kId - 1, 5000);
  return frame;
}

void Give(uds::Tally& t, const std::vector<uint8_t>& frame) { t.TakeMessage(frame.data(), frame.size(), false, 2000); }

const uds::Anomaly* FirstOf(const uds::Tally& t, const char* kind) {
  for (const uds::Anomaly& a : t.anomalies()) {
    if (strcmp(a.kind, kind) == 0) return &a;
  }
  return nullptr;
}

void InOrder() {
  current = "in order";
  uds::Tally t(100, 0);
  for (uint64_t seq = 0; seq < 100; seq++) Give(t, Data(seq));
  CHECK_EQ(t.Complete(), false);
  Give(t, End(100));
  CHECK_EQ(t.Complete(), true);
  t.Finish();
  CHECK_EQ(t.received(), 100);
  CHECK_EQ(t.unique(), 100);
  CHECK_EQ(t.Expected(), 100);
  CHECK_EQ(t.duplicated() + t.reordered() + t.corrupt() + t.boundary(), 0);
  CHECK_EQ(t.anomalies().size(), 0);
  CHECK_EQ(t.bytes(), 100 * 64);
  CHECK_EQ(t.order().size(), 1);
  CHECK_STR(t.NameOf(kSender), "client");
  CHECK_EQ(t.sender(kSender).missing.size(), 0);
  CHECK_EQ(t.latency().count(), 100);
}

void Loss() {
  current = "loss";
  uds::Tally t(10, 0);
  for (uint64_t seq = 0; seq < 10; seq++) {
    if (seq != 3 && seq != 7) Give(t, Data(seq));
  }
  Give(t, End(10));
  t.Finish();
  CHECK_EQ(t.unique(), 8);
  CHECK_EQ(t.Expected() - t.unique(), 2);
  const std::vector<uint64_t>& missing = t.sender(kSender).missing;
  CHECK_EQ(missing.size(), 2);
  if (missing.size() == 2) {
    CHECK_EQ(missing[0], 3);
    CHECK_EQ(missing[1], 7);
  }
  // The tail: frames after the last that arrived, announced by the END frame.
  uds::Tally tail(5, 0);
  Give(tail, Data(0));
  Give(tail, End(5));
  tail.Finish();
  CHECK_EQ(tail.sender(kSender).missing.size(), 4);
}

void Duplicate() {
  current = "duplicate";
  uds::Tally t(3, 0);
  Give(t, Data(0));
  Give(t, Data(1));
  Give(t, Data(1));
  Give(t, Data(2));
  Give(t, End(3));
  t.Finish();
  CHECK_EQ(t.received(), 4);
  CHECK_EQ(t.unique(), 3);
  CHECK_EQ(t.duplicated(), 1);
  const uds::Anomaly* a = FirstOf(t, "duplicate");
  CHECK_EQ(a != nullptr, true);
  if (a != nullptr) {
    CHECK_EQ(a->seq, 1);
    CHECK_EQ(a->message, 3);
  }
}

void Reorder() {
  current = "reorder";
  uds::Tally t(3, 0);
  Give(t, Data(0));
  Give(t, Data(2));
  Give(t, Data(1));
  Give(t, End(3));
  t.Finish();
  CHECK_EQ(t.unique(), 3);
  CHECK_EQ(t.reordered(), 1);
  CHECK_EQ(t.Expected() - t.unique(), 0);
  const uds::Anomaly* a = FirstOf(t, "reordered");
  CHECK_EQ(a != nullptr && a->seq == 1 && a->hasOther && a->other == 2, true);
}

void Corrupt() {
  current = "corrupt";
  // Every byte of a frame changed once: the tally counts each as corrupt (or, for the length
  // field, as a boundary violation), never as an intact arrival.
  std::vector<uint8_t> good = Data(0, 80);
  for (size_t i = 0; i < good.size(); i++) {
    uds::Tally t(1, 0);
    std::vector<uint8_t> bad = good;
    bad[i] ^= 0x01;
    Give(t, bad);
    CHECK_EQ(t.unique(), 0);
    CHECK_EQ(t.corrupt() + t.boundary(), 1);
  }
  uds::Tally t(1, 0);
  std::vector<uint8_t> bad = good;
  bad[good.size() - 1] ^= 0x80;
  Give(t, bad);
  const uds::Anomaly* a = FirstOf(t, "corrupt");
  CHECK_EQ(a != nullptr, true);
  if (a != nullptr) CHECK_STR(a->detail, "checksum");
}

void Boundaries() {
  current = "boundaries";
  uds::Tally t(2, 0);
  std::vector<uint8_t> frame = Data(0, 100);
  t.TakeMessage(frame.data(), 60, false, 0);  // shorter than its header says
  t.TakeMessage(frame.data(), 100, true, 0);  // MSG_TRUNC
  CHECK_EQ(t.boundary(), 2);
  CHECK_EQ(t.unique(), 0);
  const uds::Anomaly* a = FirstOf(t, "boundary");
  CHECK_EQ(a != nullptr && a->expectedBytes == 100, true);
  std::vector<uint8_t> shortOne(10, 0);
  t.TakeMessage(shortOne.data(), shortOne.size(), false, 0);
  CHECK_EQ(t.corrupt(), 1);
}

void Framing() {
  current = "framing";
  uds::Tally t(5, 0);
  std::vector<uint8_t> frame = Data(0);
  t.TakeFrame(frame.data(), frame.size(), 0);
  t.FramingLost(64, "magic");
  CHECK_EQ(t.corrupt(), 1);
  const uds::Anomaly* a = FirstOf(t, "framing");
  CHECK_EQ(a != nullptr && a->message == 2 && a->bytes == 64, true);
}

void Window() {
  current = "window";
  // A jump past the sliding window: everything skipped is lost, and a frame older than the
  // window arriving afterwards is a late arrival, not a duplicate.
  uds::Tally t(0, 0);
  Give(t, Data(0));
  Give(t, Data(uds::kWindowBits * 2));
  CHECK_EQ(t.sender(kSender).missing.size(), uds::kMaxMissingListed);
  Give(t, Data(5));
  CHECK_EQ(t.reordered(), 1);
  CHECK_EQ(t.duplicated(), 0);
  const uds::Anomaly* a = FirstOf(t, "reordered");
  CHECK_EQ(a != nullptr, true);
  if (a != nullptr) CHECK_STR(a->detail, "late");
}

void ManySenders() {
  current = "many senders";
  uds::Tally t(0, 0);
  for (uint32_t s = 0; s <= uds::kMaxSenders; s++) Give(t, Data(0, 64, s + 1));
  CHECK_EQ(t.order().size(), uds::kMaxSenders);
  CHECK_EQ(t.corrupt(), 1);
}

void Arrivals() {
  current = "arrivals";
  uds::Tally t(5, 3);
  for (uint64_t seq = 0; seq < 5; seq++) Give(t, Data(seq));
  CHECK_EQ(t.arrivals().size(), 3);
  CHECK_EQ(t.arrivals()[2].seq, 2);
  uds::Tally capped(10, 1u << 30);
  for (uint64_t seq = 0; seq < 2000; seq++) Give(capped, Data(seq));
  CHECK_EQ(capped.arrivals().size(), uds::kMaxArrivalsListed);
}

}  // namespace

int main() {
  InOrder();
  Loss();
  Duplicate();
  Reorder();
  Corrupt();
  Boundaries();
  Framing();
  Window();
  ManySenders();
  Arrivals();
  printf("%d checks, %d failed\n", checks, failures);
  return failures == 0 ? 0 : 1;
}
