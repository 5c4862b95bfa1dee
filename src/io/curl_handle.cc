#include "io/curl_handle.h"

#include <mutex>

namespace wisp::io {

void curl_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CURL* curl_thread_handle() {
  curl_init_once();
  struct Handle {
    CURL* curl = curl_easy_init();
    ~Handle() {
      if (curl) curl_easy_cleanup(curl);
    }
  };
  thread_local Handle handle;
  if (handle.curl) curl_easy_reset(handle.curl);
  return handle.curl;
}

}  // namespace wisp::io
