// Bulk descriptor passing: the same descriptors sent with SCM_RIGHTS `repeat` times, and `repeat`
// messages received, each descriptor checked (fstat: kind, mode, device + inode) and closed at
// once, in a worker thread. JavaScript gets one summary instead of one promise per message.
#pragma once

#include <napi.h>

namespace uds {

// Registers fdSend and fdReceive on the addon's exports.
void InitFdTraffic(Napi::Env env, Napi::Object exports);

}  // namespace uds
