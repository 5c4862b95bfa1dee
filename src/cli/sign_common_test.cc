#include "cli/sign_common.h"

#include <cstdlib>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "registry/fake_registry_test.h"
#include "sign/dsse.h"
#include "sign/simple_signing.h"

namespace wisp::cli {
namespace {

using registry::testing::FakeRegistry;

struct Fixture {
  Fixture() {
    fake = std::make_shared<FakeRegistry>();
    registry::ClientOptions options;
    options.credentials = [](std::string_view) -> Result<std::optional<registry::Credential>> { return std::nullopt; };
    client = std::make_shared<registry::RegistryClient>("127.0.0.1:5000", fake, options);
  }
  registry::Repository repo() { return registry::Repository(client, "t/app", registry::Access::push); }
  std::shared_ptr<FakeRegistry> fake;
  std::shared_ptr<registry::RegistryClient> client;
};

const std::string k_tag = "sha256-" + std::string(64, 'a') + ".sig";

sign::SignatureLayer layer(const sign::PrivateKey& key, std::string reference) {
  sign::SimpleSigningPayload payload{std::move(reference), "sha256:" + std::string(64, 'a'), {}};
  std::string bytes = sign::serialize(payload);
  std::string signature = *key.sign(bytes);
  return sign::SignatureLayer::make(std::string(sign::k_simple_signing_media_type), bytes,
                                    {{std::string(sign::k_signature_annotation), base64_encode(signature)}});
}

TEST(SignatureImageStore, MissingTagIsAnEmptyImage) {
  Fixture f;
  auto repo = f.repo();
  auto image = fetch_signature_image(repo, k_tag);
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_TRUE(image->empty());
}

TEST(SignatureImageStore, PushThenReadBackKeepsEveryLayer) {
  Fixture f;
  auto repo = f.repo();
  auto key = *sign::PrivateKey::generate();
  sign::SignatureImage image;
  ASSERT_TRUE(image.append(layer(key, "127.0.0.1:5000/t/app"), key.public_key()));
  ASSERT_TRUE(image.append(layer(key, "example.com/other"), key.public_key()));
  auto digest = push_signature_image(repo, k_tag, image);
  ASSERT_TRUE(digest) << digest.error().message;
  auto stored = f.fake->tag("t/app", k_tag);
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, *digest);
  EXPECT_EQ(f.fake->manifest_bytes(*digest), image.serialize().manifest_bytes);

  auto back = fetch_signature_image(repo, k_tag);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->layers().size(), 2u);
  EXPECT_EQ(back->layers()[1].payload, image.layers()[1].payload);
  EXPECT_EQ(back->serialize().manifest_bytes, image.serialize().manifest_bytes);
}

TEST(SignatureImageStore, CorruptPayloadBlobIsAnError) {
  Fixture f;
  auto repo = f.repo();
  auto key = *sign::PrivateKey::generate();
  sign::SignatureImage image;
  sign::SignatureLayer l = layer(key, "127.0.0.1:5000/t/app");
  ASSERT_TRUE(image.append(l, key.public_key()));
  ASSERT_TRUE(push_signature_image(repo, k_tag, image));
  f.fake->corrupt_blob(l.descriptor.digest);
  auto back = fetch_signature_image(repo, k_tag);
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message.find(l.descriptor.digest), std::string::npos) << back.error().message;
}

TEST(SignatureImageStore, Annotations) {
  auto parsed = parse_annotations({"a=b", "c=", "d=e=f"});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, (std::map<std::string, std::string>{{"a", "b"}, {"c", ""}, {"d", "e=f"}}));
  EXPECT_EQ(parse_annotations({"novalue"}).error().code, Errc::usage);
  EXPECT_EQ(parse_annotations({"=x"}).error().code, Errc::usage);
}

/// A pool whose every registry is the fake, and a target in it (sign_digest and attest_digest
/// only read the target's reference and digest).
struct PoolFixture {
  PoolFixture() {
    fake = std::make_shared<FakeRegistry>();
    registry::ClientOptions options;
    options.credentials = [](std::string_view) -> Result<std::optional<registry::Credential>> { return std::nullopt; };
    pool = std::make_unique<registry::ClientPool>(fake, options);
    target.text = "127.0.0.1:5000/t/app:1";
    target.reference.registry = "127.0.0.1:5000";
    target.reference.repository = "t/app";
    target.reference.digest = target.manifest.descriptor.digest = "sha256:" + std::string(64, 'b');
  }
  size_t layers(std::string_view suffix) {
    registry::Repository repo(pool->get("127.0.0.1:5000"), "t/app");
    auto image = fetch_signature_image(repo, "sha256-" + std::string(64, 'b') + std::string(suffix));
    return image ? image->layers().size() : 999;
  }
  std::shared_ptr<FakeRegistry> fake;
  std::unique_ptr<registry::ClientPool> pool;
  SignTarget target;
};

