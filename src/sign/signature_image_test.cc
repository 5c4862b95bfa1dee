#include "sign/signature_image.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/digest.h"
#include "base/encoding.h"
#include "oci/media_types.h"
#include "oci/objects.h"
#include "sign/dsse.h"
#include "sign/simple_signing.h"

namespace wisp::sign {
namespace {

const std::string k_digest = "sha256:" + std::string(64, 'a');

PrivateKey new_key() {
  auto key = PrivateKey::generate();
  EXPECT_TRUE(key.has_value());
  return std::move(*key);
}

SignatureLayer signed_layer(const PrivateKey& key, std::map<std::string, std::string> optional = {}) {
  SimpleSigningPayload payload{"127.0.0.1:5000/app", k_digest, std::move(optional)};
  std::string bytes = serialize(payload);
  auto sig = key.sign(bytes);
  EXPECT_TRUE(sig.has_value());
  return SignatureLayer::make(std::string(k_simple_signing_media_type), bytes,
                              {{std::string(k_signature_annotation), base64_encode(*sig)}});
}

SignatureLayer attestation_layer(const PrivateKey& key, const std::string& predicate_type, const std::string& predicate) {
  InTotoStatement statement;
  statement.subjects = {{"127.0.0.1:5000/app", std::string(64, 'a')}};
  statement.predicate_type = predicate_type;
  statement.predicate_json = predicate;
  auto envelope = dsse_sign(k_in_toto_payload_type, serialize(statement), key);
  EXPECT_TRUE(envelope.has_value());
  return SignatureLayer::make(std::string(k_dsse_media_type), serialize(*envelope),
                              {{std::string(k_signature_annotation), ""},
                               {std::string(k_predicate_type_annotation), predicate_type}});
}

TEST(SignatureImage, TagNames) {
  EXPECT_EQ(*attachment_tag(k_digest, AttachmentKind::signature), "sha256-" + std::string(64, 'a') + ".sig");
  EXPECT_EQ(*attachment_tag(k_digest, AttachmentKind::attestation), "sha256-" + std::string(64, 'a') + ".att");
  EXPECT_FALSE(attachment_tag("sha256:abc", AttachmentKind::signature));
  EXPECT_FALSE(attachment_tag("sha512:" + std::string(128, 'b'), AttachmentKind::signature));
  EXPECT_FALSE(attachment_tag("sha256:" + std::string(64, 'A'), AttachmentKind::signature));
}

TEST(SignatureImage, RepositoryNamesAsCosignWritesThem) {
  EXPECT_EQ(cosign_repository_name("docker.io", "library/alpine"), "index.docker.io/library/alpine");
  EXPECT_EQ(cosign_repository_name("127.0.0.1:5000", "team/app"), "127.0.0.1:5000/team/app");
}

TEST(SignatureImage, SerializesLikeGoContainerRegistry) {
  PrivateKey key = new_key();
  SignatureImage image;
  SignatureLayer layer = signed_layer(key);
  ASSERT_TRUE(*image.append(layer, key.public_key()));
  SerializedSignatureImage out = image.serialize();

  EXPECT_EQ(out.config_bytes, R"({"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],)"
                              R"("os":"","rootfs":{"type":"layers","diff_ids":[")" +
                                  layer.descriptor.digest + R"("]},"config":{}})");
  EXPECT_EQ(out.config.digest, sha256_digest_string(out.config_bytes));
  EXPECT_EQ(out.config.media_type, oci::k_oci_config);
  // Well-formed JSON our own config parser reads.
  auto config = oci::parse_image_config(out.config_bytes);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->diff_ids, std::vector<std::string>{layer.descriptor.digest});

  auto manifest = nlohmann::json::parse(out.manifest_bytes);
  EXPECT_EQ(manifest["schemaVersion"], 2);
  EXPECT_EQ(manifest["mediaType"], oci::k_oci_manifest);
  EXPECT_EQ(manifest["config"]["digest"], out.config.digest);
  ASSERT_EQ(manifest["layers"].size(), 1u);
  EXPECT_EQ(manifest["layers"][0]["mediaType"], k_simple_signing_media_type);
  EXPECT_EQ(manifest["layers"][0]["digest"], sha256_digest_string(layer.payload));
  EXPECT_EQ(manifest["layers"][0]["size"], layer.payload.size());
  EXPECT_EQ(manifest["layers"][0]["annotations"][std::string(k_signature_annotation)],
            layer.descriptor.annotations.at(std::string(k_signature_annotation)));
  // Serializing again gives the same bytes.
  EXPECT_EQ(image.serialize().manifest_bytes, out.manifest_bytes);
}

TEST(SignatureImage, ParsesWhatItWritesAndKeepsForeignAnnotations) {
  PrivateKey key = new_key();
  SignatureImage image;
  SignatureLayer layer = signed_layer(key);
  layer.descriptor.annotations["dev.sigstore.cosign/certificate"] = "-----BEGIN CERTIFICATE-----\n";
  ASSERT_TRUE(*image.append(layer, key.public_key()));
  auto descriptors = SignatureImage::parse_layers(image.serialize().manifest_bytes);
  ASSERT_TRUE(descriptors) << descriptors.error().message;
  ASSERT_EQ(descriptors->size(), 1u);
  EXPECT_EQ((*descriptors)[0], layer.descriptor);
  auto back = SignatureImage::from_layers({SignatureLayer{(*descriptors)[0], layer.payload}});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->serialize().manifest_bytes, image.serialize().manifest_bytes);
  auto signature = back->layers()[0].signature();
  ASSERT_TRUE(signature);
  EXPECT_TRUE(key.public_key().verify(layer.payload, *signature));
}

