#include "proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "js_args.h"
#include "mmsg.h"
#include "rights.h"
#include "splice_path.h"
#include "stream_queue.h"
#include "sys.h"
#include "traffic_worker.h"

namespace uds {

namespace {

constexpr int kClientToServer = 0;
constexpr int kServerToClient = 1;
// Big enough for any record Linux's default buffers let through (about 208 KiB), so a seqpacket
// record or datagram is never cut by the proxy; a bigger one is reported as `truncated`.
constexpr size_t kBufferBytes = 512 * 1024;
// How long a message held back by `reorder` waits for the next one before it goes alone.
constexpr int kReorderIdleMs = 100;
constexpr int kStopped = -100000;  // a wait ended because the proxy stops or the connection aborts
// Faults that can fall on every read or piece (`chunk`, `delay`): how many of a direction get a
// fault event each; the rest are counted and summed up in one event as the direction ends, so a
// long stream under `chunk: 1` or `delay: 1ms` stays readable.
constexpr uint64_t kEventsListed = 100;

// ---- options -------------------------------------------------------------------------------

// Which messages a fault applies to. Every condition given must hold; `rate` is drawn last, from
// the connection's seeded generator, so the same traffic gives the same picks.
struct Selector {
  bool present = false;
  std::vector<uint64_t> messages;  // 1-based message numbers in the direction
  double rate = 1.0;
  uint64_t fromByte = 0;  // the message starts at or after this byte offset of the direction
  uint64_t afterMs = 0;   // ms since the connection opened
};

struct Faults {
  uint32_t chunkMin = 0, chunkMax = 0;
  uint64_t delayMs = 0, jitterMs = 0;
  bool delayPerChunk = false;  // hold each piece of a `chunk` re-split instead of each message
  Selector delay, drop, duplicate, reorder, dropFds, truncateFds;
  uint32_t truncateKeep = 0;
  std::vector<uint64_t> corruptAt;
  bool reset = false;
  uint64_t resetAfterBytes = 0;
  bool stall = false;
  uint64_t stallAfterBytes = 0, stallForMs = 0;
};

// options[key] as a whole number (js_args.h): a bad value leaves a RangeError pending, which
// StartProxy reports before it starts anything.
uint64_t U64Of(const Napi::Object& object, const char* key, uint64_t fallback) {
  uint64_t value = fallback;
  if (!object.Env().IsExceptionPending()) ReadWhole(object, key, fallback, kMaxSafeInteger, &value);
  return value;
}

Selector ReadSelector(const Napi::Object& faults, const char* key) {
  Selector selector;
  Napi::Value value = faults.Get(key);
  if (!value.IsObject()) return selector;
  Napi::Object object = value.As<Napi::Object>();
  selector.present = true;
  Napi::Value messages = object.Get("messages");
  if (messages.IsArray()) {
    Napi::Array list = messages.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++) selector.messages.push_back(static_cast<uint64_t>(list.Get(i).As<Napi::Number>().DoubleValue()));
    std::sort(selector.messages.begin(), selector.messages.end());
  }
  Napi::Value rate = object.Get("rate");
  if (rate.IsNumber()) selector.rate = rate.As<Napi::Number>().DoubleValue();
  selector.fromByte = U64Of(object, "fromByte", 0);
  selector.afterMs = U64Of(object, "afterMs", 0);
  return selector;
}

Faults ReadFaults(const Napi::Object& options, const char* key) {
  Faults faults;
  Napi::Value value = options.Get(key);
  if (!value.IsObject()) return faults;
  Napi::Object object = value.As<Napi::Object>();
  faults.chunkMin = static_cast<uint32_t>(U64Of(object, "chunkMin", 0));
  faults.chunkMax = static_cast<uint32_t>(U64Of(object, "chunkMax", faults.chunkMin));
  faults.delayMs = U64Of(object, "delayMs", 0);
  faults.jitterMs = U64Of(object, "jitterMs", 0);
  faults.delay = ReadSelector(object, "delayWhen");
  faults.delayPerChunk = object.Get("delayPerChunk").ToBoolean().Value();
  faults.drop = ReadSelector(object, "drop");
  faults.duplicate = ReadSelector(object, "duplicate");
  faults.reorder = ReadSelector(object, "reorder");
  faults.dropFds = ReadSelector(object, "dropFds");
  faults.truncateFds = ReadSelector(object, "truncateFds");
  faults.truncateKeep = static_cast<uint32_t>(U64Of(object, "truncateKeep", 0));
  Napi::Value corrupt = object.Get("corruptAt");
  if (corrupt.IsArray()) {
    Napi::Array list = corrupt.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++) faults.corruptAt.push_back(static_cast<uint64_t>(list.Get(i).As<Napi::Number>().DoubleValue()));
  }
  Napi::Value reset = object.Get("resetAfterBytes");
  if (reset.IsNumber()) {
    faults.reset = true;
    faults.resetAfterBytes = static_cast<uint64_t>(reset.As<Napi::Number>().DoubleValue());
  }
  Napi::Value stall = object.Get("stallForMs");
  if (stall.IsNumber()) {
    faults.stall = true;
    faults.stallForMs = static_cast<uint64_t>(stall.As<Napi::Number>().DoubleValue());
    faults.stallAfterBytes = U64Of(object, "stallAfterBytes", 0);
  }
  return faults;
}

// splitmix64: small, fast, and the same sequence on every platform for a seed.
struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed) {}
  uint64_t Next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  double Unit() { return static_cast<double>(Next() >> 11) / 9007199254740992.0; }
  uint64_t Between(uint64_t low, uint64_t high) { return high <= low ? low : low + Next() % (high - low + 1); }
};

// ---- events ----------------------------------------------------------------------------------

struct FdInfo {
  unsigned mode;
  uint64_t dev, ino;
};

struct Event {
  uint64_t t = 0;
  const char* ev = "";
  uint64_t conn = 0;
  int dir = -1;
  uint64_t message = 0;
  uint64_t bytes = 0;
  uint64_t offset = 0;
  uint64_t count = 1;  // a fault event: how many faults it stands for (a Listing's summary: many)
  std::string preview;
  std::vector<FdInfo> fds;
  const char* fault = nullptr;
  std::string detail;
  int error = 0;
  int64_t delivered = -1;  // a stream send that failed: how many bytes of `message` (of `bytes`) went on before it
  int pid = -1;
  int uid = -1;
  int gid = -1;
  int pgid = -1;  // the client's process group, read as it connects (it may be gone by the time JavaScript looks)
  std::string address;  // dgram: the client's address; open: the path the server sees
};

struct Stats {
  std::atomic<uint64_t> connections{0};
  std::atomic<uint64_t> messages[2];
  std::atomic<uint64_t> bytes[2];
  std::atomic<uint64_t> zeroCopy[2];  // of `bytes`: moved on the zero-copy path (native/splice_path.h)
  std::atomic<uint64_t> fdsReceived{0}, fdsForwarded{0}, fdsClosed{0}, faults{0};
  Stats() {
    for (int i = 0; i < 2; i++) {
      messages[i] = 0;
      bytes[i] = 0;
      zeroCopy[i] = 0;
    }
  }
};

// The wake-up pipes are close-on-exec from birth on Linux (pipe2), so a peer spawned by another
// thread at that moment cannot inherit them; macOS has no pipe2 and sets the flags just after.
int MakePipe(int fds[2]) {
#ifdef __APPLE__
  if (pipe(fds) < 0) return -errno;
  for (int i = 0; i < 2; i++) {
    fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    fcntl(fds[i], F_SETFL, O_NONBLOCK);
  }
  return 0;
#else
  return pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0 ? -errno : 0;
#endif
}

void ClosePipe(int fds[2]) {
  for (int i = 0; i < 2; i++)
    if (fds[i] >= 0) close(fds[i]);
  fds[0] = fds[1] = -1;
}

void Signal(int fd) {
  char byte = 1;
  ssize_t ignored = write(fd, &byte, 1);
  (void)ignored;
}

// ---- sending --------------------------------------------------------------------------------

// Linux: the proxy's sends wait in the kernel for the receiver's room (its own wait on a full
// datagram queue or stream buffer), instead of failing with EAGAIN and polling for POLLOUT: fewer
// system calls and no retry the moment one message leaves the receiver's queue (bench/RESULTS.md,
// fourth session). The datagram loop's Outbox::Push still sends with MSG_DONTWAIT: it must not
// wait while there are clients to read. SO_SNDTIMEO bounds
// each wait to kPollSliceMs, after which the sender checks whether the proxy stops or the
// connection aborts, so cancellation is kept (noticed within one slice, as the traffic engine's
// idle waits are). The socket's O_NONBLOCK goes (it would make every call non-blocking); every read
// passes MSG_DONTWAIT (kRecvFlags), so reads never wait. macOS keeps non-blocking sends with
// poll() and a back-off: it fails a datagram to a full receiver at once (ENOBUFS) rather than wait.
#ifndef __APPLE__
constexpr int kWaitingSendFlags = kSendFlags & ~MSG_DONTWAIT;
#endif

// True when sends on fd now wait in the kernel (Linux, both settings taken); false leaves the
// socket non-blocking and its sends on the poll() path.
bool SendsWait(int fd) {
#ifdef __APPLE__
  (void)fd;
  return false;
#else
  timeval slice = {0, kPollSliceMs * 1000};
  if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &slice, sizeof slice) < 0) return false;
  int flags = fcntl(fd, F_GETFL);
  return flags >= 0 && fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) == 0;
#endif
}

// The flags of one send on a socket whose sends wait (SendsWait) or not.
int SendFlags(bool waits) {
#ifdef __APPLE__
  (void)waits;
  return kSendFlags;
#else
  return waits ? kWaitingSendFlags : kSendFlags;
#endif
}

