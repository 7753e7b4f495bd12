// The fault-injecting forwarding proxy: listens on one AF_UNIX path, connects each client to an
// upstream path, and forwards both directions on threads of its own (not the libuv pool: a proxy
// lives as long as a run, and would hold pool threads the traffic engines need). Faults are
// applied per direction in the forwarding loop; what crosses is reported to JavaScript in batches
// through one thread-safe function (see src/proxy/ for the options and events).
#pragma once

#include <napi.h>

namespace uds {

void InitProxy(Napi::Env env, Napi::Object exports);

}  // namespace uds
