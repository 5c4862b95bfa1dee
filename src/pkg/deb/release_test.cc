#include "pkg/deb/release.h"

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "base/file.h"

namespace wisp::pkg::deb {
namespace {

constexpr std::string_view k_release = R"(Origin: Debian
Suite: stable
Codename: bookworm
Architectures: amd64 arm64
Components: main contrib
SHA256:
 3b1f5ab8e8c5a1c4ee0c1ac0c0b1d3b4f1f1b2a3c4d5e6f708192a3b4c5d6e7f 1234 main/binary-amd64/Packages
 0000000000000000000000000000000000000000000000000000000000000000 20 main/binary-amd64/Packages.xz
)";

}  // namespace

TEST(DebRelease, ParsesFilesAndLists) {
  auto release = parse_release(k_release);
  ASSERT_TRUE(release) << release.error().message;
  EXPECT_EQ(release->codename, "bookworm");
  EXPECT_EQ(release->architectures, (std::vector<std::string>{"amd64", "arm64"}));
  ASSERT_EQ(release->files.size(), 2u);
  EXPECT_EQ(release->files.at("main/binary-amd64/Packages").size, 1234u);
  EXPECT_EQ(release->files.at("main/binary-amd64/Packages.xz").sha256, std::string(64, '0'));
}

TEST(DebRelease, RefusesMissingOrBadSums) {
  EXPECT_FALSE(parse_release("Suite: stable\nMD5Sum:\n d41d8cd98f00b204e9800998ecf8427e 0 main/Packages\n"));
  EXPECT_FALSE(parse_release("Suite: stable\nSHA256:\n xyz 1 main/Packages\n"));
  EXPECT_FALSE(parse_release("Suite: stable\nSHA256:\n " + std::string(64, 'a') + " notanumber main/Packages\n"));
}

TEST(DebRelease, ClearsignedTextUndoesDashEscaping) {
  std::string message =
      "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nSuite: stable\n- -dashed line\n"
      "-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n";
  auto text = clearsigned_text(message);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, "Suite: stable\n-dashed line\n");
  EXPECT_FALSE(clearsigned_text("Suite: stable\n"));
}

// Real gpg and gpgv: a throwaway key signs a Release both ways; another key's keyring refuses it.
TEST(DebRelease, GpgvChecksBothSignatureForms) {
  if (std::system("command -v gpg >/dev/null && command -v gpgv >/dev/null") != 0)
    GTEST_FAIL() << "gpg and gpgv are needed (scripts/setup-deps installs them)";
  auto dir = TempDir::create("wisp-gpg-test");
  ASSERT_TRUE(dir);
  const std::string d = dir->path().string();
  auto gpg = [&](const std::string& home, const std::string& args) {
    std::string cmd = "GNUPGHOME=" + home + " gpg --batch --quiet --no-tty " + args + " >/dev/null 2>&1";
    return std::system(cmd.c_str());
  };
  for (const char* home : {"/a", "/b"}) {
    std::filesystem::create_directories(d + home);
    std::filesystem::permissions(d + home, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    ASSERT_EQ(gpg(d + home, std::string("--passphrase '' --quick-gen-key 'wisp test ") + home +
                                " <t@example.invalid>' ed25519 sign never"), 0);
  }
  ASSERT_TRUE(write_file_atomic(d + "/Release", k_release));
  ASSERT_EQ(gpg(d + "/a", "--export --output " + d + "/a.gpg"), 0);
  ASSERT_EQ(gpg(d + "/a", "--armor --export --output " + d + "/a.asc"), 0);
  ASSERT_EQ(gpg(d + "/b", "--export --output " + d + "/b.gpg"), 0);
  ASSERT_EQ(gpg(d + "/a", "--clearsign --output " + d + "/InRelease " + d + "/Release"), 0);
  ASSERT_EQ(gpg(d + "/a", "--detach-sign --output " + d + "/Release.gpg " + d + "/Release"), 0);
  auto in_release = read_file(d + "/InRelease");
  auto detached = read_file(d + "/Release.gpg");
  ASSERT_TRUE(in_release && detached);

  auto text = verify_with_gpgv(*in_release, {}, {d + "/a.gpg"});
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, k_release);
  auto armored = verify_with_gpgv(*in_release, {}, {d + "/a.asc"});
  ASSERT_TRUE(armored) << armored.error().message;
  EXPECT_EQ(*armored, k_release);
  EXPECT_TRUE(verify_with_gpgv(k_release, *detached, {d + "/a.gpg"}));

  auto wrong_key = verify_with_gpgv(*in_release, {}, {d + "/b.gpg"});
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().code, Errc::bad_signature);
  std::string tampered(k_release);
  tampered.replace(tampered.find("1234"), 4, "1235");
  auto bad = verify_with_gpgv(tampered, *detached, {d + "/a.gpg"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::bad_signature);
}

}  // namespace wisp::pkg::deb
