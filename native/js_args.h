// Reading the engines' JavaScript arguments. TypeScript (src/traffic) validates every option
// before it crosses; these readers are the last guard for a direct caller of the addon, so a value
// native code cannot represent (negative, NaN, fractional, too large, not a number) is a RangeError
// naming the option, never a cast with undefined behaviour. Each returns false with the error
// pending; the entry point then returns undefined.
#pragma once

#include <napi.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstdint>

namespace uds {

// options[key] as a whole number in [0, max]; `fallback` when the key is absent (undefined).
bool ReadWhole(const Napi::Object& options, const char* key, uint64_t fallback, uint64_t max, uint64_t* out);
// A positional argument as a whole number in [0, max].
bool ReadWholeArg(const Napi::Value& value, const char* name, uint64_t max, uint64_t* out);

// An optional destination address: options.to as address bytes (src/socket/address.ts encodes
// them), or absent/null: 0, or -errno (-ENAMETOOLONG) from FillAddress.
struct Destination {
  bool has = false;
  sockaddr_un address{};
  socklen_t length = 0;
};
int ReadDestination(const Napi::Object& options, Destination* out);

// Largest whole number a JavaScript number holds exactly: 2^53 - 1.
constexpr uint64_t kMaxSafeInteger = (1ull << 53) - 1;

}  // namespace uds