TEST(SignatureImage, RejectsWhatIsNotASignatureImage) {
  EXPECT_FALSE(SignatureImage::parse_layers("not json"));
  EXPECT_FALSE(SignatureImage::parse_layers(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})"));
  // A payload whose size disagrees with its descriptor.
  SignatureLayer layer = SignatureLayer::make("x/y", "abc", {});
  layer.payload = "abcd";
  EXPECT_FALSE(SignatureImage::from_layers({layer}));
}

TEST(SignatureImage, SameSignerAndPayloadIsNotAddedTwice) {
  PrivateKey key = new_key();
  SignatureImage image;
  ASSERT_TRUE(*image.append(signed_layer(key), key.public_key()));
  // Signing again gives another signature (random nonce) over the same payload: a duplicate.
  auto again = image.append(signed_layer(key), key.public_key());
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(image.layers().size(), 1u);
}

TEST(SignatureImage, AnotherSignerOrPayloadIsAdded) {
  PrivateKey first = new_key(), second = new_key();
  SignatureImage image;
  ASSERT_TRUE(*image.append(signed_layer(first), first.public_key()));
  EXPECT_TRUE(*image.append(signed_layer(second), second.public_key()));
  EXPECT_EQ(image.layers().size(), 2u);
  // Other annotations in the payload: another payload digest.
  EXPECT_TRUE(*image.append(signed_layer(first, {{"env", "prod"}}), first.public_key()));
  EXPECT_EQ(image.layers().size(), 3u);
  // Same payload, an extra layer annotation the existing layer lacks.
  SignatureLayer extra = signed_layer(first);
  extra.descriptor.annotations["dev.sigstore.cosign/certificate"] = "pem";
  EXPECT_TRUE(*image.append(extra, first.public_key()));
  EXPECT_EQ(image.layers().size(), 4u);
}

TEST(SignatureImage, AttestationsAreNeverDuplicates) {
  // Their signature annotation is empty, so there is nothing to verify (cosign does the same).
  PrivateKey key = new_key();
  SignatureImage image;
  SignatureLayer layer = attestation_layer(key, "https://spdx.dev/Document", R"({"a":1})");
  ASSERT_TRUE(*image.append(layer, key.public_key()));
  EXPECT_TRUE(*image.append(layer, key.public_key()));
  EXPECT_EQ(image.layers().size(), 2u);
}

TEST(SignatureImage, ReplaceDropsOnlyThatPredicateType) {
  PrivateKey key = new_key();
  SignatureImage image;
  ASSERT_TRUE(image.append(attestation_layer(key, "https://spdx.dev/Document", R"({"v":1})"), key.public_key()));
  ASSERT_TRUE(image.append(attestation_layer(key, "https://cyclonedx.org/bom", R"({"v":2})"), key.public_key()));
  ASSERT_TRUE(image.append(attestation_layer(key, "https://spdx.dev/Document", R"({"v":3})"), key.public_key()));
  auto removed = image.remove_predicate_type("https://spdx.dev/Document");
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(*removed, 2u);
  ASSERT_EQ(image.layers().size(), 1u);
  EXPECT_EQ(image.layers()[0].descriptor.annotations.at("predicateType"), "https://cyclonedx.org/bom");
  EXPECT_EQ(*image.remove_predicate_type("https://slsa.dev/provenance/v1"), 0u);
}

TEST(SignatureImage, ReplaceReadsThePayloadNotTheAnnotation) {
  PrivateKey key = new_key();
  SignatureImage image;
  SignatureLayer layer = attestation_layer(key, "https://spdx.dev/Document", "{}");
  layer.descriptor.annotations["predicateType"] = "https://cyclonedx.org/bom";  // lies
  ASSERT_TRUE(image.append(layer, key.public_key()));
  EXPECT_EQ(*image.remove_predicate_type("https://cyclonedx.org/bom"), 0u);
  EXPECT_EQ(*image.remove_predicate_type("https://spdx.dev/Document"), 1u);
}

TEST(SignatureImage, ReplaceRefusesUnreadableLayers) {
  PrivateKey key = new_key();
  SignatureImage image;
  ASSERT_TRUE(image.append(signed_layer(key), key.public_key()));  // a simple-signing payload, no envelope
  auto removed = image.remove_predicate_type("https://spdx.dev/Document");
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, Errc::bad_format);
  EXPECT_NE(removed.error().message.find("attestation layer 0"), std::string::npos) << removed.error().message;
}

TEST(SignatureImage, LayerCap) {
  PrivateKey key = new_key();
  std::vector<SignatureLayer> layers;
  for (size_t i = 0; i < k_max_signature_layers; ++i)
    layers.push_back(SignatureLayer::make("application/octet-stream", std::to_string(i), {}));
  auto image = SignatureImage::from_layers(layers);
  ASSERT_TRUE(image);
  auto added = image->append(signed_layer(key), key.public_key());
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, Errc::too_large);
  layers.push_back(SignatureLayer::make("application/octet-stream", "one too many", {}));
  EXPECT_FALSE(SignatureImage::from_layers(layers));
}

TEST(SignatureImage, SignatureAnnotation) {
  SignatureLayer layer = SignatureLayer::make("x/y", "p", {{std::string(k_signature_annotation), "AAEC"}});
  EXPECT_EQ(*layer.signature(), std::string("\x00\x01\x02", 3));
  layer.descriptor.annotations[std::string(k_signature_annotation)] = "not base64!";
  EXPECT_FALSE(layer.signature());
  layer.descriptor.annotations.clear();
  EXPECT_EQ(*layer.signature(), "");
}

}  // namespace
}  // namespace wisp::sign
