#include "registry/repository.h"

#include <gtest/gtest.h>

#include "base/digest.h"
#include "oci/media_types.h"
#include "registry/fake_registry_test.h"

namespace wisp::registry {
namespace {

using testing::FakeRegistry;

constexpr std::string_view k_host = "127.0.0.1:5000";

struct Fixture {
  Fixture() : Fixture(FakeRegistry::Options()) {}
  explicit Fixture(FakeRegistry::Options options, std::optional<Credential> credential = std::nullopt) {
    fake = std::make_shared<FakeRegistry>(std::move(options));
    options_copy.retry.initial_delay = Millis(1);
    options_copy.retry.sleep = [this](Millis m) { slept.push_back(m); };
    options_copy.credentials = [credential](std::string_view) -> Result<std::optional<Credential>> { return credential; };
    options_copy.chunk_size = 1 << 20;
    client = std::make_shared<RegistryClient>(std::string(k_host), fake, options_copy);
  }
  Repository repo(const std::string& name, Access access = Access::pull) { return Repository(client, name, access); }
  void set_chunk_size(uint64_t n) {
    options_copy.chunk_size = n;
    client = std::make_shared<RegistryClient>(std::string(k_host), fake, options_copy);
  }

  std::shared_ptr<FakeRegistry> fake;
  std::shared_ptr<RegistryClient> client;
  ClientOptions options_copy;
  std::vector<Millis> slept;
};

oci::Descriptor blob_of(const std::string& bytes) {
  return oci::describe(bytes, std::string(oci::k_oci_layer_gzip));
}

ManifestBlob manifest_of(const std::string& json, std::string_view type = oci::k_oci_manifest) {
  return ManifestBlob{oci::describe(json, std::string(type)), json};
}

TEST(Repository, MonolithicUploadThenNothingToDo) {
  Fixture f;
  Repository r = f.repo("a/b");
  std::string bytes = "layer bytes";
  auto first = r.push_blob(blob_of(bytes), Body::of(bytes));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(*first);
  EXPECT_EQ(f.fake->count("POST /v2/a/b/blobs/uploads/"), 1);
  EXPECT_EQ(f.fake->count("PUT /v2/a/b/blobs/uploads/"), 1);
  EXPECT_EQ(f.fake->count("PATCH"), 0);
  auto second = r.push_blob(blob_of(bytes), Body::of(bytes));
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second);
  EXPECT_EQ(f.fake->count("POST"), 1);
  EXPECT_TRUE(f.fake->has_blob("a/b", blob_of(bytes).digest));
}

TEST(Repository, ChunkedUploadFromAFileRange) {
  Fixture f;
  f.set_chunk_size(10);
  auto dir = TempDir::create("wisp-repo-test");
  ASSERT_TRUE(dir);
  std::string bytes = "0123456789abcdefghijklmnopqrstuvwxy";  // 35 bytes: 4 chunks
  ASSERT_TRUE(write_file_atomic(dir->path() / "f", "HEADER" + bytes));
  std::vector<uint64_t> seen;
  auto done = f.repo("a/b").push_blob(blob_of(bytes), Body::of_file(dir->path() / "f", 6, bytes.size()),
                                      [&](uint64_t n) { seen.push_back(n); });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(f.fake->count("PATCH"), 4);
  EXPECT_EQ(f.fake->count("PUT /v2/a/b/blobs/uploads/"), 1);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), bytes.size());
  EXPECT_TRUE(f.fake->has_blob("a/b", blob_of(bytes).digest));
}

TEST(Repository, ChunksGrowToTheRegistrysMinimum) {
  FakeRegistry::Options o;
  o.chunk_min = 16;
  Fixture f(o);
  f.set_chunk_size(10);
  std::string bytes(40, 'z');
  ASSERT_TRUE(f.repo("a/b").push_blob(blob_of(bytes), Body::of(bytes)));
  EXPECT_EQ(f.fake->count("PATCH"), 3);  // 16 + 16 + 8
}