struct Proxy;
struct Conn;
int ConnectUpstream(Proxy& proxy, Conn* conn, int fd);

// One client connection (stream/seqpacket), or one client address (datagram).
struct Conn {
  uint64_t id = 0;
  int client = -1;  // stream: the accepted socket; dgram: unused (the listening socket is shared)
  int server = -1;  // the socket connected to the upstream path
  bool clientWaits = false, serverWaits = false;  // SendsWait on each (set before the directions start)
  int abortPipe[2] = {-1, -1};
  std::atomic<bool> aborted{false};
  std::atomic<int> running{0};
  std::atomic<bool> finished{false};
  std::thread threads[2];
  uint64_t openNs = 0;
  std::string clientAddress;  // dgram: the client's bound address (the reply target)
  std::string proxyPath;      // dgram: the path the server sees this client as
  std::atomic<bool> resetting{false};

  void Abort() {
    if (!aborted.exchange(true)) Signal(abortPipe[1]);
  }
};

struct Proxy {
  int type = SOCK_STREAM;
  std::string listenPath, connectPath;
  uint64_t seed = 0;
  bool capture = false;
  size_t previewBytes = 64;
  Faults faults[2];

  int listenFd = -1;
  bool listenWaits = false;  // dgram: replies to the clients go out through the listening socket (SendsWait)
  dev_t listenDev = 0;
  ino_t listenIno = 0;
  int stopPipe[2] = {-1, -1};
  std::atomic<bool> stopping{false};
  std::thread main;
  std::mutex joinMutex;
  bool joined = false;
  std::string tempDir;  // dgram: where the per-client sockets live (made on first use)

  std::mutex connMutex;
  std::vector<std::shared_ptr<Conn>> conns;
  std::map<std::string, std::shared_ptr<Conn>> byAddress;  // dgram
  uint64_t nextConn = 1;
  Stats stats;

  std::mutex eventMutex;
  std::vector<Event> events;
  std::atomic<bool> posted{false};
  napi_threadsafe_function tsfn = nullptr;
  bool hookRemoved = false;

  void Emit(Event&& event) {
    if (event.t == 0) event.t = NowNs();
    {
      std::lock_guard<std::mutex> lock(eventMutex);
      events.push_back(std::move(event));
    }
    if (!posted.exchange(true)) napi_call_threadsafe_function(tsfn, nullptr, napi_tsfn_nonblocking);
  }

  void Stop() {
    if (!stopping.exchange(true)) Signal(stopPipe[1]);
  }

  void Join() {
    std::lock_guard<std::mutex> lock(joinMutex);
    if (!joined && main.joinable()) main.join();
    joined = true;
  }
};

// ---- waiting ---------------------------------------------------------------------------------

// Waits for `events` on fd, or `events2` on fd2 (or only for the timeout when both are < 0): 1
// ready, 0 timed out, kStopped when the proxy stops or the connection is aborted, or -errno.
int WaitOn(Proxy& proxy, Conn* conn, int fd, short events, int timeoutMs, int fd2 = -1, short events2 = 0) {
  pollfd p[4];
  int n = 0;
  p[n++] = {proxy.stopPipe[0], POLLIN, 0};
  if (conn != nullptr && conn->abortPipe[0] >= 0) p[n++] = {conn->abortPipe[0], POLLIN, 0};
  int target = n;
  if (fd >= 0) p[n++] = {fd, events, 0};
  if (fd2 >= 0) p[n++] = {fd2, events2, 0};
  for (;;) {
    if (proxy.stopping.load() || (conn != nullptr && conn->aborted.load())) return kStopped;
    int ready = poll(p, n, timeoutMs);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if (proxy.stopping.load() || (conn != nullptr && conn->aborted.load())) return kStopped;
    if (ready == 0) return 0;
    for (int i = target; i < n; i++)
      if (p[i].revents != 0) return 1;
  }
}

// An interruptible sleep: false when the proxy stops or the connection aborts meanwhile.
bool Pause(Proxy& proxy, Conn* conn, uint64_t ms) {
  uint64_t end = NowNs() + ms * 1000000ull;
  for (;;) {
    uint64_t now = NowNs();
    if (now >= end) return true;
    int slice = static_cast<int>(std::min<uint64_t>((end - now) / 1000000ull + 1, INT_MAX));
    if (WaitOn(proxy, conn, -1, 0, slice) == kStopped) return false;
  }
}

// ---- batches (datagram, seqpacket) ----------------------------------------------------------

// The message types are read and sent in batches where the platform can (Linux recvmmsg and
// sendmmsg, native/mmsg.h: one system call and one wake-up for up to kBatch messages); macOS has
// neither, and there the same code reads one message per call and sends with a plain sendmsg loop.
#ifdef __APPLE__
constexpr unsigned kBatch = 1;
#else
constexpr unsigned kBatch = 16;
#endif

// How much the datagram loop keeps queued for a server with no room while it reads on (Outbox::
// Push): then it waits until everything has gone (Outbox::Flush). macOS keeps nothing queued and
// flushes every batch, as before: its poll() reports a full datagram receiver as writable (the
// send fails with ENOBUFS), so a loop waiting for either side would spin there.
#ifdef __APPLE__
constexpr size_t kPendingMessages = 0;
#else
constexpr size_t kPendingMessages = 1024;
#endif
constexpr size_t kPendingBytes = 4 * 1024 * 1024;

// One message's room in a batch read: the largest record the proxy forwards whole. The buffer is
// not zeroed: only the pages a read writes are ever touched.
struct Slot {
  std::unique_ptr<char[]> buffer{new char[kBufferBytes]};
  sockaddr_un from{};
  iovec io{};
  ControlBuffer control{kMaxFdsPerMessage};
};

// Up to `want` (<= kBatch) queued messages into `slots`, without waiting: the count, or -errno.
int ReceiveBatch(int fd, std::vector<Slot>& slots, mmsghdr* headers, unsigned want) {
  for (unsigned i = 0; i < want; i++) {
    Slot& slot = slots[i];
    slot.io = {slot.buffer.get(), kBufferBytes};
    headers[i] = mmsghdr{};
    headers[i].msg_hdr.msg_name = &slot.from;
    headers[i].msg_hdr.msg_namelen = sizeof slot.from;
    headers[i].msg_hdr.msg_iov = &slot.io;
    headers[i].msg_hdr.msg_iovlen = 1;
    slot.control.Attach(&headers[i].msg_hdr);
  }
  return ReceiveMessages(fd, headers, want, kRecvFlags);
}

// The descriptors that came with messages [from, count) of a batch read that will not be
// forwarded (the proxy stops): closed, and counted as closed.
void DiscardRest(Proxy& proxy, std::vector<Slot>& slots, mmsghdr* headers, int from, int count) {
  for (int i = from; i < count; i++) {
    std::vector<int> fds;
    slots[i].control.Take(&headers[i].msg_hdr, &fds);
    proxy.stats.fdsReceived += fds.size();
    for (int fd : fds) close(fd);
    proxy.stats.fdsClosed += fds.size();
  }
}

// The messages a batch forwards (with their faults applied, in order) wait here and go out
// together: each run of messages to the same socket in one sendmmsg. The bytes stay in the batch's
// read slots until then (a released `reorder` message brings its own copy), and the descriptors
// sent with them close once every message queued before them has gone.
//
// Flush() sends everything, waiting for the receivers' room. The datagram loop sends with Push()
// instead: what the receiver has no room for stays queued (with a copy of its bytes: the slots are
// read into again) while the loop goes on reading the clients, up to kPendingMessages or
// kPendingBytes, then it flushes. Waiting for the server's room with the clients' datagrams unread
// lets every client's queue fill up too, and both ends sleep every few datagrams (each queue holds
// net.unix.max_dgram_qlen, 10 by default); measured in bench/RESULTS.md, fourth session.
struct Outbox {
  struct Entry {
    Conn* conn;
    int dir;
    int fd;
    const sockaddr_un* to;  // dgram replies go out through the listening socket, to the client's address
    socklen_t toLength;
    const char* data;
    size_t size;
    std::vector<char> owned;
    std::vector<int> fds;
    std::vector<char> control;
    bool waits;         // fd's sends wait in the kernel (SendsWait)
    bool kept = false;  // `owned` is a copy Keep() made (counted in ownedBytes)
  };

  Proxy& proxy;
  std::deque<Entry> entries;
  // Descriptors to close once `gone` reaches their mark (the number of entries queued before them).
  std::deque<std::pair<uint64_t, int>> closeAfter;
  uint64_t queued = 0;  // entries ever queued
  uint64_t gone = 0;    // entries ever sent or skipped (refused), in order
  size_t ownedBytes = 0;  // bytes copied out of the read slots by Keep() and still queued
  std::vector<mmsghdr> headers;
  std::vector<iovec> io;
  int error = 0;  // the first send that failed since the owner last looked (its event is emitted)

  explicit Outbox(Proxy& p) : proxy(p) {}
  ~Outbox() { Clear(); }

  void Queue(Entry&& entry) {
    entries.push_back(std::move(entry));
    queued++;
  }

  void CloseAfter(std::vector<int>& fds) {
    for (int fd : fds) closeAfter.emplace_back(queued, fd);
    fds.clear();
  }

  // Closes the descriptors whose messages have all gone.
  void CloseGone() {
    size_t closed = 0;
    while (!closeAfter.empty() && closeAfter.front().first <= gone) {
      close(closeAfter.front().second);
      closeAfter.pop_front();
      closed++;
    }
    proxy.stats.fdsClosed += closed;
  }

