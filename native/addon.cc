// Module entry: creation of sockets (socket, socketpair, adoption of an inherited descriptor)
// and the constants TypeScript needs. Everything else is a method of NativeSocket.
#include <napi.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>

#include "addon_state.h"
#include "exchange.h"
#include "limits.h"
#include "fd_traffic.h"
#include "native_socket.h"
#include "proxy.h"
#include "sys.h"
#include "traffic_api.h"

namespace uds {

// native/limits.h states the sun_path size TypeScript checks paths against; the system headers
// have the last word.
#ifdef __APPLE__
static_assert(sizeof(sockaddr_un::sun_path) == UDS_LIMIT_SUN_PATH_BYTES_DARWIN, "native/limits.h: sun_path size on macOS");
#else
static_assert(sizeof(sockaddr_un::sun_path) == UDS_LIMIT_SUN_PATH_BYTES_LINUX, "native/limits.h: sun_path size on Linux");
#endif

namespace {

Napi::Value Number(Napi::Env env, int value) { return Napi::Number::New(env, value); }

Napi::Value CreateSocket(const Napi::CallbackInfo& info) {
  int fd = OpenSocket(info[0].As<Napi::Number>().Int32Value());
  if (fd < 0) return Number(info.Env(), fd);
  return NativeSocket::NewInstance(info.Env(), fd);
}

Napi::Value CreatePair(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fds[2];
  int result = OpenSocketPair(info[0].As<Napi::Number>().Int32Value(), fds);
  if (result < 0) return Number(env, result);
  Napi::Value first = NativeSocket::NewInstance(env, fds[0]);
  if (env.IsExceptionPending()) {
    close(fds[1]);
    return env.Undefined();
  }
  Napi::Value second = NativeSocket::NewInstance(env, fds[1]);
  if (env.IsExceptionPending()) return env.Undefined();
  Napi::Array pair = Napi::Array::New(env, 2);
  pair.Set(0u, first);
  pair.Set(1u, second);
  return pair;
}

// The caller keeps ownership when this fails; on success the new object owns the descriptor.
Napi::Value Adopt(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  int result = PrepareDescriptor(fd);
  if (result < 0) return Number(info.Env(), result);
  return NativeSocket::NewInstance(info.Env(), fd);
}

Napi::Value TypeOf(const Napi::CallbackInfo& info) {
  return Number(info.Env(), SocketTypeOf(info[0].As<Napi::Number>().Int32Value()));
}

// getpgid(2): which process group a pid belongs to, so that `expectPeer: { pid: <run: peer> }`
// can accept any process of the group the harness started (a wrapper script's child included).
Napi::Value ProcessGroupOf(const Napi::CallbackInfo& info) {
  pid_t group = getpgid(static_cast<pid_t>(info[0].As<Napi::Number>().Int32Value()));
  return Number(info.Env(), group < 0 ? -errno : static_cast<int>(group));
}

// SO_SNDBUF / SO_RCVBUF of a socket by descriptor: bufferSize(fd, send, bytes) sets it (bytes >= 0)
// and returns what the kernel set, or -errno.
Napi::Value BufferSize(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  bool send = info[1].As<Napi::Boolean>().Value();
  int bytes = info[2].As<Napi::Number>().Int32Value();
  return Number(info.Env(), SetBufferSize(fd, send, bytes));
}

Napi::Object Constants(Napi::Env env) {
  Napi::Object constants = Napi::Object::New(env);
  constants.Set("SOCK_STREAM", Number(env, SOCK_STREAM));
  constants.Set("SOCK_DGRAM", Number(env, SOCK_DGRAM));
  constants.Set("SOCK_SEQPACKET", Number(env, SOCK_SEQPACKET));
  constants.Set("SHUT_RD", Number(env, SHUT_RD));
  constants.Set("SHUT_WR", Number(env, SHUT_WR));
  constants.Set("SHUT_RDWR", Number(env, SHUT_RDWR));
  return constants;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  AddonState* state = AddonState::Install(env);
  if (state == nullptr) return exports;
  Napi::Function socketClass = NativeSocket::DefineClass(env);
  state->socketConstructor = Napi::Persistent(socketClass);
  exports.Set("socket", Napi::Function::New<CreateSocket>(env, "socket"));
  exports.Set("socketpair", Napi::Function::New<CreatePair>(env, "socketpair"));
  exports.Set("adopt", Napi::Function::New<Adopt>(env, "adopt"));
  exports.Set("socketTypeOf", Napi::Function::New<TypeOf>(env, "socketTypeOf"));
  exports.Set("processGroupOf", Napi::Function::New<ProcessGroupOf>(env, "processGroupOf"));
  exports.Set("bufferSize", Napi::Function::New<BufferSize>(env, "bufferSize"));
  exports.Set("constants", Constants(env));
  InitTraffic(env, exports);
  InitFdTraffic(env, exports);
  InitProxy(env, exports);
  InitExchange(env, exports);
  return exports;
}

}  // namespace

}  // namespace uds

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return uds::Init(env, exports); }

NODE_API_MODULE(uds_fixture, InitAddon)
