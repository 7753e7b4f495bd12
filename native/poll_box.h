// The uv_poll_t of a socket lives in its own allocation: libuv finishes closing a handle on a
// later loop turn, by which time the socket object (and during teardown the whole environment
// state) may be gone.
#pragma once

#include <node_api.h>
#include <uv.h>

namespace uds {

class NativeSocket;

// Counts the poll handles still closing while the environment is torn down; the async cleanup
// hook is removed (letting the environment finish) when the last one has closed.
struct TeardownTracker {
  napi_async_cleanup_hook_handle hook;
  int pending;

  static void Release(TeardownTracker* tracker) {
    if (--tracker->pending > 0) return;
    napi_remove_async_cleanup_hook(tracker->hook);
    delete tracker;
  }
};

struct PollBox {
  uv_poll_t handle;
  NativeSocket* owner = nullptr;
  TeardownTracker* tracker = nullptr;
};

inline void ClosePollBox(PollBox* box) {
  box->owner = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&box->handle), [](uv_handle_t* handle) {
    PollBox* closed = static_cast<PollBox*>(handle->data);
    if (closed->tracker != nullptr) TeardownTracker::Release(closed->tracker);
    delete closed;
  });
}

}  // namespace uds
