#include "io/http_auth.h"

#include <gtest/gtest.h>

#include "io/http.h"

namespace wisp::io {

TEST(HttpAuth, ApkoForm) {
  auto creds = parse_http_auth("basic:Packages.Example.com:alice:s3cret");
  ASSERT_TRUE(creds) << creds.error().message;
  ASSERT_EQ(creds->size(), 1u);
  EXPECT_EQ((*creds)[0].host, "packages.example.com");
  EXPECT_EQ((*creds)[0].port, "");
  EXPECT_EQ((*creds)[0].user, "alice");
  EXPECT_EQ((*creds)[0].password, "s3cret");
}

TEST(HttpAuth, PortColonsInPasswordAndSeveralEntries) {
  auto creds = parse_http_auth("basic:127.0.0.1:8080:bob:pa:ss,word,basic:b.example:u:p");
  ASSERT_TRUE(creds) << creds.error().message;
  ASSERT_EQ(creds->size(), 2u);
  EXPECT_EQ((*creds)[0].host, "127.0.0.1");
  EXPECT_EQ((*creds)[0].port, "8080");
  EXPECT_EQ((*creds)[0].user, "bob");
  EXPECT_EQ((*creds)[0].password, "pa:ss,word");
  EXPECT_EQ((*creds)[1].host, "b.example");
  EXPECT_EQ((*creds)[1].password, "p");
}

TEST(HttpAuth, NumericUserWithoutPortStaysApkoCompatible) {
  // Three fields after "basic:" are always HOST:USER:PASSWORD, as apko reads them.
  auto creds = parse_http_auth("basic:host:1234:pw");
  ASSERT_TRUE(creds);
  EXPECT_EQ((*creds)[0].port, "");
  EXPECT_EQ((*creds)[0].user, "1234");
  EXPECT_EQ((*creds)[0].password, "pw");
}

TEST(HttpAuth, EmptyValueMeansNoCredentials) {
  auto creds = parse_http_auth("  ");
  ASSERT_TRUE(creds);
  EXPECT_TRUE(creds->empty());
}

TEST(HttpAuth, MalformedEntriesAreRefusedWithoutShowingThePassword) {
  for (std::string_view bad : {"bearer:host:u:topsecret", "basic:host", "basic:host:topsecret",
                               "basic::u:topsecret", "basic:a/b:u:topsecret", "basic:h::topsecret",
                               "basic:a:u:p,basic:onlyhost"}) {
    auto creds = parse_http_auth(bad);
    ASSERT_FALSE(creds) << bad;
    EXPECT_EQ(creds.error().code, Errc::usage) << bad;
    EXPECT_EQ(creds.error().message.find("topsecret"), std::string::npos) << creds.error().message;
    EXPECT_NE(creds.error().message.find("HTTP_AUTH entry"), std::string::npos);
  }
  auto second = parse_http_auth("basic:a:u:p,basic:onlyhost");
  EXPECT_NE(second.error().message.find("entry 2"), std::string::npos) << second.error().message;
}

TEST(HttpAuth, MatchingIsByHostAndEffectivePort) {
  auto creds = parse_http_auth("basic:a.example:u1:p1,basic:b.example:8443:u2:p2");
  ASSERT_TRUE(creds);
  EXPECT_EQ(find_credential(*creds, "https", "A.example", ""), &(*creds)[0]);
  EXPECT_EQ(find_credential(*creds, "https", "a.example", "443"), &(*creds)[0]);
  EXPECT_EQ(find_credential(*creds, "http", "a.example", "80"), &(*creds)[0]);
  EXPECT_EQ(find_credential(*creds, "https", "a.example", "8443"), nullptr);
  EXPECT_EQ(find_credential(*creds, "https", "evil.a.example", ""), nullptr);
  EXPECT_EQ(find_credential(*creds, "https", "b.example", "8443"), &(*creds)[1]);
  EXPECT_EQ(find_credential(*creds, "https", "b.example", ""), nullptr);
}

TEST(HttpUrl, RedactsPasswords) {
  EXPECT_EQ(redact_url("https://user:hunter2@host.example/os/x86_64/APKINDEX.tar.gz"),
            "https://user:***@host.example/os/x86_64/APKINDEX.tar.gz");
  EXPECT_EQ(redact_url("https://host.example/a@b"), "https://host.example/a@b");
  EXPECT_EQ(redact_url("https://token@host.example/"), "https://token@host.example/");
  EXPECT_EQ(redact_url("/local/path"), "/local/path");
  EXPECT_TRUE(is_http_url("HTTPS://x"));
  EXPECT_TRUE(is_http_url("http://x"));
  EXPECT_FALSE(is_http_url("file:///x"));
  EXPECT_FALSE(is_http_url("./http://x"));
}

TEST(HttpClient, RefusesOtherSchemesAndUnreachableHosts) {
  auto client = make_curl_client();
  HttpRequest request;
  request.url = "ftp://127.0.0.1/x";
  auto r = client->get(request);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::usage);
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  request.url = "http://u:hunter2@127.0.0.1:1/x";
  request.connect_timeout_s = 5;
  r = client->get(request);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::network);
  EXPECT_NE(r.error().message.find("127.0.0.1:1/x"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("hunter2"), std::string::npos) << r.error().message;
}

}  // namespace wisp::io
