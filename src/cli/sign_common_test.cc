#include "cli/sign_common.h"

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "registry/fake_registry_test.h"
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

}  // namespace
}  // namespace wisp::cli
