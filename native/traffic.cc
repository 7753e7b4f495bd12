// The sequence traffic engine's JavaScript entry points: each reads its arguments (js_args.h:
// a value native code cannot represent is a RangeError, not undefined behaviour) and starts the
// sender (traffic_send.cc) or the receiver (traffic_receive.cc, judging with tally.cc) on a
// thread of its own. TypeScript (src/traffic) validates and fills defaults before calling.
#include <errno.h>
#include <sys/socket.h>

#include <algorithm>
#include <unordered_set>

#include "js_args.h"
#include "tally.h"
#include "traffic.h"
#include "traffic_api.h"
#include "traffic_receive.h"
#include "traffic_send.h"
#include "traffic_worker.h"

namespace uds {

namespace {

bool ReadType(const Napi::Object& options, int* type) {
  uint64_t value = 0;
  if (!ReadWhole(options, "type", SOCK_STREAM, INT32_MAX, &value)) return false;
  *type = static_cast<int>(value);
  return true;
}

// A frame size: any whole number is accepted, and clamped to the frame limits the receiver
// uses too (a length beyond UDS_FRAME_MAX_BYTES is lost framing to every receiver).
bool ReadFrameSize(const Napi::Object& options, const char* key, uint64_t fallback, uint32_t* out) {
  uint64_t value = 0;
  if (!ReadWhole(options, key, fallback, kMaxSafeInteger, &value)) return false;
  *out = static_cast<uint32_t>(std::clamp<uint64_t>(value, UDS_FRAME_HEADER_BYTES, UDS_FRAME_MAX_BYTES));
  return true;
}

bool ReadSeqs(const Napi::Object& object, const char* key, std::unordered_set<uint64_t>* out) {
  Napi::Value value = object.Get(key);
  if (!value.IsArray()) return true;
  Napi::Array list = value.As<Napi::Array>();
  for (uint32_t i = 0; i < list.Length(); i++) {
    uint64_t seq = 0;
    if (!ReadWholeArg(list.Get(i), key, kMaxSafeInteger, &seq)) return false;
    out->insert(seq);
  }
  return true;
}

bool ReadInjection(const Napi::Object& options, Injection* out) {
  Napi::Value inject = options.Get("inject");
  if (!inject.IsObject()) return true;
  Napi::Object object = inject.As<Napi::Object>();
  if (!ReadSeqs(object, "drop", &out->drop) || !ReadSeqs(object, "dup", &out->duplicate) || !ReadSeqs(object, "corrupt", &out->corrupt)) return false;
  Napi::Value swap = object.Get("swap");
  if (!swap.IsArray()) return true;
  Napi::Array pairs = swap.As<Napi::Array>();
  for (uint32_t i = 0; i + 1 < pairs.Length(); i += 2) {
    uint64_t a = 0, b = 0;
    if (!ReadWholeArg(pairs.Get(i), "swap", kMaxSafeInteger, &a) || !ReadWholeArg(pairs.Get(i + 1), "swap", kMaxSafeInteger, &b)) return false;
    out->swapFirst[a] = b;
    out->swapSecond.insert(b);
  }
  return true;
}

bool ReadFd(const Napi::Value& value, int* fd) {
  uint64_t number = 0;
  if (!ReadWholeArg(value, "fd", INT32_MAX, &number)) return false;
  *fd = static_cast<int>(number);
  return true;
}

// trafficSend(fd, spec, callback): a handle, or -errno when the descriptor cannot be used.
Napi::Value TrafficSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = -1;
  if (!ReadFd(info[0], &fd)) return env.Undefined();
  Napi::Object options = info[1].As<Napi::Object>();
  SendSpec spec;
  uint64_t sender = 0;
  if (!ReadType(options, &spec.type) || !ReadWhole(options, "sender", 0, UINT32_MAX, &sender) || !ReadWhole(options, "count", 0, kMaxSafeInteger, &spec.count) ||
      !ReadFrameSize(options, "minSize", UDS_FRAME_HEADER_BYTES, &spec.minSize) || !ReadFrameSize(options, "maxSize", UDS_FRAME_HEADER_BYTES, &spec.maxSize) ||
      !ReadInjection(options, &spec.inject)) {
    return env.Undefined();
  }
  spec.sender = static_cast<uint32_t>(sender);
  if (spec.maxSize < spec.minSize) spec.maxSize = spec.minSize;
  Napi::Value id = options.Get("id");
  if (id.IsBuffer()) spec.id.assign(id.As<Napi::Buffer<char>>().Data(), id.As<Napi::Buffer<char>>().Length());
  int result = ReadDestination(options, &spec.to);
  if (result < 0) return Napi::Number::New(env, result);
  return StartSend(info, fd, std::move(spec));
}

// trafficReceive(fd, spec, callback): a handle, or -errno.
Napi::Value TrafficReceive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fd = -1;
  if (!ReadFd(info[0], &fd)) return env.Undefined();
  Napi::Object options = info[1].As<Napi::Object>();
  ReceiveSpec spec;
  uint64_t maxSize = 0;
  if (!ReadType(options, &spec.type) || !ReadWhole(options, "count", 0, kMaxSafeInteger, &spec.count) || !ReadWhole(options, "maxSize", 65536, kMaxSafeInteger, &maxSize) ||
      !ReadWhole(options, "listArrivals", 0, kMaxSafeInteger, &spec.listArrivals)) {
    return env.Undefined();
  }
  spec.maxSize = static_cast<uint32_t>(std::min<uint64_t>(maxSize, UDS_FRAME_MAX_BYTES));
  spec.listArrivals = std::min(spec.listArrivals, kMaxArrivalsListed);
  // More connections to read in the same run: each gets the worker's own duplicate, like the first.
  ExtraSockets extra;
  Napi::Value more = options.Get("more");
  if (more.IsArray()) {
    Napi::Array list = more.As<Napi::Array>();
    for (uint32_t i = 0; i < list.Length(); i++) {
      ExtraSocket e;
      if (!ReadFd(list.Get(i), &e.origin)) return env.Undefined();
      e.fd = DuplicateFor(e.origin, &e.identity);
      if (e.fd < 0) return Napi::Number::New(env, e.fd);
      extra.Add(e);
    }
  }
  return StartReceive(info, fd, spec, std::move(extra));
}

