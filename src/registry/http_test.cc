#include "registry/http.h"

#include <gtest/gtest.h>

#include "registry/errors.h"

namespace wisp::registry {
namespace {

TEST(Http, ResolvesLocations) {
  std::string base = "https://r.example:5000/v2/a/b/blobs/uploads/";
  EXPECT_EQ(*resolve_url(base, "/v2/a/b/blobs/uploads/u1?_state=x"), "https://r.example:5000/v2/a/b/blobs/uploads/u1?_state=x");
  EXPECT_EQ(*resolve_url(base, "u2"), "https://r.example:5000/v2/a/b/blobs/uploads/u2");
  EXPECT_EQ(*resolve_url(base, "https://cdn.example/blob?sig=1"), "https://cdn.example/blob?sig=1");
  EXPECT_FALSE(resolve_url("not a url", "x"));
}

TEST(Http, QueriesAndOrigins) {
  EXPECT_EQ(add_query("http://h/p", "digest", "sha256:ab"), "http://h/p?digest=sha256%3Aab");
  EXPECT_EQ(add_query("http://h/p?_state=1", "digest", "d"), "http://h/p?_state=1&digest=d");
  EXPECT_EQ(add_query("http://h/p?", "n", "2"), "http://h/p?n=2");
  EXPECT_EQ(add_query("http://h/p?a=1#frag", "b", "x y"), "http://h/p?a=1&b=x%20y");
  EXPECT_EQ(url_origin("HTTPS://Host:5000/v2/x?y"), "https://host:5000");
  EXPECT_EQ(url_origin("http://h"), "http://h");
  EXPECT_EQ(url_origin("/v2/"), "");
  EXPECT_EQ(url_encode("a-b_c.d~e/f:g"), "a-b_c.d~e%2Ff%3Ag");
  EXPECT_EQ(url_for_messages("http://h/v2/x/blobs/uploads/u1?_state=abc&digest=sha256%3Aab"),
            "http://h/v2/x/blobs/uploads/u1?digest=sha256%3Aab");
  EXPECT_EQ(url_for_messages("http://h/v2/x/blobs/uploads/u1?_state=abc"), "http://h/v2/x/blobs/uploads/u1");
}

TEST(Http, DescribesRegistryErrors) {
  Response r;
  r.status = 404;
  r.body = R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]})";
  EXPECT_EQ(describe_response(r), "HTTP 404: MANIFEST_UNKNOWN: manifest unknown");
  EXPECT_EQ(error_codes(r), "MANIFEST_UNKNOWN");
  EXPECT_EQ(response_error("GET x", r).code, Errc::not_found);
  r.status = 400;
  r.body = R"({"errors":[{"code":"DIGEST_INVALID","message":"digest mismatch"},{"code":"SIZE_INVALID"}]})";
  EXPECT_EQ(describe_response(r), "HTTP 400: DIGEST_INVALID: digest mismatch: SIZE_INVALID");
  EXPECT_EQ(response_error("PUT x", r).code, Errc::digest_mismatch);
  r.status = 502;
  r.body = "<html>\n<body>Bad Gateway</body>";
  EXPECT_EQ(describe_response(r), "HTTP 502: <html>");
  EXPECT_EQ(response_error("GET x", r).code, Errc::network);
  r.status = 401;
  r.body = "";
  EXPECT_EQ(response_error("GET x", r).code, Errc::unauthorized);
  EXPECT_EQ(response_error("GET x", r).message, "GET x: HTTP 401");
}

}  // namespace
}  // namespace wisp::registry
