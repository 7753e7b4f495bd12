// The one-shot readiness waiter behind waitReadable()/waitWritable(): TypeScript retries its
// syscall when called back, so the queueing and error building stay on that side.
#pragma once

#include <napi.h>

#include "io_operation.h"

namespace uds {

class JsWaiter : public IoOperation {
 public:
  explicit JsWaiter(Napi::Function callback) : callback_(Napi::Persistent(callback)) {}

  bool OnReady(NativeSocket& socket, int status) override;
  // TypeScript rejects its own pending operations on close, so nothing is called here.
  void Cancel(bool) override { callback_.Reset(); }

 private:
  Napi::FunctionReference callback_;
};

}  // namespace uds