  // Everything let go (sent, or the proxy stops): every descriptor held closes.
  void Clear() {
    for (auto& held : closeAfter) close(held.second);
    proxy.stats.fdsClosed += closeAfter.size();
    closeAfter.clear();
    gone = queued;
    entries.clear();
    ownedBytes = 0;
  }

  // The first `count` entries have gone.
  void Drop(size_t count) {
    for (size_t k = 0; k < count; k++) {
      if (entries.front().kept) ownedBytes -= entries.front().size;
      entries.pop_front();
    }
    gone += count;
    CloseGone();
  }

  // The queued messages that still point into a read slot get a copy of their own bytes.
  void Keep() {
    for (Entry& entry : entries) {
      if (entry.size == 0 || entry.data == entry.owned.data()) continue;
      entry.owned.assign(entry.data, entry.data + entry.size);
      entry.data = entry.owned.data();
      entry.kept = true;
      ownedBytes += entry.size;
    }
  }

  void Failed(const Entry& entry, int code, std::string detail = "sendmsg") {
    Event event;
    event.conn = entry.conn->id;
    event.dir = entry.dir;
    event.error = -code;
    event.ev = "error";
    event.detail = std::move(detail);
    proxy.Emit(std::move(event));
    if (error == 0) error = -code;
  }

  // Sends everything queued, in order: 0, or kStopped (what had not gone is let go). A message the
  // socket refuses (not backpressure) is reported as an error event and skipped, as when each was
  // sent on its own; the first such error stays in `error` for the owner's policy.
  int Flush() { return Send(true); }

  // Sends what the receivers have room for now, in order, up to the first message that would wait:
  // 0 (the rest stays queued, with its own bytes) or kStopped.
  int Push() {
    int result = Send(false);
    if (result == 0) Keep();
    return result;
  }

  // The socket the first queued message goes to, or -1 when nothing is queued.
  int NextFd() const { return entries.empty() ? -1 : entries.front().fd; }

  int Send(bool wait) {
    while (!entries.empty()) {
      // A run of messages to one socket, at most kMessageBatch per call (a long queue is not
      // re-described to the kernel every time a few of its messages go).
      size_t end = 1;
      while (end < entries.size() && end < kMessageBatch && entries[end].fd == entries[0].fd) end++;
      unsigned count = static_cast<unsigned>(end);
      headers.resize(count);
      io.resize(count);
      for (unsigned k = 0; k < count; k++) {
        Entry& entry = entries[k];
        io[k] = {const_cast<char*>(entry.data), entry.size};
        headers[k] = mmsghdr{};
        msghdr& message = headers[k].msg_hdr;
        message.msg_iov = &io[k];
        message.msg_iovlen = 1;
        if (entry.to != nullptr) {
          message.msg_name = const_cast<sockaddr_un*>(entry.to);
          message.msg_namelen = entry.toLength;
        }
        AttachRights(&message, &entry.control, entry.fds.data(), entry.fds.size());
      }
      unsigned done = 0;
      int attempts = 0;
      unsigned reconnected = count;  // the message a datagram client's socket was connected again for
      while (done < count) {
        Entry& next = entries[done];
        int sent = SendMessages(next.fd, headers.data() + done, count - done, wait ? SendFlags(next.waits) : kSendFlags);
        if (sent > 0) {
          for (int k = 0; k < sent; k++) proxy.stats.fdsForwarded += entries[done + k].fds.size();
          done += static_cast<unsigned>(sent);
          attempts = 0;
          continue;
        }
        int code = -sent;
        if (code == EINTR) continue;
        if (!IsBackpressure(code)) {
          // A datagram client's socket to a server that went away: the first send after that fails
          // with ECONNREFUSED and leaves the socket unconnected (ENOTCONN from then on), even once
          // a server is bound at the path again. Connected again, the datagram goes to the server
          // there now; none there yet, it is reported with the connect's error and the next one
          // tries again.
          if (proxy.type == SOCK_DGRAM && next.to == nullptr && (code == ECONNREFUSED || code == ENOTCONN) && reconnected != done) {
            reconnected = done;
            int again = ConnectUpstream(proxy, nullptr, next.fd);
            if (again == 0) continue;
            Failed(next, -again, "connect " + proxy.connectPath);
          } else {
            Failed(next, code);
          }
          done++;
          attempts = 0;
          continue;
        }
        if (!wait) {
          if (proxy.stopping.load() || next.conn->aborted.load()) {
            Clear();
            return kStopped;
          }
          Drop(done);
          return 0;
        }
        // A waiting send that timed out: the kernel waited a slice for the receiver's room.
        if (next.waits) {
          if (proxy.stopping.load() || next.conn->aborted.load()) {
            Clear();
            return kStopped;
          }
          continue;
        }
        // A connected socket's poll() sees the receiver's room; sendto() on the shared listening
        // socket cannot, and macOS reports a full datagram receiver (ENOBUFS) as writable: a wait
        // that did not help is followed by a growing back-off (as the traffic engine does), never a spin.
        int waited = next.to != nullptr ? 0 : WaitOn(proxy, next.conn, next.fd, POLLOUT, kPollSliceMs);
        if (waited == kStopped) {
          Clear();
          return kStopped;
        }
        if (waited < 0) {
          Failed(next, -waited);
          done++;
          continue;
        }
        if (next.to != nullptr || waited == 0 || attempts > 0) {
          if (proxy.stopping.load() || next.conn->aborted.load()) {
            Clear();
            return kStopped;
          }
          BackOff(attempts);
        }
        attempts++;
      }
      Drop(count);
    }
    Clear();
    return 0;
  }

  int TakeError() {
    int taken = error;
    error = 0;
    return taken;
  }
};

// ---- one direction ---------------------------------------------------------------------------

// A message points into the buffer it was read into (the stream pump's, or a batch's slot: no copy
// on the forwarding path); one held back by `reorder` gets a copy of its own, as the next read
// reuses the buffer (and takes it along into the outbox when it goes).
struct Message {
  char* data = nullptr;
  size_t size = 0;
  std::vector<char> owned;
  std::vector<int> fds;
  uint64_t number = 0;

  void Own() {
    owned.assign(data, data + size);
    data = owned.data();
  }
};

struct Pump {
  Proxy& proxy;
  Conn& conn;
  int dir;
  int src;
  int dst;
  const Faults& faults;
  Rng rng;
  uint64_t messages = 0;
  uint64_t bytes = 0;
  size_t corruptNext = 0;
  bool stalled = false;
  bool held = false;
  uint64_t heldNs = 0;  // when `reorder` took heldMessage
  Message heldMessage;
  std::vector<char> buffer;
  ControlBuffer control{kMaxFdsPerMessage};
  std::vector<uint64_t> corruptAt;
  // dgram server→client: replies go out through the listening socket to the client's address
  sockaddr_un to{};
  socklen_t toLength = 0;
  bool useTo = false;
  bool waits = false;  // dst's sends wait in the kernel (SendsWait)
  // Of the message being delivered, the bytes the receiver's socket has taken: a failed send's
  // event says how far the message got (under `chunk`, every piece but the last was also read).
  uint64_t delivered = 0;
  // Message types: where Deliver queues (the batch's outbox); null on a stream, which sends at once.
  Outbox* outbox = nullptr;
  // `chunk` re-splits and delays: every one counted as a fault, the first kEventsListed of each
  // with an event, the rest summed up in one event as the direction ends (Summarize).
  struct Listing {
    uint64_t seen = 0, unlisted = 0;
    uint64_t sum[2] = {0, 0};  // what the summary adds up: chunk bytes and pieces; delay ms
  };
  Listing chunks, delays;

  Pump(Proxy& p, Conn& c, int d, int s, int t, size_t bufferBytes = kBufferBytes)
      : proxy(p), conn(c), dir(d), src(s), dst(t), faults(p.faults[d]), rng(p.seed ^ (c.id * 0x100000001b3ull) ^ (static_cast<uint64_t>(d) << 62)), buffer(bufferBytes) {
    corruptAt = faults.corruptAt;
    std::sort(corruptAt.begin(), corruptAt.end());
  }

  // A message held back by `reorder` when the direction ends unsent: its descriptors close here.
  // The datagram loop's pumps end with it: their summaries go out here, before `stopped`.
  ~Pump() {
    if (held) CloseFds(heldMessage.fds);
    Summarize();
  }

  bool stream() const { return proxy.type == SOCK_STREAM; }

  bool Selected(const Selector& selector, uint64_t number, uint64_t offset) {
    if (!selector.present) return false;
    if (!selector.messages.empty() && !std::binary_search(selector.messages.begin(), selector.messages.end(), number)) return false;
    if (offset < selector.fromByte) return false;
    if (selector.afterMs > 0 && NowNs() - conn.openNs < selector.afterMs * 1000000ull) return false;
    if (selector.rate < 1.0) return rng.Unit() < selector.rate;
    return true;
  }

  void Fault(const char* name, uint64_t number, uint64_t offset, std::string detail = std::string()) {
    proxy.stats.faults++;
    Event event;
    event.ev = "fault";
    event.conn = conn.id;
    event.dir = dir;
    event.fault = name;
    event.message = number;
    event.offset = offset;
    event.detail = std::move(detail);
    proxy.Emit(std::move(event));
  }

  void CloseFds(std::vector<int>& fds, size_t from = 0) {
    for (size_t i = from; i < fds.size(); i++) {
      close(fds[i]);
      proxy.stats.fdsClosed++;
    }
    fds.resize(std::min(from, fds.size()));
  }

