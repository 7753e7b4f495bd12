// The sequence traffic engine's JavaScript face (traffic.cc): argument parsing and start-up.
#pragma once

#include <napi.h>

namespace uds {

// Registers trafficSend, trafficReceive and trafficFrame on the addon's exports.
void InitTraffic(Napi::Env env, Napi::Object exports);

}  // namespace uds