TEST(SignDigest, SameKeyTwiceAddsOneLayerAnotherKeyASecond) {
  PoolFixture f;
  auto key = *sign::PrivateKey::generate();
  auto first = sign_digest(f.target, {{{"env", "test"}}, ""}, key, *f.pool);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->added);
  EXPECT_EQ(first->tag_reference, "127.0.0.1:5000/t/app:sha256-" + std::string(64, 'b') + ".sig");
  auto again = sign_digest(f.target, {{{"env", "test"}}, ""}, key, *f.pool);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->added);
  EXPECT_EQ(f.layers(".sig"), 1u);
  auto other = sign_digest(f.target, {{{"env", "test"}}, ""}, *sign::PrivateKey::generate(), *f.pool);
  ASSERT_TRUE(other) << other.error().message;
  EXPECT_TRUE(other->added);
  EXPECT_EQ(f.layers(".sig"), 2u);
}

TEST(SignDigest, PayloadNamesRepositoryAndDigestOrTheGivenIdentity) {
  PoolFixture f;
  auto key = *sign::PrivateKey::generate();
  ASSERT_TRUE(sign_digest(f.target, {{}, "registry.example/app"}, key, *f.pool));
  registry::Repository repo(f.pool->get("127.0.0.1:5000"), "t/app");
  auto image = fetch_signature_image(repo, "sha256-" + std::string(64, 'b') + ".sig");
  ASSERT_TRUE(image);
  ASSERT_EQ(image->layers().size(), 1u);
  const std::string& payload = image->layers()[0].payload;
  EXPECT_NE(payload.find("\"docker-reference\":\"registry.example/app\""), std::string::npos) << payload;
  EXPECT_NE(payload.find(f.target.manifest.descriptor.digest), std::string::npos) << payload;
}

TEST(AttestDigest, ReplaceKeepsOneOfTheTypeOthersAccumulate) {
  PoolFixture f;
  auto key = *sign::PrivateKey::generate();
  const std::string spdx = "https://spdx.dev/Document", cdx = "https://cyclonedx.org/bom";
  ASSERT_TRUE(attest_digest(f.target, spdx, R"({"spdxVersion":"SPDX-2.3"})", true, key, *f.pool));
  ASSERT_TRUE(attest_digest(f.target, cdx, R"({"bomFormat":"CycloneDX"})", true, key, *f.pool));
  auto again = attest_digest(f.target, spdx, R"({"spdxVersion":"SPDX-2.3"})", true, key, *f.pool);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->added);
  EXPECT_EQ(f.layers(".att"), 2u);
  // Without replace, DSSE envelopes (fresh ECDSA signatures) never dedupe: they pile up.
  ASSERT_TRUE(attest_digest(f.target, spdx, R"({"spdxVersion":"SPDX-2.3"})", false, key, *f.pool));
  EXPECT_EQ(f.layers(".att"), 3u);
  ASSERT_TRUE(attest_digest(f.target, spdx, R"({"spdxVersion":"SPDX-2.3"})", true, key, *f.pool));
  EXPECT_EQ(f.layers(".att"), 2u);
}

TEST(AttestDigest, StatementIsAboutTheDigestWithThePredicate) {
  PoolFixture f;
  auto key = *sign::PrivateKey::generate();
  ASSERT_TRUE(attest_digest(f.target, "https://spdx.dev/Document", R"({"a":1})", true, key, *f.pool));
  registry::Repository repo(f.pool->get("127.0.0.1:5000"), "t/app");
  auto image = fetch_signature_image(repo, "sha256-" + std::string(64, 'b') + ".att");
  ASSERT_TRUE(image);
  ASSERT_EQ(image->layers().size(), 1u);
  auto envelope = nlohmann::json::parse(image->layers()[0].payload);
  auto statement = nlohmann::json::parse(*base64_decode(envelope["payload"].get<std::string>()));
  EXPECT_EQ(statement["subject"][0]["name"], "127.0.0.1:5000/t/app");
  EXPECT_EQ(statement["subject"][0]["digest"]["sha256"], std::string(64, 'b'));
  EXPECT_EQ(statement["predicate"], nlohmann::json::parse(R"({"a":1})"));
  EXPECT_EQ(image->layers()[0].descriptor.annotations.at("predicateType"), "https://spdx.dev/Document");
}

TEST(PredicateTimestamp, FollowsSourceDateEpoch) {
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  EXPECT_EQ(predicate_timestamp(), "2023-11-14T22:13:20Z");
  ::unsetenv("SOURCE_DATE_EPOCH");
  EXPECT_EQ(predicate_timestamp().size(), 20u);
}

}  // namespace
}  // namespace wisp::cli