  // Sends one piece (stream: all of it; message types: one record). 0, kStopped or -errno.
  int Send(const char* data, size_t size, const std::vector<int>& fds) {
    std::vector<unsigned char> control;
    msghdr message{};
    iovec io{};
    size_t offset = 0;
    bool fdsSent = fds.empty();
    int attempts = 0;
    for (;;) {
      io.iov_base = const_cast<char*>(data + offset);
      io.iov_len = size - offset;
      message = msghdr{};
      message.msg_iov = &io;
      message.msg_iovlen = 1;
      if (useTo) {
        message.msg_name = &to;
        message.msg_namelen = toLength;
      }
      if (!fdsSent) {
        control.assign(CMSG_SPACE(fds.size() * sizeof(int)), 0);
        message.msg_control = control.data();
        message.msg_controllen = static_cast<socklen_t>(control.size());
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
        memcpy(CMSG_DATA(header), fds.data(), fds.size() * sizeof(int));
      }
      ssize_t sent = sendmsg(dst, &message, SendFlags(waits));
      if (sent >= 0) {
        if (!fdsSent) proxy.stats.fdsForwarded += fds.size();
        fdsSent = true;
        offset += static_cast<size_t>(sent);
        delivered += static_cast<uint64_t>(sent);
        attempts = 0;
        if (!stream() || offset >= size) return 0;
        continue;
      }
      int error = errno;
      if (error == EINTR) continue;
      if (!IsBackpressure(error)) return -error;
      // A waiting send that timed out: the kernel waited a slice for the receiver's room.
      if (waits) {
        if (proxy.stopping.load() || conn.aborted.load()) return kStopped;
        continue;
      }
      // A connected socket's poll() sees the receiver's room; sendto() on the shared listening
      // socket cannot, and macOS reports a full datagram receiver (ENOBUFS) as writable: a wait
      // that did not help is followed by a growing back-off (as the traffic engine does), never a spin.
      int waited = useTo ? 0 : WaitOn(proxy, &conn, dst, POLLOUT, kPollSliceMs);
      if (waited == kStopped) return kStopped;
      if (waited < 0) return waited;
      if (useTo || waited == 0 || attempts > 0) {
        if (proxy.stopping.load() || conn.aborted.load()) return kStopped;
        BackOff(attempts);
      }
      attempts++;
    }
  }

  // `chunk`: the receiver must see every piece as its own read, so the next piece leaves only
  // once the receiver has taken the previous one (Linux: TIOCOUTQ, the bytes still unread by the
  // peer). macOS has no such count for AF_UNIX: the pieces are sent one by one with a short
  // pause, and a slow receiver may read several at once there.
  int Drained() {
#ifdef __APPLE__
    timespec pause = {0, 200000};
    nanosleep(&pause, nullptr);
    return 0;
#else
    int attempts = 0;
    for (;;) {
      int queued = 0;
      if (ioctl(dst, TIOCOUTQ, &queued) < 0) return -errno;
      if (queued <= 0) return 0;
      if (proxy.stopping.load() || conn.aborted.load()) return kStopped;
      BackOff(attempts++);
    }
#endif
  }

  // `chunk` on one read: a fault event naming how it is re-split (drawn from a copy of the
  // generator, so the pieces sent are the ones named), unless it fits in one piece.
  void ChunkFault(const Message& m) {
    Rng plan = rng;
    uint64_t pieces = 0, smallest = 0, largest = 0;
    for (size_t offset = 0; offset < m.size;) {
      size_t piece = std::min<size_t>(plan.Between(faults.chunkMin, faults.chunkMax), m.size - offset);
      smallest = pieces == 0 ? piece : std::min<uint64_t>(smallest, piece);
      largest = std::max<uint64_t>(largest, piece);
      pieces++;
      offset += piece;
    }
    if (pieces < 2) return;
    if (!Listed(chunks, m.size, pieces)) return;
    std::string sizes = smallest == largest ? std::to_string(smallest) : std::to_string(smallest) + ".." + std::to_string(largest);
    Fault("chunk", m.number, bytes - m.size,
          std::to_string(m.size) + " bytes re-split into " + std::to_string(pieces) + " pieces of " + sizes + (largest == 1 ? " byte" : " bytes") +
              (m.fds.empty() ? "" : ", the descriptors with the first"));
  }

  // One more fault of a Listing's kind: true while it gets its own event (Fault counts it then);
  // past the listed ones it is counted here, its amounts added for the summary.
  bool Listed(Listing& listing, uint64_t a, uint64_t b = 0) {
    if (++listing.seen <= kEventsListed) return true;
    proxy.stats.faults++;
    listing.unlisted++;
    listing.sum[0] += a;
    listing.sum[1] += b;
    return false;
  }

  // Whether `delay` holds this message (every one without `when:`).
  bool DelaySelected(uint64_t number, uint64_t offset) {
    return (faults.delayMs > 0 || faults.jitterMs > 0) && (!faults.delay.present || Selected(faults.delay, number, offset));
  }

  // `delay`: holds this message (or piece, at `offset` of the direction) its time plus a 0..jitter
  // drawn from `draw`; false when the proxy stops or the connection aborts meanwhile.
  bool Delay(Rng& draw, uint64_t number, uint64_t offset, const std::string& piece = std::string()) {
    uint64_t ms = faults.delayMs + (faults.jitterMs > 0 ? draw.Between(0, faults.jitterMs) : 0);
    if (Listed(delays, ms)) Fault("delay", number, offset, std::to_string(ms) + " ms" + piece);
    return Pause(proxy, &conn, ms);
  }

  // The faults past the listed ones, in one event per kind (not counted again: each was counted as
  // it happened). Called as the direction ends.
  void Summarize() {
    SummaryEvent("chunk", chunks, " more reads re-split (" + std::to_string(chunks.sum[0]) + " bytes into " + std::to_string(chunks.sum[1]) + " pieces)");
    SummaryEvent("delay", delays, " more delays (" + std::to_string(delays.sum[0]) + " ms in all)");
  }

  void SummaryEvent(const char* name, Listing& listing, const std::string& what) {
    if (listing.unlisted == 0) return;
    Event event;
    event.ev = "fault";
    event.conn = conn.id;
    event.dir = dir;
    event.fault = name;
    event.message = messages;
    event.offset = bytes;
    event.count = listing.unlisted;
    event.detail = std::to_string(listing.unlisted) + what + ", not listed one by one: only the first " + std::to_string(kEventsListed) + " of a direction are";
    proxy.Emit(std::move(event));
    listing.unlisted = listing.sum[0] = listing.sum[1] = 0;
  }

  int Deliver(Message& m, bool own = false) {
    if (!stream() && outbox != nullptr) {
      outbox->Queue({&conn, dir, dst, useTo ? &to : nullptr, toLength, m.data, m.size, {}, m.fds, {}, waits});
      if (own) {
        outbox->entries.back().owned = std::move(m.owned);  // the heap buffer moves: data still points into it
        m.data = nullptr;
      }
      return 0;
    }
    delivered = 0;
    if (stream() && faults.chunkMin > 0) {
      // `delay` per chunk: each piece held on its own, after the receiver has read the one before.
      // Its draws come first, and its jitter from a generator of its own, so the pieces cut are
      // the ones ChunkFault plans and names.
      bool perPiece = faults.delayPerChunk && DelaySelected(m.number, bytes - m.size);
      Rng jitter(perPiece && faults.jitterMs > 0 ? rng.Next() : 0);
      ChunkFault(m);
      size_t offset = 0;
      std::vector<int> none;
      for (uint64_t index = 1; offset < m.size; index++) {
        size_t piece = std::min<size_t>(rng.Between(faults.chunkMin, faults.chunkMax), m.size - offset);
        if (perPiece && !Delay(jitter, m.number, bytes - m.size + offset, " before piece " + std::to_string(index))) return kStopped;
        int result = Send(m.data + offset, piece, offset == 0 ? m.fds : none);
        if (result != 0) return result;
        offset += piece;
        if (offset < m.size) {
          result = Drained();
          if (result != 0) return result;
        }
      }
      return 0;
    }
    return Send(m.data, m.size, m.fds);
  }

