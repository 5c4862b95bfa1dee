#include "sign/simple_signing.h"

#include <gtest/gtest.h>

namespace wisp::sign {
namespace {

const std::string k_digest = "sha256:" + std::string(64, 'a');

std::string error_of(const Result<SimpleSigningPayload>& r) {
  if (r) return "";
  EXPECT_EQ(r.error().code, Errc::bad_format) << r.error().message;
  return r.error().message;
}

TEST(SimpleSigning, SerializesExactlyAsCosign) {
  SimpleSigningPayload p{"registry.example/team/app", k_digest, {}};
  EXPECT_EQ(serialize(p),
            R"({"critical":{"identity":{"docker-reference":"registry.example/team/app"},)"
            R"("image":{"docker-manifest-digest":")" + k_digest +
                R"("},"type":"cosign container image signature"},"optional":null})");
}

TEST(SimpleSigning, AnnotationsAreSortedInOptional) {
  SimpleSigningPayload p{"r/a", k_digest, {{"z", "1"}, {"a", "2"}}};
  std::string text = serialize(p);
  EXPECT_NE(text.find(R"("optional":{"a":"2","z":"1"}})"), std::string::npos) << text;
  auto back = parse_simple_signing(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, p);
}

// Go's json.Marshal (what cosign signs) escapes <, >, & and U+2028/2029; so do we.
TEST(SimpleSigning, EscapesLikeGo) {
  SimpleSigningPayload p{"r/a", k_digest, {{"url", "https://x/?a=1&b=<2>\xe2\x80\xa8"}}};
  std::string text = serialize(p);
  EXPECT_NE(text.find(R"("url":"https://x/?a=1\u0026b=\u003c2\u003e\u2028")"), std::string::npos) << text;
  auto back = parse_simple_signing(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, p);
}

TEST(SimpleSigning, ParsesCosignOutputInAnyMemberOrder) {
  auto r = parse_simple_signing(
      R"({"optional":null,"critical":{"type":"cosign container image signature",)"
      R"("image":{"docker-manifest-digest":")" + k_digest + R"("},"identity":{"docker-reference":"r/a"}}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->docker_reference, "r/a");
  EXPECT_EQ(r->manifest_digest, k_digest);
  EXPECT_TRUE(r->annotations.empty());
}

TEST(SimpleSigning, RejectsWhatContainersImageRejects) {
  const std::string identity = R"("identity":{"docker-reference":"r/a"})";
  const std::string image = R"("image":{"docker-manifest-digest":"sha256:ab"})";
  const std::string type = R"("type":"cosign container image signature")";
  auto doc = [&](std::string critical, std::string rest) {
    return "{\"critical\":{" + critical + "}" + rest + "}";
  };
  // The baseline parses.
  EXPECT_EQ(error_of(parse_simple_signing(doc(identity + "," + image + "," + type, R"(,"optional":null)"))), "");
  EXPECT_NE(error_of(parse_simple_signing(doc(identity + "," + image + "," + type, ""))).find("optional"),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing(doc(identity + "," + image + "," + type, R"(,"optional":null,"x":1)")))
                .find("\"x\""),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing(doc(identity + "," + image, R"(,"optional":null)"))).find("type"),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing(
                doc(identity + "," + image + "," + R"("type":"other")", R"(,"optional":null)")))
                .find("other"),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing(doc(identity + "," + image + "," + type + R"(,"extra":{})",
                                              R"(,"optional":null)")))
                .find("extra"),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing(doc(R"("identity":{"docker-reference":"r/a","x":""},)" + image + "," + type,
                                              R"(,"optional":null)")))
                .find("critical.identity"),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing(doc(R"("identity":{"docker-reference":1},)" + image + "," + type,
                                              R"(,"optional":null)")))
                .find("expected a string"),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing(doc(identity + "," + image + "," + type, R"(,"optional":[])")))
                .find("optional"),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing(doc(identity + "," + image + "," + type, R"(,"optional":{"k":1})")))
                .find("optional.k"),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing(doc(identity + "," + image + "," + type,
                                              R"(,"optional":null,"optional":null)")))
                .find("duplicate"),
            std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing("[1]")).find("expected an object"), std::string::npos);
  EXPECT_NE(error_of(parse_simple_signing("{")).find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace wisp::sign
