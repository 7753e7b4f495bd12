// The receiving half of sequence traffic: reads frames from one connection or several (a
// server's clients, polled by one thread, each stream with its own reassembly buffer) and hands
// each whole frame or message to the tally (tally.h), which judges it.
#pragma once

#include <napi.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstdint>
#include <vector>

namespace uds {

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

// The duplicates of the further connections, closed by whoever holds them last (the entry point
// while it parses, the worker once made), on every path.
class ExtraSockets {
 public:
  ExtraSockets() = default;
  ExtraSockets(const ExtraSockets&) = delete;
  ExtraSockets& operator=(const ExtraSockets&) = delete;
  ExtraSockets(ExtraSockets&& other) noexcept : list_(std::move(other.list_)) { other.list_.clear(); }
  ~ExtraSockets();
  void Add(const ExtraSocket& e) { list_.push_back(e); }
  const std::vector<ExtraSocket>& list() const { return list_; }
  bool empty() const { return list_.empty(); }

 private:
  std::vector<ExtraSocket> list_;
};

// Starts a receiver on its own duplicate of `fd` and of each `extra` connection (callback in
// info[2]): its handle, or -errno.
Napi::Value StartReceive(const Napi::CallbackInfo& info, int fd, ReceiveSpec spec, ExtraSockets extra);

}  // namespace uds