  void Capture(const Message& m, const char* ev) {
    if (!proxy.capture) return;
    Event event;
    event.ev = ev;
    event.conn = conn.id;
    event.dir = dir;
    event.message = m.number;
    event.bytes = m.size;
    event.preview.assign(m.data, std::min(m.size, proxy.previewBytes));
    for (int fd : m.fds) {
      struct stat st;
      if (fstat(fd, &st) == 0) event.fds.push_back({static_cast<unsigned>(st.st_mode), static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)});
      else event.fds.push_back({0, 0, 0});
    }
    proxy.Emit(std::move(event));
  }

  // Counts a read of `size` bytes into the direction: the offset of its first byte.
  uint64_t Account(size_t size) {
    uint64_t offset = bytes;
    bytes += size;
    proxy.stats.bytes[dir] += size;
    proxy.stats.messages[dir]++;
    return offset;
  }

  // Forwards one message with its faults; the descriptors are closed here once sent (or dropped).
  int Forward(Message& m) {
    uint64_t offset = Account(m.size);
    while (corruptNext < corruptAt.size() && corruptAt[corruptNext] < offset) corruptNext++;
    while (corruptNext < corruptAt.size() && corruptAt[corruptNext] < offset + m.size) {
      uint64_t at = corruptAt[corruptNext++];
      m.data[at - offset] ^= static_cast<char>(0xff);
      Fault("corrupt", m.number, at, "byte flipped (xor 0xff)");
    }
    if (!stream() && Selected(faults.drop, m.number, offset)) {
      Fault("drop", m.number, offset, std::to_string(m.size) + " bytes" + (m.fds.empty() ? "" : ", " + std::to_string(m.fds.size()) + " fds closed"));
      CloseFds(m.fds);
      return 0;
    }
    if (!m.fds.empty() && Selected(faults.dropFds, m.number, offset)) {
      Fault("dropFds", m.number, offset, std::to_string(m.fds.size()) + " fds closed, bytes forwarded");
      CloseFds(m.fds);
    } else if (m.fds.size() > faults.truncateKeep && Selected(faults.truncateFds, m.number, offset)) {
      Fault("truncateFds", m.number, offset, "kept " + std::to_string(faults.truncateKeep) + " of " + std::to_string(m.fds.size()));
      CloseFds(m.fds, faults.truncateKeep);
    }
    if (!faults.delayPerChunk && DelaySelected(m.number, offset)) {
      // What the batch has queued before this message goes first, at its own time.
      if ((outbox != nullptr && outbox->Flush() == kStopped) || !Delay(rng, m.number, offset)) {
        CloseFds(m.fds);
        return kStopped;
      }
    }
    if (!stream() && !held && Selected(faults.reorder, m.number, offset)) {
      Fault("reorder", m.number, offset, "held back to go after the next message");
      m.Own();
      heldMessage = std::move(m);
      held = true;
      heldNs = NowNs();
      return 0;
    }
    Capture(m, "data");
    int result = Deliver(m);
    if (result == 0 && !stream() && Selected(faults.duplicate, m.number, offset)) {
      Fault("duplicate", m.number, offset, "sent twice");
      Capture(m, "data");
      result = Deliver(m);
    }
    Done(m.fds);
    if (result == 0 && held) result = Release();
    return result;
  }

  int Release() {
    held = false;
    Capture(heldMessage, "data");
    int result = Deliver(heldMessage, true);
    Done(heldMessage.fds);
    return result;
  }

  // A forwarded message's descriptors: closed now, or once its batch has gone out.
  void Done(std::vector<int>& fds) {
    if (outbox != nullptr) outbox->CloseAfter(fds);
    else CloseFds(fds);
  }

  // Reads once from the stream: 1 with the bytes in `m`, 0 at EOF, kStopped, or -errno.
  int Receive(Message& m, size_t limit) {
    for (;;) {
      iovec io = {buffer.data(), std::min(limit, buffer.size())};
      msghdr message{};
      message.msg_iov = &io;
      message.msg_iovlen = 1;
      control.Attach(&message);
      ssize_t got = recvmsg(src, &message, kRecvFlags);
      if (got < 0) {
        int error = errno;
        if (error == EINTR) continue;
        if (!IsBackpressure(error)) return -error;
        int waited = WaitOn(proxy, &conn, src, POLLIN, -1);
        if (waited == kStopped || waited < 0) return waited;
        continue;
      }
      m.fds.clear();
      bool cut = control.Take(&message, &m.fds);
      proxy.stats.fdsReceived += m.fds.size();
      if (got == 0 && m.fds.empty()) return 0;
      m.data = buffer.data();
      m.size = static_cast<size_t>(got);
      m.number = ++messages;
      if (cut) Fault("truncated", m.number, bytes, "control data cut (MSG_CTRUNC)");
      return 1;
    }
  }

  // The rest of the message whose first byte `m` read with its descriptors, up to `through` bytes
  // in all (queued: a peek saw them), appended to `m`: 1, or -errno.
  int ReceiveRest(Message& m, size_t through) {
    while (m.size < std::min(through, buffer.size())) {
      ssize_t got = recv(src, buffer.data() + m.size, std::min(through, buffer.size()) - m.size, kRecvFlags);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return IsBackpressure(errno) ? 1 : -errno;
      if (got == 0) break;
      m.size += static_cast<size_t>(got);
    }
    return 1;
  }

  // A zero-length seqpacket read is EOF once the peer has shut down or gone, an empty record
  // otherwise (macOS has no AF_UNIX seqpacket).
  bool PeerGone() {
#ifdef POLLRDHUP
    pollfd p = {src, static_cast<short>(POLLIN | POLLRDHUP), 0};
    return poll(&p, 1, 0) >= 0 && (p.revents & (POLLHUP | POLLRDHUP));
#else
    return true;
#endif
  }

  void ReadFailed(int got) {
    Event event;
    event.conn = conn.id;
    event.dir = dir;
    event.error = got;
    event.ev = (got == -ECONNRESET) ? "reset" : "error";
    event.detail = "recvmsg";
    proxy.Emit(std::move(event));
    conn.resetting = got == -ECONNRESET;
    conn.Abort();
  }

  void Ended() {
    Event event;
    event.ev = "eof";
    event.conn = conn.id;
    event.dir = dir;
    proxy.Emit(std::move(event));
    shutdown(dst, SHUT_WR);
  }

  // `stall` and `reset` at the top of each read: false when the direction ends here.
  bool BeforeRead() {
    if (faults.stall && !stalled && bytes >= faults.stallAfterBytes) {
      stalled = true;
      Fault("stall", messages + 1, bytes, "not reading for " + std::to_string(faults.stallForMs) + " ms");
      if (!Pause(proxy, &conn, faults.stallForMs)) return false;
    }
    if (faults.reset && bytes >= faults.resetAfterBytes) {
      Reset();
      return false;
    }
    return true;
  }

  // Sends what the batch queued, then applies the direction's policy to a send that failed (its
  // event is out): a seqpacket connection aborts; datagram replies go on past a client that is
  // gone (ECONNREFUSED, ENOENT) and end on any other error. False when the direction ends.
  bool Sent() {
    if (outbox->Flush() == kStopped) return false;
    int error = outbox->TakeError();
    if (error == 0) return true;
    if (proxy.type != SOCK_DGRAM) conn.Abort();
    return proxy.type == SOCK_DGRAM && (error == -ECONNREFUSED || error == -ENOENT);
  }

  // Datagram replies and seqpacket records, in batches: a read takes up to kBatch queued messages
  // (one while a `reset` or `stall` is still to come, so it falls on its exact message and what
  // follows stays unread in the socket: unread bytes are what makes Linux report ECONNRESET), each
  // is forwarded with its faults into the outbox, and the batch goes out together.
  void RunMessages() {
    std::vector<Slot> slots(kBatch);
    mmsghdr headers[kBatch];
    Outbox box(proxy);
    outbox = &box;
    for (;;) {
      if (!BeforeRead()) return;
      unsigned want = faults.reset || (faults.stall && !stalled) ? 1 : kBatch;
      int count = ReceiveBatch(src, slots, headers, want);
      if (count < 0) {
        if (count == -EINTR) continue;
        if (IsBackpressure(-count)) {
          // A message held by `reorder` goes alone when nothing follows it for a while.
          int waited = WaitOn(proxy, &conn, src, POLLIN, held ? kReorderIdleMs : -1);
          if (waited == 0 && held) {
            Release();
            if (!Sent()) return;
          }
          if (waited == kStopped) return;
          if (waited >= 0) continue;
          count = waited;
        }
        ReadFailed(count);
        return;
      }
      for (int i = 0; i < count; i++) {
        msghdr& message = headers[i].msg_hdr;
        Message m;
        bool cut = slots[i].control.Take(&message, &m.fds);
        proxy.stats.fdsReceived += m.fds.size();
        if (headers[i].msg_len == 0 && proxy.type == SOCK_SEQPACKET && m.fds.empty() && PeerGone()) {
          DiscardRest(proxy, slots, headers, i + 1, count);
          if (held) Release();
          if (Sent()) Ended();
          return;
        }
        m.data = slots[i].buffer.get();
        m.size = headers[i].msg_len;
        m.number = ++messages;
        if (cut) Fault("truncated", m.number, bytes, "control data cut (MSG_CTRUNC)");
        if (message.msg_flags & MSG_TRUNC) Fault("truncated", m.number, bytes, "record larger than the proxy's buffer, cut");
        if (Forward(m) == kStopped) {
          DiscardRest(proxy, slots, headers, i + 1, count);
          return;
        }
      }
      if (!Sent()) return;
    }
  }

  // Waits until the sender has more to send (or ends): the reset then closes with those bytes
  // unread, which is what makes Linux report ECONNRESET to the sender.
  void Reset() {
    int waited = WaitOn(proxy, &conn, src, POLLIN, -1);
    if (waited == kStopped) return;
    Fault("reset", messages + 1, bytes, "connection closed with unread bytes after " + std::to_string(bytes) + " bytes");
    conn.resetting = true;
    conn.Abort();
  }

  // A stream direction: each read is forwarded with its faults. Where the queue can be seen
  // (Linux, native/stream_queue.h), reads follow its plan, so each descriptor goes on with the byte
  // it came with, and reads of bytes known to carry none go on without a copy
  // (native/splice_path.h) unless a fault or the capture needs them in hand; the others are read
  // with recvmsg into the buffer and sent from there.
  void Run() {
    if (!stream()) return RunMessages();
    StreamQueue queue;
    bool planned = queue.Open(src);
    SplicePath path;
    bool zeroCopy = planned && !NeedsBytes() && path.Open(src);
    for (;;) {
      if (!BeforeRead()) return;
      // Stop the read at the reset point, and at the stall point, so they fall on the exact byte.
      size_t limit = buffer.size();
      if (faults.reset) limit = std::min<uint64_t>(limit, faults.resetAfterBytes - bytes);
      if (faults.stall && !stalled) limit = std::min<uint64_t>(limit, faults.stallAfterBytes - bytes);
      ReadPlan plan;
      if (planned && !PlanRead(queue, &plan)) return;
      if (plan.bytes > 0) limit = std::min(limit, plan.bytes);
      int result;
      Message m;
      ssize_t spliced = plan.plain && zeroCopy ? path.Take(limit) : 0;
      if (spliced > 0) {
        result = ForwardSpliced(path);
        // Named like a copied read in a failed send's event (no bytes in hand: no preview).
        m.number = messages;
        m.size = static_cast<size_t>(spliced);
      } else if (spliced < 0 && spliced != -EAGAIN && spliced != -EINTR) {
        return ReadFailed(static_cast<int>(spliced));
      } else {
        int got = Receive(m, limit);
        if (got == kStopped) {
          CloseFds(m.fds);
          return;
        }
        if (got < 0) return ReadFailed(got);
        if (got == 0) return Ended();
        if (plan.through > m.size && !m.fds.empty()) {
          got = ReceiveRest(m, plan.through);
          if (got < 0) {
            CloseFds(m.fds);
            return ReadFailed(got);
          }
        }
        result = Forward(m);
      }
      if (result == kStopped) return;
      // EPIPE: the receiver reads no more. The sender's reads end here, and its socket at the
      // proxy is shut for reading (before the event, so whoever sees the event finds it done): its
      // next send fails with EPIPE as it would without the proxy, instead of filling a buffer no
      // one reads and blocking.
      if (result == -EPIPE) shutdown(src, SHUT_RD);
      if (result < 0) {
        Event event;
        event.conn = conn.id;
        event.dir = dir;
        event.error = result;
        event.ev = "error";
        event.detail = "sendmsg";
        // A copied read names the message whose delivery stopped and how much of it went on.
        if (m.number > 0) {
          event.message = m.number;
          event.bytes = m.size;
          event.delivered = static_cast<int64_t>(delivered);
        }
        proxy.Emit(std::move(event));
        // EPIPE: the receiver reads no more, but what it sent before is still on its way the other
        // way (a server that answers "ERR" and closes): that direction ends on its own EOF. Any
        // other error ends the connection.
        if (result == -EPIPE) return;
        conn.Abort();
      }
    }
  }

  // The next read's plan (StreamQueue::Plan), waiting for bytes when none are queued; after a wait
  // that ended on an end of file or an error, a plan of what recvmsg gives (Receive reports it).
  // False when the proxy stops or the connection aborts.
  bool PlanRead(const StreamQueue& queue, ReadPlan* plan) {
    *plan = queue.Plan();
    if (!plan->empty) return true;
    int waited = WaitOn(proxy, &conn, src, POLLIN, -1);
    if (waited == kStopped) return false;
    *plan = waited < 0 ? ReadPlan{} : queue.Plan();
    if (plan->empty) *plan = ReadPlan{};
    return true;
  }

  // Whether this direction must see its bytes: the capture reports each read with a preview and
  // its descriptors' files, `chunk` re-splits the bytes and `corrupt` flips one.
  bool NeedsBytes() const { return proxy.capture || faults.chunkMin > 0 || !faults.corruptAt.empty(); }

  // The zero-copy path's read goes on: counted as a copied read is, held by `delay` as one (the
  // faults that need no bytes; `stall` and `reset` act before each read on both paths), then
  // written from the pipe: 0, kStopped, or -errno of the write.
  int ForwardSpliced(SplicePath& path) {
    uint64_t offset = Account(path.held());
    proxy.stats.zeroCopy[dir] += path.held();
    uint64_t number = ++messages;
    if (!faults.delayPerChunk && DelaySelected(number, offset) && !Delay(rng, number, offset)) return kStopped;
    size_t size = path.held();
    for (;;) {
      ssize_t result = path.Give(dst);
      delivered = size - path.held();
      if (result == 0) return 0;
      if (result == -EINTR) continue;
      if (!IsBackpressure(static_cast<int>(-result))) return static_cast<int>(result);
      // A waiting write whose slice passed (or, where sends do not wait, a full receiver).
      if (proxy.stopping.load() || conn.aborted.load()) return kStopped;
      if (!waits) {
        int waited = WaitOn(proxy, &conn, dst, POLLOUT, kPollSliceMs);
        if (waited == kStopped || waited < 0) return waited;
      }
    }
  }
};

