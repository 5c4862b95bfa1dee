// What the two libcurl clients (io/http for repositories, registry/http for registries) share:
// global initialisation, one reusable easy handle per thread, and owners for libcurl's objects.
#pragma once

#include <curl/curl.h>

namespace wisp::io {

/// curl_global_init, once per process (before any other libcurl call).
void curl_init_once();

/// This thread's easy handle, reset for a new request. curl_easy_reset keeps the connection
/// and DNS caches, so a thread making many requests to one host reuses its connection.
/// Initialises libcurl on first use. Null only if libcurl cannot allocate a handle.
CURL* curl_thread_handle();

struct CurlStringFree {
  void operator()(char* p) const { curl_free(p); }
};
struct CurlUrlFree {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlSlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace wisp::io
