// Scripted send/recv steps run natively (exchange.cc): the JavaScript face.
#pragma once

#include <napi.h>

namespace uds {

// Registers exchange on the addon's exports.
void InitExchange(Napi::Env env, Napi::Object exports);

}  // namespace uds