// ---- connections -----------------------------------------------------------------------------

void FinishConn(Proxy& proxy, Conn& conn) {
  if (--conn.running > 0) return;
  // The last direction out closes: neither reads any more, so bytes a side sent and the proxy did
  // not take stay queued, and Linux gives that side ECONNRESET (an abort) instead of EOF.
  if (conn.client >= 0 && proxy.type != SOCK_DGRAM) close(conn.client);
  if (conn.server >= 0) close(conn.server);
  conn.client = conn.server = -1;
  Event event;
  event.ev = conn.resetting ? "reset" : "close";
  event.conn = conn.id;
  proxy.Emit(std::move(event));
  conn.finished = true;
}

void RunDirection(Proxy* proxy, std::shared_ptr<Conn> conn, int dir) {
  int src = dir == kClientToServer ? (proxy->type == SOCK_DGRAM ? -1 : conn->client) : conn->server;
  int dst = dir == kClientToServer ? conn->server : (proxy->type == SOCK_DGRAM ? proxy->listenFd : conn->client);
  // The message types read into their batch's slots (RunMessages), a stream into the pump's buffer.
  Pump pump(*proxy, *conn, dir, src, dst, proxy->type == SOCK_STREAM ? kBufferBytes : 0);
  pump.waits = dir == kClientToServer ? conn->serverWaits : (proxy->type == SOCK_DGRAM ? proxy->listenWaits : conn->clientWaits);
  if (proxy->type == SOCK_DGRAM) {
    FillAddress(reinterpret_cast<const uint8_t*>(conn->clientAddress.data()), conn->clientAddress.size(), &pump.to, &pump.toLength);
    pump.useTo = true;
  }
  pump.Run();
  pump.Summarize();
  FinishConn(*proxy, *conn);
}

// Connects a socket of the proxy's type to the upstream path: 0 or -errno.
int ConnectUpstream(Proxy& proxy, Conn* conn, int fd) {
  sockaddr_un address;
  socklen_t length;
  int result = FillAddress(reinterpret_cast<const uint8_t*>(proxy.connectPath.data()), proxy.connectPath.size(), &address, &length);
  if (result < 0) return result;
  int attempts = 0;
  for (;;) {
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), length) == 0) return 0;
    int error = errno;
    if (error == EINTR) continue;
    if (error == EISCONN) return 0;
    if (error == EINPROGRESS || error == EALREADY) {
      int waited = WaitOn(proxy, conn, fd, POLLOUT, -1);
      if (waited == kStopped) return -ECANCELED;
      return PendingSocketError(fd);
    }
    // Linux: the listener's backlog is full; it takes the next one when it accepts.
    if (error != EAGAIN) return -error;
    if (proxy.stopping.load()) return -ECANCELED;
    BackOff(attempts++);
  }
}

void Opened(Proxy& proxy, Conn& conn, int credentialsFd) {
  Event event;
  event.ev = "open";
  event.conn = conn.id;
  event.address = proxy.type == SOCK_DGRAM ? conn.clientAddress : std::string();
  PeerCredentials credentials;
  if (credentialsFd >= 0 && ReadPeerCredentials(credentialsFd, &credentials) == 0) {
    event.pid = credentials.pid;
    event.uid = static_cast<int>(credentials.uid);
    event.gid = static_cast<int>(credentials.gid);
    if (credentials.pid > 0) event.pgid = static_cast<int>(getpgid(credentials.pid));
  }
  event.detail = conn.proxyPath;
  proxy.Emit(std::move(event));
}

// Stream/seqpacket: the client→server thread first connects upstream, then starts the other one.
void RunStreamConn(Proxy* proxy, std::shared_ptr<Conn> conn) {
  int fd = OpenSocket(proxy->type);
  int result = fd < 0 ? fd : ConnectUpstream(*proxy, conn.get(), fd);
  if (result < 0) {
    if (fd >= 0) close(fd);
    Event event;
    event.ev = "error";
    event.conn = conn->id;
    event.error = result;
    event.detail = "connect " + proxy->connectPath;
    proxy->Emit(std::move(event));
    conn->running = 1;
    FinishConn(*proxy, *conn);
    return;
  }
  conn->server = fd;
  // After the connect (a blocking AF_UNIX connect would wait for the listener's backlog).
  conn->serverWaits = SendsWait(fd);
  conn->clientWaits = SendsWait(conn->client);
  conn->running = 2;
  Opened(*proxy, *conn, conn->client);
  conn->threads[1] = std::thread(RunDirection, proxy, conn, kServerToClient);
  RunDirection(proxy, conn, kClientToServer);
}

