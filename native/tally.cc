#include "tally.h"

#include <stdio.h>

namespace uds {

void Tally::TakeMessage(const uint8_t* data, size_t size, bool truncated, uint64_t now) {
  messages_++;
  if (truncated) {
    received_++;
    boundary_++;
    Anomaly a = At("boundary");
    a.bytes = size;
    a.detail = "truncated";
    Note(a);
  } else {
    Process(data, size, now);
  }
}

void Tally::TakeFrame(const uint8_t* frame, size_t size, uint64_t now) {
  messages_++;
  Process(frame, size, now);
}

void Tally::FramingLost(uint64_t offset, const char* detail) {
  received_++;
  corrupt_++;
  Anomaly a = At("framing", messages_ + 1);
  a.bytes = offset;
  a.detail = detail;
  Note(a);
}

void Tally::Finish() {
  for (auto& entry : senders_) Finish(entry.second);
}

uint64_t Tally::Expected() const {
  uint64_t announcedOrSeen = 0;
  for (const auto& entry : senders_) announcedOrSeen += entry.second.Upper();
  return std::max(count_, announcedOrSeen);
}

void Tally::Process(const uint8_t* frame, size_t size, uint64_t now) {
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
  if (arrivals_.size() < listArrivals_) arrivals_.push_back({sender, seq, size, sentNs, now});
  if (sentNs < latestSentNs_) {
    reorderedGlobal_++;
  } else {
    latestSentNs_ = sentNs;
  }
  SenderTally* tally = Find(sender);
  if (tally == nullptr) return;
  Count(*tally, seq, size);
}

SenderTally* Tally::Find(uint32_t sender) {
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

void Tally::Count(SenderTally& s, uint64_t seq, size_t size) {
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
void Tally::Slide(SenderTally& s, uint64_t seq) {
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

void Tally::ListMissing(SenderTally& s, uint64_t base, uint64_t unseen, uint64_t upper) {
  while (unseen != 0 && s.missing.size() < kMaxMissingListed) {
    uint64_t seq = base + static_cast<uint64_t>(__builtin_ctzll(unseen));
    if (seq >= upper) return;
    s.missing.push_back(seq);
    unseen &= unseen - 1;
  }
}

// Lists what is still missing in the window, up to what the sender announced (or sent).
void Tally::Finish(SenderTally& s) {
  uint64_t upper = s.Upper();
  uint64_t windowEnd = std::min(upper, s.base + kWindowBits);
  for (uint64_t b = s.base; b < windowEnd && s.missing.size() < kMaxMissingListed; b += 64) {
    ListMissing(s, b, ~s.window[(b / 64) % kWindowWords], upper);
  }
  for (uint64_t b = std::max(windowEnd, s.base); b < upper && s.missing.size() < kMaxMissingListed; b++) s.missing.push_back(b);
  std::sort(s.missing.begin(), s.missing.end());
}

Anomaly Tally::At(const char* kind, uint64_t message) const {
  Anomaly a;
  a.kind = kind;
  a.message = message;
  return a;
}

Anomaly Tally::Of(const SenderTally& s, const char* kind, uint64_t seq, bool afterHighest, const char* detail) const {
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

std::string Tally::NameOf(uint32_t sender) const {
  auto found = senders_.find(sender);
  if (found != senders_.end() && !found->second.name.empty()) return found->second.name;
  char text[16];
  snprintf(text, sizeof text, "0x%08x", sender);
  return text;
}

}  // namespace uds
