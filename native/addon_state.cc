#include "addon_state.h"

#include <vector>

#include "native_socket.h"
#include "poll_box.h"

namespace uds {

namespace {

// Runs when the environment (main thread, worker, Jest worker) is torn down: sockets still open
// are closed without calling JavaScript, and the environment waits for their poll handles.
void TearDown(napi_async_cleanup_hook_handle handle, void* data) {
  auto* state = static_cast<AddonState*>(data);
  state->tornDown = true;
  auto* tracker = new TeardownTracker{handle, 1};
  std::vector<NativeSocket*> sockets(state->liveSockets.begin(), state->liveSockets.end());
  state->liveSockets.clear();
  for (NativeSocket* socket : sockets) socket->CloseForTeardown(tracker);
  TeardownTracker::Release(tracker);
}

}  // namespace

AddonState* AddonState::Install(Napi::Env env) {
  auto* state = new AddonState();
  if (napi_get_uv_event_loop(env, &state->loop) != napi_ok) {
    delete state;
    Napi::Error::New(env, "uds-fixture: no event loop for this environment").ThrowAsJavaScriptException();
    return nullptr;
  }
  env.SetInstanceData<AddonState>(state);
  if (napi_add_async_cleanup_hook(env, TearDown, state, &state->cleanupHook) != napi_ok) {
    Napi::Error::New(env, "uds-fixture: cannot register the environment cleanup hook").ThrowAsJavaScriptException();
    return nullptr;
  }
  return state;
}

}  // namespace uds
