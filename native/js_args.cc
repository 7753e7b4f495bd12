#include "js_args.h"

#include <cmath>
#include <string>

#include "sys.h"

namespace uds {

namespace {

bool Whole(const Napi::Value& value, const char* name, uint64_t max, uint64_t* out) {
  double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : std::nan("");
  // Checked as a double first: converting NaN, a negative or a too large double to an integer is
  // undefined behaviour in C++.
  if (!(number >= 0) || number != std::floor(number) || number > static_cast<double>(max)) {
    std::string shown = value.IsNumber() ? value.ToString().Utf8Value() : std::string("a ") + (value.IsString() ? "string" : "non-number");
    Napi::RangeError::New(value.Env(), std::string("uds-fixture native: ") + name + " must be a whole number from 0 to " + std::to_string(max) + ", got " + shown)
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<uint64_t>(number);
  return true;
}

}  // namespace

bool ReadWhole(const Napi::Object& options, const char* key, uint64_t fallback, uint64_t max, uint64_t* out) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) {
    *out = fallback;
    return true;
  }
  return Whole(value, key, max, out);
}

bool ReadWholeArg(const Napi::Value& value, const char* name, uint64_t max, uint64_t* out) { return Whole(value, name, max, out); }

int ReadDestination(const Napi::Object& options, Destination* out) {
  Napi::Value to = options.Get("to");
  if (!to.IsBuffer()) return 0;
  auto bytes = to.As<Napi::Buffer<uint8_t>>();
  int result = FillAddress(bytes.Data(), bytes.Length(), &out->address, &out->length);
  if (result < 0) return result;
  out->has = true;
  return 0;
}

}  // namespace uds
