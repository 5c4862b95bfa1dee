#include "pkg/deb/repository.h"

#include <gtest/gtest.h>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"

namespace wisp::pkg::deb {
namespace {

constexpr std::string_view k_packages = R"(Package: hello
Version: 1:2.10-3
Architecture: amd64
Filename: pool/main/h/hello/hello_1%3a2.10-3+b1_amd64.deb
Size: 10
SHA256: 0000000000000000000000000000000000000000000000000000000000000000

Package: hello-doc
Version: 2.10-3
Architecture: all
Filename: pool/main/h/hello/hello-doc_2.10-3_all.deb
Size: 10
SHA256: 1111111111111111111111111111111111111111111111111111111111111111

Package: hello
Version: 2.10-3
Architecture: arm64
Filename: pool/main/h/hello/hello_2.10-3_arm64.deb
Size: 10
SHA256: 2222222222222222222222222222222222222222222222222222222222222222
)";

struct Fixture {
  TempDir dir = *TempDir::create("wisp-deb-repo-test");
  std::unique_ptr<repo::Fetcher> fetcher;
  Fixture() {
    repo::FetcherOptions options;
    options.cache_dir = dir.path() / "cache";
    fetcher = *repo::Fetcher::create(std::move(options));
  }
};

}  // namespace

TEST(DebRepository, FlatTrustedRepositoryWithoutRelease) {
  Fixture f;
  ASSERT_TRUE(write_file_atomic(f.dir.path() / "Packages", k_packages));
  auto line = parse_source_line("deb [trusted=yes] " + f.dir.path().string() + " ./");
  ASSERT_TRUE(line) << line.error().message;
  auto repo = load_repository(*f.fetcher, *line, "amd64");
  ASSERT_TRUE(repo) << repo.error().message;
  ASSERT_EQ((*repo)->packages.size(), 2u);  // amd64 and all, not arm64
  EXPECT_EQ((*repo)->packages[0].name, "hello");
  EXPECT_EQ((*repo)->location((*repo)->packages[1]),
            f.dir.path().string() + "/pool/main/h/hello/hello-doc_2.10-3_all.deb");
}

TEST(DebRepository, UrlLocationsArePercentEncoded) {
  RepositoryPackages repo;
  repo.source = *parse_source_line("deb [trusted=yes] http://127.0.0.1:1/debian bookworm main");
  PackageEntry entry;
  entry.filename = "pool/main/h/hello/hello_1%3a2.10-3+b1_amd64.deb";
  EXPECT_EQ(repo.location(entry), "http://127.0.0.1:1/debian/pool/main/h/hello/hello_1%253a2.10-3%2bb1_amd64.deb");
}

TEST(DebRepository, UnsignedDistsRepositoryIsRefusedUnlessTrusted) {
  Fixture f;
  auto dists = f.dir.path() / "dists/bookworm";
  std::filesystem::create_directories(dists / "main/binary-amd64");
  ASSERT_TRUE(write_file_atomic(dists / "main/binary-amd64/Packages", k_packages));
  std::string release = "Suite: bookworm\nArchitectures: amd64\nComponents: main\nSHA256:\n " +
                        hex_encode(sha256(k_packages)) + " " + std::to_string(k_packages.size()) +
                        " main/binary-amd64/Packages\n";
  ASSERT_TRUE(write_file_atomic(dists / "Release", release));

  auto signed_line = parse_source_line("deb [signed-by=/nonexistent.gpg] " + f.dir.path().string() + " bookworm main");
  auto refused = load_repository(*f.fetcher, *signed_line, "amd64");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::bad_signature) << refused.error().message;

  auto trusted = parse_source_line("deb [trusted=yes] " + f.dir.path().string() + " bookworm main");
  auto ok = load_repository(*f.fetcher, *trusted, "amd64");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ((*ok)->packages.size(), 2u);

  auto wrong_arch = load_repository(*f.fetcher, *trusted, "arm64");
  ASSERT_FALSE(wrong_arch);
  EXPECT_NE(wrong_arch.error().message.find("no packages for arm64"), std::string::npos)
      << wrong_arch.error().message;

  // A Packages file that differs from what the Release lists is refused.
  ASSERT_TRUE(write_file_atomic(dists / "main/binary-amd64/Packages", std::string(k_packages) + "\n"));
  auto tampered = load_repository(*f.fetcher, *trusted, "amd64");
  ASSERT_FALSE(tampered);
  EXPECT_EQ(tampered.error().code, Errc::digest_mismatch) << tampered.error().message;
}

}  // namespace wisp::pkg::deb