// trafficFrame(sender, seq, size, sentNs): one data frame, as the engine builds it (tests use it
// to hold the TypeScript reference codec to the same bytes).
Napi::Value TrafficFrame(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  uint64_t sender = 0, seq = 0, size = 0, sentNs = 0;
  if (!ReadWholeArg(info[0], "sender", UINT32_MAX, &sender) || !ReadWholeArg(info[1], "seq", kMaxSafeInteger, &seq) ||
      !ReadWholeArg(info[2], "size", kMaxSafeInteger, &size) || !ReadWholeArg(info[3], "sentNs", kMaxSafeInteger, &sentNs)) {
    return env.Undefined();
  }
  if (size > UDS_FRAME_MAX_BYTES) return Napi::Number::New(env, -EMSGSIZE);
  size = std::max<uint64_t>(size, UDS_FRAME_HEADER_BYTES);
  Napi::Buffer<uint8_t> frame = Napi::Buffer<uint8_t>::New(env, size);
  uds_encode_data(frame.Data(), static_cast<uint32_t>(sender), seq, static_cast<uint32_t>(size), sentNs);
  return frame;
}

}  // namespace

void InitTraffic(Napi::Env env, Napi::Object exports) {
  exports.Set("trafficSend", Napi::Function::New<TrafficSend>(env, "trafficSend"));
  exports.Set("trafficReceive", Napi::Function::New<TrafficReceive>(env, "trafficReceive"));
  exports.Set("trafficFrame", Napi::Function::New<TrafficFrame>(env, "trafficFrame"));
}

}  // namespace uds
