#include "sign/dsse.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"

namespace wisp::sign {
namespace {

const std::string k_hex = std::string(64, 'a');

std::string error_of(const Result<DsseEnvelope>& r) {
  if (r) return "";
  EXPECT_EQ(r.error().code, Errc::bad_format) << r.error().message;
  return r.error().message;
}

std::string error_of(const Result<InTotoStatement>& r) {
  if (r) return "";
  EXPECT_EQ(r.error().code, Errc::bad_format) << r.error().message;
  return r.error().message;
}

TEST(Dsse, PaeCountsBytes) {
  EXPECT_EQ(pae("application/vnd.in-toto+json", "{}"), "DSSEv1 28 application/vnd.in-toto+json 2 {}");
  EXPECT_EQ(pae("", ""), "DSSEv1 0  0 ");
  // "é" is two bytes in UTF-8.
  EXPECT_EQ(pae("t", "\xc3\xa9"), "DSSEv1 1 t 2 \xc3\xa9");
  // The DSSE spec's own example.
  EXPECT_EQ(pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
}

TEST(Dsse, SignVerifyAndRoundTrip) {
  auto key = PrivateKey::generate();
  ASSERT_TRUE(key);
  auto envelope = dsse_sign(k_in_toto_payload_type, "{\"a\":1}", *key);
  ASSERT_TRUE(envelope) << envelope.error().message;
  ASSERT_EQ(envelope->signatures.size(), 1u);
  EXPECT_EQ(envelope->signatures[0].keyid, "");
  PublicKey pub = key->public_key();
  EXPECT_TRUE(dsse_verify(*envelope, pub));
  // The signature is over PAE, not the bare payload.
  EXPECT_FALSE(pub.verify(envelope->payload, envelope->signatures[0].sig));
  EXPECT_TRUE(pub.verify(pae(envelope->payload_type, envelope->payload), envelope->signatures[0].sig));

  std::string text = serialize(*envelope);
  EXPECT_TRUE(text.starts_with(R"({"payloadType":"application/vnd.in-toto+json","payload":"eyJhIjoxfQ==","signatures":[{"sig":")"))
      << text;
  auto back = parse_dsse(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->payload, envelope->payload);
  EXPECT_EQ(serialize(*back), text);
  EXPECT_TRUE(dsse_verify(*back, pub));

  DsseEnvelope tampered = *back;
  tampered.payload_type = "application/json";
  EXPECT_FALSE(dsse_verify(tampered, pub));
  tampered = *back;
  tampered.payload[0] = '[';
  EXPECT_FALSE(dsse_verify(tampered, pub));
  auto other = PrivateKey::generate();
  ASSERT_TRUE(other);
  EXPECT_FALSE(dsse_verify(*back, other->public_key()));

  tampered = *back;
  tampered.signatures[0].keyid = "k1";
  EXPECT_NE(serialize(tampered).find(R"({"keyid":"k1","sig":")"), std::string::npos);
}

TEST(Dsse, VerifiesCosignsAttestationBundle) {
  auto text = read_file(std::string(WISP_TESTDATA) + "/cosign/oci-attestation.sigstore.json");
  ASSERT_TRUE(text) << text.error().message;
  auto bundle = nlohmann::json::parse(*text);
  auto cert = base64_decode(bundle["verificationMaterial"]["certificate"]["rawBytes"].get<std::string>());
  ASSERT_TRUE(cert);
  auto key = PublicKey::from_der_certificate(*cert);
  ASSERT_TRUE(key) << key.error().message;
  auto envelope = parse_dsse(bundle["dsseEnvelope"].dump());
  ASSERT_TRUE(envelope) << envelope.error().message;
  EXPECT_EQ(envelope->payload_type, k_in_toto_payload_type);
  EXPECT_TRUE(dsse_verify(*envelope, *key));
  DsseEnvelope flipped = *envelope;
  flipped.payload[10] ^= 1;
  EXPECT_FALSE(dsse_verify(flipped, *key));

  auto statement = parse_statement(envelope->payload);
  ASSERT_TRUE(statement) << statement.error().message;
  EXPECT_EQ(statement->type, k_statement_v01);
  ASSERT_EQ(statement->subjects.size(), 1u);
  EXPECT_EQ(statement->subjects[0].name, "127.0.0.1:60943/repo");
  EXPECT_EQ(statement->subjects[0].sha256_hex, "732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4");
  EXPECT_EQ(statement->predicate_type, "https://cosign.sigstore.dev/attestation/v1");
  EXPECT_EQ(statement->predicate_json, R"({"Data":"{\"foo\": \"bar\"}\n","Timestamp":"2025-02-28T19:18:11Z"})");
}

TEST(Dsse, RejectsMalformedEnvelopes) {
  const std::string sig = R"("signatures":[{"sig":"MEQ="}])";
  EXPECT_EQ(error_of(parse_dsse(R"({"payloadType":"t","payload":"e30=",)" + sig + "}")), "");
  EXPECT_NE(error_of(parse_dsse(R"({"payloadType":"t","payload":"e30",)" + sig + "}")).find("base64"),
            std::string::npos);
  EXPECT_NE(error_of(parse_dsse(R"({"payloadType":"t","payload":"e3-_",)" + sig + "}")).find("base64"),
            std::string::npos);
  EXPECT_NE(error_of(parse_dsse(R"({"payloadType":"t","payload":"e30=","signatures":[{"sig":"MEQ"}]})"))
                .find("signatures[0].sig"),
            std::string::npos);
  EXPECT_NE(error_of(parse_dsse(R"({"payloadType":"t","payload":"e30=","signatures":[]})")).find("no signatures"),
            std::string::npos);
  EXPECT_NE(error_of(parse_dsse(R"({"payloadType":"t","payload":"e30=","signatures":[{"keyid":""}]})")).find("sig"),
            std::string::npos);
  EXPECT_NE(error_of(parse_dsse(R"({"payloadType":"t","payload":"e30=","signatures":[{"sig":"","x":1}]})"))
                .find("\"x\""),
            std::string::npos);
  EXPECT_NE(error_of(parse_dsse(R"({"payloadType":1,"payload":"e30=",)" + sig + "}")).find("payloadType"),
            std::string::npos);
  EXPECT_NE(error_of(parse_dsse(R"({"payload":"e30=",)" + sig + "}")).find("payloadType"), std::string::npos);
  EXPECT_NE(error_of(parse_dsse(R"({"payloadType":"t","payload":"e30=","x":0,)" + sig + "}")).find("\"x\""),
            std::string::npos);
  EXPECT_NE(error_of(parse_dsse("null")).find("expected an object"), std::string::npos);
}

TEST(Dsse, StatementSerializesInCosignsMemberOrder) {
  InTotoStatement s;
  s.subjects.push_back({"registry.example/app", k_hex});
  s.predicate_type = "https://spdx.dev/Document";
  s.predicate_json = R"({"spdxVersion":"SPDX-2.3","b":[1,2]})";
  std::string text = serialize(s);
  EXPECT_EQ(text, R"({"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"registry.example/app",)"
                  R"("digest":{"sha256":")" + k_hex +
                      R"("}}],"predicateType":"https://spdx.dev/Document","predicate":{"spdxVersion":"SPDX-2.3","b":[1,2]}})");
  auto back = parse_statement(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, s);

  s.predicate_json = R"({"purl":"pkg:apk/wolfi/x@1?arch=x86_64&distro=wolfi"})";
  std::string escaped = serialize(s);
  EXPECT_NE(escaped.find(R"("predicate":{"purl":"pkg:apk/wolfi/x@1?arch=x86_64\u0026distro=wolfi"}})"),
            std::string::npos)
      << escaped;
  auto unescaped = parse_statement(escaped);
  ASSERT_TRUE(unescaped);
  EXPECT_EQ(unescaped->predicate_json, s.predicate_json);

  s.predicate_json = R"("tag-value text")";
  auto string_predicate = parse_statement(serialize(s));
  ASSERT_TRUE(string_predicate);
  EXPECT_EQ(string_predicate->predicate_json, R"("tag-value text")");
  s.type = std::string(k_statement_v1);
  auto v1 = parse_statement(serialize(s));
  ASSERT_TRUE(v1);
  EXPECT_EQ(v1->type, k_statement_v1);
}