TEST(Repository, FailedUploadStartsOverAndCancelsTheSession) {
  Fixture f;
  f.set_chunk_size(4);
  f.fake->fault = [](const Request&, const std::string& kind, int nth) -> std::optional<Result<Response>> {
    if (kind == "upload-patch" && nth == 2) return Result<Response>(fail(Errc::network, "connection reset"));
    return std::nullopt;
  };
  std::string bytes = "abcdefghij";
  auto done = f.repo("a/b").push_blob(blob_of(bytes), Body::of(bytes));
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(f.fake->count("POST"), 2);
  EXPECT_EQ(f.fake->count("DELETE /v2/a/b/blobs/uploads/u1"), 1);
  EXPECT_TRUE(f.fake->has_blob("a/b", blob_of(bytes).digest));
  EXPECT_EQ(f.slept.size(), 1u);
}

TEST(Repository, PersistentFailureIsReportedWithAttempts) {
  Fixture f;
  f.fake->fault = [](const Request&, const std::string& kind, int) -> std::optional<Result<Response>> {
    if (kind != "upload-put") return std::nullopt;
    Response r;
    r.status = 500;
    r.body = R"({"errors":[{"code":"UNKNOWN","message":"disk full"}]})";
    return r;
  };
  std::string bytes = "abc";
  auto done = f.repo("a/b").push_blob(blob_of(bytes), Body::of(bytes));
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, Errc::network);
  EXPECT_NE(done.error().message.find("HTTP 500: UNKNOWN: disk full (after 5 attempts)"), std::string::npos)
      << done.error().message;
  EXPECT_EQ(f.fake->count("POST"), 5);
}

TEST(Repository, RetryAfterIsHonoured) {
  Fixture f;
  f.fake->fault = [](const Request&, const std::string& kind, int nth) -> std::optional<Result<Response>> {
    if (kind != "blob-head" || nth > 1) return std::nullopt;
    Response r;
    r.status = 429;
    r.headers = {{"retry-after", "3"}};
    return r;
  };
  auto size = f.repo("a/b").blob_size(blob_of("x").digest);
  ASSERT_TRUE(size);
  EXPECT_FALSE(*size);
  EXPECT_EQ(f.slept, std::vector<Millis>{Millis(3000)});
}

TEST(Repository, MountInsteadOfUpload) {
  Fixture f;
  std::string bytes = "shared layer";
  f.fake->put_blob("src/repo", bytes);
  auto mounted = f.repo("dst/repo").mount_blob(blob_of(bytes), "src/repo");
  ASSERT_TRUE(mounted) << mounted.error().message;
  EXPECT_TRUE(*mounted);
  EXPECT_TRUE(f.fake->has_blob("dst/repo", blob_of(bytes).digest));
  auto declined = f.repo("dst/repo").mount_blob(blob_of("missing"), "src/repo");
  ASSERT_TRUE(declined);
  EXPECT_FALSE(*declined);
  EXPECT_EQ(f.fake->count("DELETE /v2/dst/repo/blobs/uploads/"), 1);  // the session it opened
}

TEST(Repository, FetchVerifiesAndResumes) {
  Fixture f;
  std::string bytes(1000, 'q');
  bytes += "tail";
  f.fake->put_blob("a/b", bytes);
  // The first GET is cut after 100 bytes: the second asks for the rest with Range.
  f.fake->shape_blob = [](const std::string& body, int nth) { return nth == 1 ? body.substr(0, 100) : body; };
  std::string got;
  io::StringSink sink(got);
  auto done = f.repo("a/b").fetch_blob(blob_of(bytes), sink);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(got, bytes);
  EXPECT_EQ(f.fake->count("GET /v2/a/b/blobs/"), 2);

  // A registry that ignores Range: the bytes already delivered are skipped.
  FakeRegistry::Options o;
  o.ignore_range = true;
  Fixture g(o);
  g.fake->put_blob("a/b", bytes);
  g.fake->shape_blob = [](const std::string& body, int nth) { return nth == 1 ? body.substr(0, 100) : body; };
  std::string again;
  io::StringSink sink2(again);
  ASSERT_TRUE(g.repo("a/b").fetch_blob(blob_of(bytes), sink2));
  EXPECT_EQ(again, bytes);
}