void Reap(Proxy& proxy, bool all) {
  std::vector<std::shared_ptr<Conn>> done;
  {
    std::lock_guard<std::mutex> lock(proxy.connMutex);
    auto it = proxy.conns.begin();
    while (it != proxy.conns.end()) {
      if (all || (*it)->finished.load()) {
        done.push_back(*it);
        it = proxy.conns.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Every connection is told first, then joined: a send waiting in the kernel notices within a
  // slice (SendsWait), and the slices run side by side rather than one connection after another.
  if (all)
    for (auto& conn : done) conn->Abort();
  for (auto& conn : done) {
    if (conn->threads[0].joinable()) conn->threads[0].join();
    if (conn->threads[1].joinable()) conn->threads[1].join();
    ClosePipe(conn->abortPipe);
  }
}

std::shared_ptr<Conn> NewConn(Proxy& proxy) {
  auto conn = std::make_shared<Conn>();
  if (MakePipe(conn->abortPipe) < 0) return nullptr;
  conn->id = proxy.nextConn++;
  conn->openNs = NowNs();
  proxy.stats.connections++;
  return conn;
}

void AcceptLoop(Proxy& proxy) {
  for (;;) {
    int waited = WaitOn(proxy, nullptr, proxy.listenFd, POLLIN, 1000);
    if (waited == kStopped) return;
    Reap(proxy, false);
    if (waited <= 0) continue;
    int fd = AcceptConnection(proxy.listenFd);
    if (fd < 0) {
      if (fd == -EAGAIN || fd == -EWOULDBLOCK || fd == -EINTR || fd == -ECONNABORTED) continue;
      Event event;
      event.ev = "error";
      event.error = fd;
      event.detail = "accept";
      proxy.Emit(std::move(event));
      // EMFILE and the like: wait a little rather than spin on a listener that stays readable.
      if (!Pause(proxy, nullptr, 50)) return;
      continue;
    }
    auto conn = NewConn(proxy);
    if (!conn) {
      close(fd);
      continue;
    }
    conn->client = fd;
    {
      std::lock_guard<std::mutex> lock(proxy.connMutex);
      proxy.conns.push_back(conn);
    }
    conn->threads[0] = std::thread(RunStreamConn, &proxy, conn);
  }
}

// Datagram: each client address gets its own socket, bound in the proxy's directory and
// connected upstream, so the server tells clients apart and its replies find their way back.
std::shared_ptr<Conn> DatagramClient(Proxy& proxy, const std::string& from) {
  auto found = proxy.byAddress.find(from);
  if (found != proxy.byAddress.end()) return found->second;
  // Numbered and counted only once it is set up (this loop is the only one that makes them): a
  // client whose datagrams find no server is no connection, and its next attempt takes the same
  // number, so `connections` and the `open` events agree.
  auto conn = std::make_shared<Conn>();
  if (MakePipe(conn->abortPipe) < 0) return nullptr;
  conn->id = proxy.nextConn;
  conn->clientAddress = from;
  int fd = OpenSocket(SOCK_DGRAM);
  int result = fd < 0 ? fd : 0;
  if (!from.empty()) {
    if (proxy.tempDir.empty()) {
      std::string dir = proxy.listenPath.substr(0, proxy.listenPath.rfind('/') + 1);
      std::string pattern = (dir.empty() ? std::string("./") : dir) + ".udsproxy-XXXXXX";
      std::vector<char> name(pattern.begin(), pattern.end());
      name.push_back(0);
      if (mkdtemp(name.data()) == nullptr) result = -errno;
      else proxy.tempDir = name.data();
    }
    if (result == 0) {
      conn->proxyPath = proxy.tempDir + "/c" + std::to_string(conn->id);
      sockaddr_un address;
      socklen_t length;
      result = FillAddress(reinterpret_cast<const uint8_t*>(conn->proxyPath.data()), conn->proxyPath.size(), &address, &length);
      if (result == 0 && bind(fd, reinterpret_cast<sockaddr*>(&address), length) < 0) result = -errno;
    }
  }
  if (result == 0) result = ConnectUpstream(proxy, nullptr, fd);
  if (result < 0) {
    if (fd >= 0) close(fd);
    if (!conn->proxyPath.empty()) unlink(conn->proxyPath.c_str());
    ClosePipe(conn->abortPipe);
    Event event;
    event.ev = "error";
    event.error = result;
    event.address = from;
    event.detail = "connect " + proxy.connectPath;
    proxy.Emit(std::move(event));
    return nullptr;
  }
  conn->server = fd;
  conn->serverWaits = SendsWait(fd);
  conn->running = 1;
  conn->openNs = NowNs();
  proxy.nextConn++;
  proxy.stats.connections++;
  proxy.byAddress[from] = conn;
  {
    std::lock_guard<std::mutex> lock(proxy.connMutex);
    proxy.conns.push_back(conn);
  }
  Opened(proxy, *conn, -1);
  if (!from.empty()) conn->threads[1] = std::thread(RunDirection, &proxy, conn, kServerToClient);
  else conn->running = 0;
  return conn;
}

// `reorder` in the datagram loop: a client's held message goes alone once it has waited
// kReorderIdleMs with no next one of that client's, however busy the other clients keep the loop
// (waiting for the listening socket to fall idle held it for as long as any client sent, and an
// end of the proxy then closed it unsent). Released into the loop's outbox; returns the ms until
// the next held message is due, or -1 when none is held.
int ReleaseDue(std::map<uint64_t, std::unique_ptr<Pump>>& pumps) {
  uint64_t now = NowNs();
  int next = -1;
  for (auto& entry : pumps) {
    Pump& pump = *entry.second;
    if (!pump.held) continue;
    uint64_t due = pump.heldNs + static_cast<uint64_t>(kReorderIdleMs) * 1000000ull;
    if (now >= due) {
      pump.Release();
      continue;
    }
    int ms = static_cast<int>((due - now) / 1000000ull) + 1;
    if (next < 0 || ms < next) next = ms;
  }
  return next;
}

// Datagrams from the clients: one thread reads the listening socket in batches (ReceiveBatch),
// finds each datagram's client (its own upstream socket, made on its first datagram), forwards it
// with the client's pump (faults by the client's message numbers) into one outbox, and sends the
// batch: each client's run of datagrams in one sendmmsg.
void DatagramLoop(Proxy& proxy) {
  std::map<uint64_t, std::unique_ptr<Pump>> pumps;
  std::vector<Slot> slots(kBatch);
  mmsghdr headers[kBatch];
  Outbox box(proxy);
  std::string lastAddress;
  std::shared_ptr<Conn> lastConn;
  const Faults& faults = proxy.faults[kClientToServer];
  // With a `stall` declared, one datagram per read: the pause falls on its exact message, and what
  // the clients send meanwhile stays in the socket, so they meet the backpressure.
  unsigned want = faults.stall ? 1 : kBatch;
  for (;;) {
    int count = ReceiveBatch(proxy.listenFd, slots, headers, want);
    if (count < 0) {
      int error = -count;
      if (error == EINTR) continue;
      if (!IsBackpressure(error)) {
        Event event;
        event.ev = "error";
        event.error = -error;
        event.detail = "recvmsg";
        proxy.Emit(std::move(event));
        if (!Pause(proxy, nullptr, 50)) return;
        continue;
      }
      // A message held by `reorder` goes alone when its time is up (ReleaseDue); until the next
      // one is due, wait for datagrams. Datagrams still queued for a server (released ones too):
      // wait for its room as well, and send what it takes.
      int due = ReleaseDue(pumps);
      Conn* next = box.entries.empty() ? nullptr : box.entries.front().conn;
      int waited = WaitOn(proxy, next, proxy.listenFd, POLLIN, due, box.NextFd(), POLLOUT);
      if (waited == kStopped) return;
      if (next != nullptr) {
        if (box.Push() == kStopped) return;
        box.TakeError();
      }
      continue;
    }
    for (int i = 0; i < count; i++) {
      msghdr& message = headers[i].msg_hdr;
      Slot& slot = slots[i];
      std::vector<int> fds;
      bool cut = slot.control.Take(&message, &fds);
      proxy.stats.fdsReceived += fds.size();
      const char* bytes;
      size_t length = AddressBytes(slot.from, message.msg_namelen, &bytes);
      std::shared_ptr<Conn> conn;
      if (lastConn && length == lastAddress.size() && memcmp(bytes, lastAddress.data(), length) == 0) {
        conn = lastConn;
      } else {
        lastAddress.assign(bytes, length);
        conn = lastConn = DatagramClient(proxy, lastAddress);
      }
      if (!conn) {
        for (int fd : fds) close(fd);
        proxy.stats.fdsClosed += fds.size();
        continue;
      }
      auto& pump = pumps[conn->id];
      if (!pump) {
        pump.reset(new Pump(proxy, *conn, kClientToServer, proxy.listenFd, conn->server, 0));  // reads go to the batch's slots
        pump->outbox = &box;
        pump->waits = conn->serverWaits;
      }
      // `stall` on datagrams from the clients: this loop stops reading (for every client) once the
      // direction has carried `after` bytes, as a pump's Run() does on the other types.
      if (faults.stall && !pump->stalled && pump->bytes >= faults.stallAfterBytes) {
        pump->stalled = true;
        pump->Fault("stall", pump->messages + 1, pump->bytes, "not reading for " + std::to_string(faults.stallForMs) + " ms");
        if (box.Flush() == kStopped || !Pause(proxy, nullptr, faults.stallForMs)) {
          for (int fd : fds) close(fd);
          proxy.stats.fdsClosed += fds.size();
          DiscardRest(proxy, slots, headers, i + 1, count);
          return;
        }
      }
      Message m;
      m.data = slot.buffer.get();
      m.size = headers[i].msg_len;
      m.fds = std::move(fds);
      m.number = ++pump->messages;
      if (cut) pump->Fault("truncated", m.number, pump->bytes, "control data cut (MSG_CTRUNC)");
      if (message.msg_flags & MSG_TRUNC) pump->Fault("truncated", m.number, pump->bytes, "datagram larger than the proxy's buffer, cut");
      if (pump->Forward(m) == kStopped) {
        DiscardRest(proxy, slots, headers, i + 1, count);
        return;
      }
    }
    ReleaseDue(pumps);
    // A datagram the server's socket refused is reported (an error event) and the next ones are
    // tried as they come: the server may be back. What a server has no room for stays queued while
    // the loop reads on, up to a bound.
    bool full = box.entries.size() > kPendingMessages || box.ownedBytes > kPendingBytes;
    if ((full ? box.Flush() : box.Push()) == kStopped) return;
    box.TakeError();
  }
}

void Cleanup(Proxy& proxy) {
  Reap(proxy, true);
  for (auto& entry : proxy.byAddress)
    if (!entry.second->proxyPath.empty()) unlink(entry.second->proxyPath.c_str());
  // An unnamed client's socket has no reply thread to close it (nothing can be sent back to it):
  // closed here, with the `close` event its `open` had promised.
  for (auto& entry : proxy.byAddress) {
    Conn& conn = *entry.second;
    if (conn.server >= 0) close(conn.server);
    conn.server = -1;
    if (conn.finished.exchange(true)) continue;
    Event event;
    event.ev = "close";
    event.conn = conn.id;
    proxy.Emit(std::move(event));
  }
  proxy.byAddress.clear();
  if (!proxy.tempDir.empty()) rmdir(proxy.tempDir.c_str());
  close(proxy.listenFd);
  proxy.listenFd = -1;
  // Only the socket file this proxy bound: a file put there since (same name, other inode) stays.
  struct stat st;
  bool removed = false;
  if (lstat(proxy.listenPath.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == proxy.listenDev && st.st_ino == proxy.listenIno)
    removed = unlink(proxy.listenPath.c_str()) == 0;
  // Every thread that polled the stop pipe has been joined, and Stop() never writes once stopping
  // is set: the pipe closes here, before `stopped` is reported, so a caller that counts its
  // descriptors when stop() resolves finds them all closed.
  proxy.stopping = true;
  ClosePipe(proxy.stopPipe);
  Event event;
  event.ev = "stopped";
  event.detail = removed ? "removed" : "";
  proxy.Emit(std::move(event));
}

void Main(Proxy* proxy) {
  if (proxy->type == SOCK_DGRAM) DatagramLoop(*proxy);
  else AcceptLoop(*proxy);
  Cleanup(*proxy);
  napi_release_threadsafe_function(proxy->tsfn, napi_tsfn_release);
}

// ---- JavaScript face -------------------------------------------------------------------------

Napi::Object ToJs(Napi::Env env, const Event& event) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("t", Napi::Number::New(env, static_cast<double>(event.t)));
  object.Set("ev", Napi::String::New(env, event.ev));
  if (event.conn > 0) object.Set("conn", Num(env, event.conn));
  if (event.dir >= 0) object.Set("dir", Napi::String::New(env, event.dir == kClientToServer ? "c2s" : "s2c"));
  if (event.message > 0) object.Set("message", Num(env, event.message));
  if (strcmp(event.ev, "data") == 0) {
    object.Set("bytes", Num(env, event.bytes));
    object.Set("preview", Napi::Buffer<char>::Copy(env, event.preview.data(), event.preview.size()));
  }
  if (event.delivered >= 0) {
    object.Set("bytes", Num(env, event.bytes));
    object.Set("delivered", Num(env, static_cast<uint64_t>(event.delivered)));
  }
  if (!event.fds.empty()) {
    Napi::Array fds = Napi::Array::New(env, event.fds.size());
    for (size_t i = 0; i < event.fds.size(); i++) {
      Napi::Object fd = Napi::Object::New(env);
      fd.Set("mode", Num(env, event.fds[i].mode));
      fd.Set("dev", Num(env, event.fds[i].dev));
      fd.Set("ino", Num(env, event.fds[i].ino));
      fds.Set(i, fd);
    }
    object.Set("fds", fds);
  }
  if (event.fault != nullptr) {
    object.Set("fault", Napi::String::New(env, event.fault));
    object.Set("offset", Num(env, event.offset));
    if (event.count != 1) object.Set("count", Num(env, event.count));
  }
  if (!event.detail.empty()) object.Set("detail", Napi::String::New(env, event.detail));
  if (event.error != 0) object.Set("errno", Napi::Number::New(env, event.error));
  if (event.pid >= 0) {
    object.Set("pid", Napi::Number::New(env, event.pid));
    object.Set("uid", Napi::Number::New(env, event.uid));
    object.Set("gid", Napi::Number::New(env, event.gid));
    if (event.pgid > 0) object.Set("pgid", Napi::Number::New(env, event.pgid));
  }
  if (!event.address.empty()) object.Set("address", Napi::Buffer<char>::Copy(env, event.address.data(), event.address.size()));
  return object;
}

Napi::Object StatsToJs(Napi::Env env, Stats& stats) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("connections", Num(env, stats.connections));
  object.Set("messagesC2s", Num(env, stats.messages[0]));
  object.Set("messagesS2c", Num(env, stats.messages[1]));
  object.Set("bytesC2s", Num(env, stats.bytes[0]));
  object.Set("bytesS2c", Num(env, stats.bytes[1]));
  object.Set("zeroCopyC2s", Num(env, stats.zeroCopy[0]));
  object.Set("zeroCopyS2c", Num(env, stats.zeroCopy[1]));
  object.Set("fdsReceived", Num(env, stats.fdsReceived));
  object.Set("fdsForwarded", Num(env, stats.fdsForwarded));
  object.Set("fdsClosed", Num(env, stats.fdsClosed));
  object.Set("faults", Num(env, stats.faults));
  return object;
}

void Deliver(Napi::Env env, Napi::Function callback, Proxy* proxy, void*) {
  if (env == nullptr) return;
  proxy->posted = false;
  std::vector<Event> batch;
  {
    std::lock_guard<std::mutex> lock(proxy->eventMutex);
    batch.swap(proxy->events);
  }
  if (batch.empty()) return;
  Napi::HandleScope scope(env);
  Napi::Array list = Napi::Array::New(env, batch.size());
  for (size_t i = 0; i < batch.size(); i++) {
    Napi::Object object = ToJs(env, batch[i]);
    if (strcmp(batch[i].ev, "stopped") == 0) object.Set("stats", StatsToJs(env, proxy->stats));
    list.Set(i, object);
  }
  callback.Call({list});
}

using EventFunction = Napi::TypedThreadSafeFunction<Proxy, void, Deliver>;

struct Holder {
  std::shared_ptr<Proxy> proxy;
  EventFunction tsfn;
};

// The environment goes away with the proxy still running (worker exit, process exit): stop it
// and wait, so its threads never outlive the addon and its socket file is removed.
void StopOnTeardown(void* data) {
  auto* holder = static_cast<Holder*>(data);
  holder->proxy->hookRemoved = true;
  holder->proxy->Stop();
  holder->proxy->Join();
}

Napi::Value Fail(Napi::Env env, int error) { return Napi::Number::New(env, error); }

// startProxy(options, onEvents) → { stop(), stats() } or -errno. options: { type, listen, connect
// (Buffers), seed, capture, previewBytes, c2s, s2c } (src/proxy/native.ts fills them).
Napi::Value StartProxy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object options = info[0].As<Napi::Object>();
  auto proxy = std::make_shared<Proxy>();
  proxy->type = options.Get("type").As<Napi::Number>().Int32Value();
  Napi::Buffer<char> listenAt = options.Get("listen").As<Napi::Buffer<char>>();
  Napi::Buffer<char> upstream = options.Get("connect").As<Napi::Buffer<char>>();
  proxy->listenPath.assign(listenAt.Data(), listenAt.Length());
  proxy->connectPath.assign(upstream.Data(), upstream.Length());
  proxy->seed = U64Of(options, "seed", 0);
  proxy->capture = options.Get("capture").ToBoolean().Value();
  proxy->previewBytes = static_cast<size_t>(U64Of(options, "previewBytes", 64));
  proxy->faults[kClientToServer] = ReadFaults(options, "c2s");
  proxy->faults[kServerToClient] = ReadFaults(options, "s2c");
  if (env.IsExceptionPending()) return env.Undefined();

  sockaddr_un address;
  socklen_t length;
  int result = FillAddress(reinterpret_cast<const uint8_t*>(listenAt.Data()), listenAt.Length(), &address, &length);
  if (result < 0) return Fail(env, result);
  int fd = OpenSocket(proxy->type);
  if (fd < 0) return Fail(env, fd);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), length) < 0) {
    int error = -errno;
    close(fd);
    return Fail(env, error);
  }
  struct stat st;
  if (stat(proxy->listenPath.c_str(), &st) == 0) {
    proxy->listenDev = st.st_dev;
    proxy->listenIno = st.st_ino;
  }
  if (proxy->type != SOCK_DGRAM && listen(fd, 128) < 0) {
    int error = -errno;
    close(fd);
    unlink(proxy->listenPath.c_str());
    return Fail(env, error);
  }
  proxy->listenFd = fd;
  // A datagram listener only reads (MSG_DONTWAIT) and sends replies; a stream listener accepts,
  // which must not wait, and keeps O_NONBLOCK.
  if (proxy->type == SOCK_DGRAM) proxy->listenWaits = SendsWait(fd);
  if ((result = MakePipe(proxy->stopPipe)) < 0) {
    close(fd);
    unlink(proxy->listenPath.c_str());
    return Fail(env, result);
  }

  auto* holder = new Holder{proxy, EventFunction()};
  holder->tsfn = EventFunction::New(env, info[1].As<Napi::Function>(), "uds-fixture:proxy", 0, 1, proxy.get(), [](Napi::Env finalEnv, Holder* data, Proxy*) {
    // Every queued batch has been delivered and the main thread has released: join it and let go.
    data->proxy->Join();
    if (!data->proxy->hookRemoved) napi_remove_env_cleanup_hook(finalEnv, StopOnTeardown, data);
    ClosePipe(data->proxy->stopPipe);
    delete data;
  }, holder);
  napi_add_env_cleanup_hook(env, StopOnTeardown, holder);
  // The threads post (Emit) and release (Main) through the raw handle; Deliver drains the queue.
  proxy->tsfn = static_cast<napi_threadsafe_function>(holder->tsfn);
  proxy->main = std::thread(Main, proxy.get());

  Napi::Object handle = Napi::Object::New(env);
  handle.Set("stop", Napi::Function::New(env, [proxy](const Napi::CallbackInfo&) { proxy->Stop(); }, "stop"));
  handle.Set("stats", Napi::Function::New(env, [proxy](const Napi::CallbackInfo& call) -> Napi::Value { return StatsToJs(call.Env(), proxy->stats); }, "stats"));
  return handle;
}

}  // namespace

void InitProxy(Napi::Env env, Napi::Object exports) { exports.Set("startProxy", Napi::Function::New<StartProxy>(env, "startProxy")); }

}  // namespace uds
