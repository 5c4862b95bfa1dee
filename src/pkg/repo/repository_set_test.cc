#include "pkg/repo/repository_set.h"

#include <gtest/gtest.h>

#include "base/file.h"
#include "pkg/solve/solver.h"

namespace wisp::pkg::repo {

namespace {

const std::string k_repo = std::string(WISP_TESTDATA) + "/apk/apko-mini-repo";

std::unique_ptr<Fetcher> local_fetcher(const TempDir& dir) {
  FetcherOptions options;
  options.cache_dir = dir.path() / "cache";
  options.offline = true;  // local repositories never need the network
  return std::move(*Fetcher::create(options));
}

}  // namespace

TEST(RepoSet, LoadsVerifiedIndexesPerArch) {
  auto dir = TempDir::create();
  auto fetcher = local_fetcher(*dir);
  std::vector<std::string> key_locations = {k_repo + "/melange.rsa.pub"};
  auto keys = load_keys(*fetcher, key_locations);
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->sources.size(), 1u);
  EXPECT_EQ(keys->sources[0].name, "melange.rsa.pub");
  EXPECT_TRUE(keys->sources[0].content.starts_with("-----BEGIN PUBLIC KEY-----"));

  std::vector<RepositorySpec> specs = {{"file://" + k_repo, ""}};
  std::vector<std::string> archs = {"x86_64", "aarch64"};
  auto set = RepositorySet::load(*fetcher, specs, keys->keyring, archs, false);
  ASSERT_TRUE(set) << set.error().message;
  ASSERT_NE(set->pool("x86_64"), nullptr);
  ASSERT_NE(set->pool("aarch64"), nullptr);
  EXPECT_EQ(set->pool("armv7"), nullptr);
  EXPECT_EQ(set->pool("x86_64")->size(), 4u);
  EXPECT_EQ(set->pools().size(), 2u);

  std::vector<apk::Dependency> world = {*apk::parse_dependency("replayout")};
  auto changeset = solve::solve(*set->pool("aarch64"), world);
  ASSERT_TRUE(changeset) << changeset.error().message;
  ASSERT_FALSE(changeset->packages.empty());
  const auto& last = changeset->packages.back();
  EXPECT_EQ(set->package_location("aarch64", last),
            "file://" + k_repo + "/aarch64/replayout-1.0.0-r0.apk");
  // The location names a file the fetcher can read.
  EXPECT_TRUE(fetcher->fetch(set->package_location("aarch64", last), Freshness::immutable));
}

TEST(RepoSet, UntrustedIndexesAreRefusedUnlessAllowed) {
  auto dir = TempDir::create();
  auto fetcher = local_fetcher(*dir);
  apk::Keyring empty;
  std::vector<RepositorySpec> specs = {{k_repo, "local"}};
  std::vector<std::string> archs = {"x86_64"};
  auto refused = RepositorySet::load(*fetcher, specs, empty, archs, false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::bad_signature);
  EXPECT_NE(refused.error().message.find(k_repo + "/x86_64/APKINDEX.tar.gz"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("--keyring"), std::string::npos);

  auto allowed = RepositorySet::load(*fetcher, specs, empty, archs, true);
  ASSERT_TRUE(allowed) << allowed.error().message;
  EXPECT_EQ(allowed->pool("x86_64")->repositories()[0].tag, "local");
}

TEST(RepoSet, MissingRepositoryOrArchIsNamed) {
  auto dir = TempDir::create();
  auto fetcher = local_fetcher(*dir);
  apk::Keyring empty;
  std::vector<RepositorySpec> specs = {{k_repo, ""}};
  std::vector<std::string> archs = {"riscv64"};
  auto missing = RepositorySet::load(*fetcher, specs, empty, archs, true);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_NE(missing.error().message.find("riscv64/APKINDEX.tar.gz"), std::string::npos);
  std::vector<RepositorySpec> none;
  EXPECT_EQ(RepositorySet::load(*fetcher, none, empty, archs, true).error().code, Errc::usage);
}

TEST(RepoSet, KeysFromDirectoriesUrlsAndBadFiles) {
  auto dir = TempDir::create();
  auto fetcher = local_fetcher(*dir);
  // A directory: its key files (the arch subdirectories are skipped).
  std::vector<std::string> from_dir = {k_repo};
  auto keys = load_keys(*fetcher, from_dir);
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->sources.size(), 1u);
  EXPECT_EQ(keys->sources[0].location, k_repo + "/melange.rsa.pub");
  // A file:// URL: named by its last path component.
  std::vector<std::string> from_url = {"file://" + k_repo + "/melange.rsa.pub"};
  keys = load_keys(*fetcher, from_url);
  ASSERT_TRUE(keys) << keys.error().message;
  EXPECT_EQ(keys->sources[0].name, "melange.rsa.pub");
  EXPECT_NE(keys->keyring.find("melange.rsa.pub"), nullptr);
  // Not a key.
  ASSERT_TRUE(write_file_atomic(dir->path() / "junk.rsa.pub", "not a key"));
  std::vector<std::string> junk = {(dir->path() / "junk.rsa.pub").string()};
  auto bad = load_keys(*fetcher, junk);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("junk.rsa.pub"), std::string::npos) << bad.error().message;
  // Offline and not cached.
  std::vector<std::string> remote = {"https://keys.example/k.rsa.pub"};
  auto offline = load_keys(*fetcher, remote);
  ASSERT_FALSE(offline);
  EXPECT_NE(offline.error().message.find("offline and not cached"), std::string::npos);
}

TEST(RepoSet, Locations) {
  apk::PackageInfo info;
  info.name = "hello";
  info.version = "2.12-r1";
  EXPECT_EQ(index_location("https://packages.wolfi.dev/os", "x86_64"),
            "https://packages.wolfi.dev/os/x86_64/APKINDEX.tar.gz");
  EXPECT_EQ(package_location("./packages", "aarch64", info), "./packages/aarch64/hello-2.12-r1.apk");
}

}  // namespace wisp::pkg::repo
