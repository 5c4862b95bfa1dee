#include "sign/predicate.h"

#include <gtest/gtest.h>

namespace wisp::sign {
namespace {

TEST(SignatureImagePredicate, TypeNames) {
  EXPECT_EQ(*predicate_type_uri("spdxjson"), "https://spdx.dev/Document");
  EXPECT_EQ(*predicate_type_uri("spdx"), "https://spdx.dev/Document");
  EXPECT_EQ(*predicate_type_uri("cyclonedx"), "https://cyclonedx.org/bom");
  EXPECT_EQ(*predicate_type_uri("slsaprovenance"), "https://slsa.dev/provenance/v0.2");
  EXPECT_EQ(*predicate_type_uri("slsaprovenance1"), "https://slsa.dev/provenance/v1");
  EXPECT_EQ(*predicate_type_uri("openvex"), "https://openvex.dev/ns");
  EXPECT_EQ(*predicate_type_uri("vuln"), "https://cosign.sigstore.dev/attestation/vuln/v1");
  EXPECT_EQ(*predicate_type_uri("custom"), "https://cosign.sigstore.dev/attestation/v1");
  EXPECT_EQ(*predicate_type_uri("https://example.com/p/v1"), "https://example.com/p/v1");
  auto bad = predicate_type_uri("SPDX");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::usage);
}

TEST(SignatureImagePredicate, JsonTypesEmbedTheObject) {
  EXPECT_EQ(*make_predicate("spdxjson", "{ \"spdxVersion\": \"SPDX-2.3\",\n \"a\": [1, 2] }\n", ""),
            R"({"spdxVersion":"SPDX-2.3","a":[1,2]})");
  EXPECT_EQ(*make_predicate("https://example.com/p", R"({"x":true})", ""), R"({"x":true})");
  auto array = make_predicate("cyclonedx", "[1]", "");
  ASSERT_FALSE(array);
  EXPECT_EQ(array.error().code, Errc::bad_format);
  EXPECT_FALSE(make_predicate("openvex", "{not json", ""));
}

TEST(SignatureImagePredicate, TagValueSpdxIsAString) {
  EXPECT_EQ(*make_predicate("spdx", "SPDXVersion: SPDX-2.3\n", ""), R"("SPDXVersion: SPDX-2.3\n")");
}

TEST(SignatureImagePredicate, CustomWrapsTheText) {
  EXPECT_EQ(*make_predicate("custom", "hello\n", "2023-11-14T22:13:20Z"),
            R"({"Data":"hello\n","Timestamp":"2023-11-14T22:13:20Z"})");
}

}  // namespace
}  // namespace wisp::sign