TEST(Dsse, StatementParserIsStrict) {
  auto doc = [](std::string_view type, std::string_view subject, std::string_view predicate, std::string_view extra) {
    return fmt::format(R"({{"_type":"{}","subject":{},"predicateType":"p","predicate":{}{}}})", type, subject,
                       predicate, extra);
  };
  const std::string type(k_statement_v01);
  const std::string subject = R"([{"name":"r","digest":{"sha256":")" + k_hex + R"("}}])";
  EXPECT_EQ(error_of(parse_statement(doc(type, subject, "{}", ""))), "");
  EXPECT_NE(error_of(parse_statement(doc(type, subject, "{}", R"(,"x":1)"))).find("\"x\""), std::string::npos);
  EXPECT_NE(error_of(parse_statement(doc("https://in-toto.io/Statement/v2", subject, "{}", ""))).find("_type"),
            std::string::npos);
  EXPECT_NE(error_of(parse_statement(doc(type, "[]", "{}", ""))).find("subject"), std::string::npos);
  EXPECT_NE(error_of(parse_statement(doc(type, R"([{"name":"r","digest":{"sha256":"sha256:)" + k_hex + R"("}}])",
                                         "{}", "")))
                .find("sha256"),
            std::string::npos);
  EXPECT_NE(error_of(parse_statement(doc(type, R"([{"name":"r","digest":{"sha512":")" + k_hex + R"("}}])", "{}", "")))
                .find("digest"),
            std::string::npos);
  EXPECT_NE(error_of(parse_statement(doc(type, R"([{"name":"r","uri":"u","digest":{"sha256":")" + k_hex + R"("}}])",
                                         "{}", "")))
                .find("uri"),
            std::string::npos);
  EXPECT_NE(error_of(parse_statement(doc(type, subject, "[1]", ""))).find("predicate"), std::string::npos);
  EXPECT_NE(error_of(parse_statement(doc(type, subject, "{}", R"(,"predicate":{})"))).find("duplicate"),
            std::string::npos);
  EXPECT_NE(error_of(parse_statement(R"({"_type":")" + type + R"(","subject":)" + subject + R"(,"predicate":{}})"))
                .find("predicateType"),
            std::string::npos);
}

}  // namespace
}  // namespace wisp::sign
