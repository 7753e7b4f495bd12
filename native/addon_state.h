// Per-environment state (N-API instance data): each main thread, worker thread and Jest worker
// that loads the addon gets its own loop, constructor and set of live sockets.
#pragma once

#include <napi.h>
#include <uv.h>

#include <unordered_set>

namespace uds {

class NativeSocket;

struct AddonState {
  uv_loop_t* loop = nullptr;
  Napi::FunctionReference socketConstructor;
  std::unordered_set<NativeSocket*> liveSockets;
  napi_async_cleanup_hook_handle cleanupHook = nullptr;
  bool tornDown = false;

  static AddonState* Get(Napi::Env env) { return env.GetInstanceData<AddonState>(); }
  // Creates the state for `env` and registers the cleanup hook that closes every socket still
  // open when the environment goes away (worker exit, process exit).
  static AddonState* Install(Napi::Env env);
};

}  // namespace uds