TEST(Repository, FetchRefusesWrongBytes) {
  Fixture f;
  std::string bytes = "the real content";
  f.fake->put_blob("a/b", bytes);
  f.fake->corrupt_blob(blob_of(bytes).digest);
  std::string got;
  io::StringSink sink(got);
  auto done = f.repo("a/b").fetch_blob(blob_of(bytes), sink);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, Errc::digest_mismatch);
  oci::Descriptor unknown = blob_of("never pushed");
  auto missing = f.repo("a/b").fetch_blob(unknown, sink);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST(Repository, ManifestsByTagAndDigest) {
  Fixture f;
  Repository r = f.repo("a/b");
  ManifestBlob m = manifest_of(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]})");
  ASSERT_TRUE(r.push_manifest(m.descriptor.digest, m));
  ASSERT_TRUE(r.push_manifest("v1", m));
  auto by_tag = r.fetch_manifest("v1");
  ASSERT_TRUE(by_tag) << by_tag.error().message;
  EXPECT_EQ(by_tag->bytes, m.bytes);
  EXPECT_EQ(by_tag->descriptor.digest, m.descriptor.digest);
  EXPECT_EQ(by_tag->descriptor.media_type, oci::k_oci_manifest);
  auto stat = r.stat_manifest(m.descriptor.digest);
  ASSERT_TRUE(stat && *stat);
  EXPECT_EQ((*stat)->size, m.bytes.size());
  EXPECT_FALSE(*r.stat_manifest("v2"));
  auto unknown = r.fetch_manifest("v2");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
  // A registry serving other bytes for a digest is caught.
  f.fake->fault = [&](const Request& req, const std::string& kind, int) -> std::optional<Result<Response>> {
    if (kind != "manifest-GET") return std::nullopt;
    Response resp;
    resp.status = 200;
    resp.url = req.url;
    resp.body = R"({"schemaVersion":2,"config":{},"layers":[],"x":1})";
    resp.headers = {{"content-type", std::string(oci::k_oci_manifest)}};
    return resp;
  };
  auto forged = r.fetch_manifest(m.descriptor.digest);
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, Errc::digest_mismatch);
}

TEST(Repository, TagsFollowLinkPages) {
  Fixture f;
  Repository r = f.repo("a/b");
  ManifestBlob m = manifest_of(R"({"schemaVersion":2,"config":{},"layers":[]})");
  for (const char* tag : {"c", "a", "e", "b", "d"}) ASSERT_TRUE(r.push_manifest(tag, m));
  auto tags = r.list_tags(2);
  ASSERT_TRUE(tags) << tags.error().message;
  EXPECT_EQ(*tags, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(f.fake->count("GET /v2/a/b/tags/list"), 3);
  auto none = f.repo("x/y").list_tags();
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::not_found);
}

std::string artifact_for(const oci::Descriptor& subject, std::string_view type) {
  return fmt::format(R"({{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"{}",)"
                     R"("config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}},)"
                     R"("layers":[],"subject":{{"mediaType":"{}","digest":"{}","size":{}}}}})",
                     type, subject.media_type, subject.digest, subject.size);
}

TEST(Repository, ReferrersThroughTheApi) {
  Fixture f;
  Repository r = f.repo("a/b");
  ManifestBlob image = manifest_of(R"({"schemaVersion":2,"config":{},"layers":[]})");
  ASSERT_TRUE(r.push_manifest("v1", image));
  ManifestBlob sbom = manifest_of(artifact_for(image.descriptor, "application/spdx+json"));
  ASSERT_TRUE(r.push_referrer(sbom, image.descriptor));
  EXPECT_FALSE(f.fake->tag("a/b", referrers_fallback_tag(image.descriptor.digest)));
  auto found = r.referrers(image.descriptor.digest);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->manifests.size(), 1u);
  EXPECT_EQ(found->manifests[0].digest, sbom.descriptor.digest);
  auto filtered = r.referrers(image.descriptor.digest, "application/other");
  ASSERT_TRUE(filtered);
  EXPECT_TRUE(filtered->manifests.empty());
}

