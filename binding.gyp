{
  # C++ exceptions stay off (node_addon_api = NAPI_DISABLE_CPP_EXCEPTIONS): failed syscalls are
  # values (-errno) that TypeScript turns into errors, and nothing may unwind through a libuv
  # callback. NAPI_VERSION 8 is the first with async environment cleanup hooks.
  "targets": [
    {
      "target_name": "uds_fixture",
      "sources": [
        "native/addon.cc",
        "native/addon_state.cc",
        "native/native_socket.cc",
        "native/sys.cc",
        "native/js_args.cc",
        "native/tally.cc",
        "native/traffic.cc",
        "native/traffic_receive.cc",
        "native/traffic_send.cc",
        "native/traffic_worker.cc",
        "native/fd_traffic.cc",
        "native/exchange.cc",
        "native/proxy.cc",
        "native/splice_path.cc",
        "native/stream_queue.cc"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra"],
      "xcode_settings": {
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0",
        "OTHER_CPLUSPLUSFLAGS": ["-Wall", "-Wextra"]
      }
    },
    {
      # Runs each peer so that it cannot outlive the harness (see native/supervise.c); lands at
      # build/Release/uds-fixture-supervise next to the addon.
      "target_name": "uds-fixture-supervise",
      "type": "executable",
      "sources": ["native/supervise.c"],
      "cflags": ["-Wall", "-Wextra", "-Werror"],
      "xcode_settings": {
        "MACOSX_DEPLOYMENT_TARGET": "11.0",
        "WARNING_CFLAGS": ["-Wall", "-Wextra", "-Werror"]
      }
    }
  ]
}
