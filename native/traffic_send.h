// The sending half of sequence traffic: builds the frames of native/traffic.h (with any
// injected faults) and sends them, batched: on a stream in 64 KiB writes, on Linux datagram and
// seqpacket sockets kMessageBatch messages per sendmmsg.
#pragma once

#include <napi.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "js_args.h"
#include "traffic.h"

namespace uds {

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
  uint32_t minSize = UDS_FRAME_HEADER_BYTES;  // both within [UDS_FRAME_HEADER_BYTES, UDS_FRAME_MAX_BYTES]
  uint32_t maxSize = UDS_FRAME_HEADER_BYTES;
  Destination to;
  Injection inject;
};

// Starts a sender on its own duplicate of `fd` (callback in info[2]): its handle, or -errno.
Napi::Value StartSend(const Napi::CallbackInfo& info, int fd, SendSpec spec);

}  // namespace uds