TEST(Repository, ReferrersFallBackToTheDigestTag) {
  FakeRegistry::Options o;
  o.referrers = false;
  Fixture f(o);
  Repository r = f.repo("a/b");
  ManifestBlob image = manifest_of(R"({"schemaVersion":2,"config":{},"layers":[]})");
  ASSERT_TRUE(r.push_manifest("v1", image));
  auto none = r.referrers(image.descriptor.digest);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->manifests.empty());
  ManifestBlob sbom = manifest_of(artifact_for(image.descriptor, "application/spdx+json"));
  ManifestBlob sig = manifest_of(artifact_for(image.descriptor, "application/vnd.dev.cosign.artifact.sig.v1+json"));
  ASSERT_TRUE(r.push_referrer(sbom, image.descriptor));
  ASSERT_TRUE(r.push_referrer(sig, image.descriptor));
  ASSERT_TRUE(r.push_referrer(sig, image.descriptor));  // once only
  std::string tag = referrers_fallback_tag(image.descriptor.digest);
  EXPECT_EQ(tag, "sha256-" + image.descriptor.digest.substr(7));
  ASSERT_TRUE(f.fake->tag("a/b", tag));
  auto all = r.referrers(image.descriptor.digest);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->manifests.size(), 2u);
  EXPECT_EQ(all->manifests[1].artifact_type, "application/vnd.dev.cosign.artifact.sig.v1+json");
  auto sbom_only = r.referrers(image.descriptor.digest, "application/spdx+json");
  ASSERT_TRUE(sbom_only);
  ASSERT_EQ(sbom_only->manifests.size(), 1u);
  EXPECT_EQ(sbom_only->manifests[0].digest, sbom.descriptor.digest);
}

TEST(Auth, BasicCredentialsAndTheirRefusal) {
  FakeRegistry::Options o;
  o.user = "u";
  o.password = "p";
  Fixture ok(o, Credential{"u", "p", ""});
  ASSERT_TRUE(ok.repo("a/b").push_blob(blob_of("x"), Body::of("x")));
  Fixture wrong(o, Credential{"u", "nope", ""});
  auto refused = wrong.repo("a/b").push_blob(blob_of("x"), Body::of("x"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::unauthorized);
  EXPECT_NE(refused.error().message.find("credentials for user 'u' refused by 127.0.0.1:5000"), std::string::npos)
      << refused.error().message;
  Fixture none(o);
  auto anonymous = none.repo("a/b").blob_size(blob_of("x").digest);
  ASSERT_FALSE(anonymous);
  EXPECT_NE(anonymous.error().message.find("run 'wisp login 127.0.0.1:5000'"), std::string::npos);
}

TEST(Auth, BearerTokensAreCachedPerScopeAndWidenedForMounts) {
  FakeRegistry::Options o;
  o.user = "u";
  o.password = "p";
  o.bearer = true;
  Fixture f(o, Credential{"u", "p", ""});
  Repository r = f.repo("a/b", Access::push);
  for (const char* bytes : {"one", "two", "three"}) ASSERT_TRUE(r.push_blob(blob_of(bytes), Body::of(bytes)));
  EXPECT_EQ(f.fake->tokens_issued(), 1);
  EXPECT_EQ(f.fake->token_scopes().at(0), "repository:a/b:pull repository:a/b:push");
  // Mounting into c/d from a/b needs pull on a/b too.
  auto mounted = f.repo("c/d", Access::push).mount_blob(blob_of("one"), "a/b");
  ASSERT_TRUE(mounted) << mounted.error().message;
  EXPECT_TRUE(*mounted);
  EXPECT_EQ(f.fake->token_scopes().back(), "repository:a/b:pull repository:c/d:pull repository:c/d:push");
  Fixture refused(o, Credential{"u", "bad", ""});
  auto denied = refused.repo("a/b").blob_size(blob_of("x").digest);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, Errc::unauthorized);
  EXPECT_NE(denied.error().message.find("token request refused"), std::string::npos) << denied.error().message;
}

TEST(Client, UnreachableRegistryIsANetworkError) {
  auto fake = std::make_shared<FakeRegistry>();
  ClientOptions options;
  options.retry.attempts = 2;
  options.retry.sleep = [](Millis) {};
  RegistryClient client("unreachable.example:5000", fake, options);
  auto pinged = client.ping();
  ASSERT_FALSE(pinged);
  EXPECT_EQ(pinged.error().code, Errc::network);
  EXPECT_NE(pinged.error().message.find("cannot reach registry unreachable.example:5000"), std::string::npos);
}

}  // namespace
}  // namespace wisp::registry
