#include "pkg/apk/index.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "base/file.h"
#include "io/gzip.h"
#include "io/sink.h"
#include "io/tar.h"

namespace wisp::pkg::apk {
namespace {

const std::string k_apk = std::string(WISP_TESTDATA) + "/apk";
const std::string k_wolfi_index = k_apk + "/wolfi-index/x86_64/APKINDEX.tar.gz";
const std::string k_wolfi_key = k_apk + "/wolfi-index/wolfi-signing.rsa.pub";
const std::string k_mini_key = k_apk + "/apko-mini-repo/melange.rsa.pub";

const PrivateKey& test_key() {
  static const PrivateKey key = [] {
    auto k = PrivateKey::generate("test.rsa.pub", 2048);
    if (!k) throw std::runtime_error(k.error().message);
    return *k;
  }();
  return key;
}

Keyring keyring_of(const std::string& path) {
  Keyring ring;
  auto st = ring.add_path(path);
  if (!st) ADD_FAILURE() << st.error().message;
  return ring;
}

/// The decompressed APKINDEX text of a real index file (the tar is read with the io library).
std::string index_text_of(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return {};
  auto members = io::gunzip_members(*bytes);
  if (!members) return {};
  io::TarReader reader(members->back().data);
  while (auto entry = reader.next()) {
    if (!*entry) break;
    if ((*entry)->path == "APKINDEX") return std::string(reader.content());
  }
  return {};
}

std::string tar_of(const std::vector<std::pair<std::string, std::string>>& files, bool end_marker) {
  std::string out;
  io::StringSink sink(out);
  io::TarWriter writer(sink);
  for (const auto& [name, content] : files) {
    io::TarEntry e;
    e.path = name;
    e.size = content.size();
    EXPECT_TRUE(writer.add(e, content));
  }
  if (end_marker) {
    EXPECT_TRUE(writer.finish());
  }
  return out;
}

Index sample_index() {
  Index index;
  index.description = "v1.0 test";
  PackageInfo a;
  a.checksum = "Q1j9huCmxqWKDR+abKskcY8e/aZMo=";
  a.name = "alpha";
  a.version = "1.0-r0";
  a.arch = "x86_64";
  a.file_size = 1234;
  a.installed_size = 5678;
  a.description = "first package";
  a.license = "MIT";
  a.origin = "alpha";
  a.build_time = 1700000000;
  a.depends = {"so:libc.so.6", "beta>=2"};
  a.provides = {"cmd:alpha=1.0-r0"};
  PackageInfo b;
  b.name = "beta";
  b.version = "2.0-r1";
  b.provider_priority = 10;
  b.install_if = {"alpha", "gamma"};
  index.packages = {a, b};
  return index;
}

// ---- text

TEST(ApkIndexText, WolfiTextRoundTripsByteForByte) {
  std::string text = index_text_of(k_wolfi_index);
  ASSERT_FALSE(text.empty());
  auto entries = parse_index_text(text);
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 47u);
  const PackageInfo& first = entries->front();
  EXPECT_EQ(first.checksum, "Q125bMmvVC13SP1NtBwN+YKl+ro34=");
  EXPECT_EQ(first.name, "libffi");
  EXPECT_EQ(first.version, "3.4.2-r0");
  EXPECT_EQ(first.arch, "x86_64");
  EXPECT_EQ(first.file_size, 69454u);
  EXPECT_EQ(first.installed_size, 249149u);
  EXPECT_EQ(first.description, "portable foreign function interface library");
  EXPECT_EQ(first.license, "MIT");
  EXPECT_EQ(first.origin, "libffi");
  EXPECT_EQ(first.depends, (std::vector<std::string>{"so:libc.so.6"}));
  EXPECT_EQ(first.provides, (std::vector<std::string>{"so:libffi.so.8=8"}));
  EXPECT_FALSE(first.build_time);
  EXPECT_FALSE(first.uninstallable);
  // The real file was written in apk-tools' letter order, so our writer reproduces it exactly,
  // except that we leave out empty fields (three packages there have an empty "T:").
  std::string without_empty = text;
  for (size_t at; (at = without_empty.find("\nT:\n")) != std::string::npos;)
    without_empty.erase(at + 1, 3);
  EXPECT_EQ(format_index_text(*entries), without_empty);
}

TEST(ApkIndexText, MiniRepoTextRoundTrips) {
  std::string text = index_text_of(k_apk + "/apko-mini-repo/x86_64/APKINDEX.tar.gz");
  auto entries = parse_index_text(text);
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 4u);
  EXPECT_EQ((*entries)[0].maintainer, "unknown");
  EXPECT_EQ((*entries)[0].build_time, 0);
  EXPECT_EQ((*entries)[0].commit, "9d44001f59df63d4e03b43574b7285dd9e7a22f4");
  EXPECT_EQ((*entries)[3].depends, (std::vector<std::string>{"pretend-baselayout"}));
  EXPECT_EQ(format_index_text(*entries), text);
}

TEST(ApkIndexText, InstalledDbLettersAndForwardCompat) {
  auto entries = parse_index_text(
      "P:musl\nV:1.2.3-r4\nA:x86_64\nS:1\nI:2\nr:musl-old other\nq:5\n"
      "F:lib\nM:0:0:755\nR:libc.so\na:0:0:777\nZ:Q1kiljhXXH1LlQroHsEJIkPZg2eiw=\n"
      "s:tag\nf:x\ng:tag1\nx:future-optional\nk:0\ni:[]\nU:\np:\n"
      "\n"
      "P:future\nV:1\nW:something new\n");
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 2u);
  const auto& musl = (*entries)[0];
  EXPECT_EQ(musl.replaces, (std::vector<std::string>{"musl-old", "other"}));
  EXPECT_EQ(musl.replaces_priority, 5);
  EXPECT_EQ(musl.provider_priority, 0);
  EXPECT_TRUE(musl.install_if.empty());  // apko's "i:[]"
  EXPECT_TRUE(musl.provides.empty());
  EXPECT_FALSE(musl.uninstallable);
  EXPECT_TRUE((*entries)[1].uninstallable);
  // k:0 is not written back (apko quirk, not to be copied).
  EXPECT_EQ(format_index_text({musl}).find("k:"), std::string::npos);
}

TEST(ApkIndexText, BlocksAndLineEndings) {
  // CRLF, several blank lines, no final blank line, whitespace-only separator lines.
  auto entries = parse_index_text("\n\nP:a\r\nV:1\r\n\r\n\r\n  \nP:b\nV:2\nD:x  y\tz");
  ASSERT_TRUE(entries) << entries.error().message;
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].name, "a");
  EXPECT_EQ((*entries)[0].version, "1");
  EXPECT_EQ((*entries)[1].depends, (std::vector<std::string>{"x", "y", "z"}));
  auto empty = parse_index_text("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto repeated = parse_index_text("P:a\nV:1\nD:x\nD:y\n");
  ASSERT_TRUE(repeated);
  EXPECT_EQ((*repeated)[0].depends, (std::vector<std::string>{"x", "y"}));
}

TEST(ApkIndexText, HostileInput) {
  auto no_name = parse_index_text("P:a\nV:1\n\nV:2\nA:x86_64\n");
  ASSERT_FALSE(no_name);
  EXPECT_EQ(no_name.error().code, Errc::bad_format);
  EXPECT_NE(no_name.error().message.find("line 4"), std::string::npos) << no_name.error().message;
  EXPECT_NE(no_name.error().message.find("P:"), std::string::npos);

  auto no_version = parse_index_text("P:a\n");
  ASSERT_FALSE(no_version);
  EXPECT_NE(no_version.error().message.find("V:"), std::string::npos);
  EXPECT_FALSE(parse_index_text("P:\nV:1\n"));

  auto bad_line = parse_index_text("P:a\nV:1\nthis is not a field\n");
  ASSERT_FALSE(bad_line);
  EXPECT_NE(bad_line.error().message.find("line 3"), std::string::npos);
  EXPECT_FALSE(parse_index_text("P:a\nV:1\nX\n"));
  EXPECT_FALSE(parse_index_text("P:a\nV:1\n:x\n"));

  auto bad_number = parse_index_text("P:a\nV:1\nS:12x\n");
  ASSERT_FALSE(bad_number);
  EXPECT_NE(bad_number.error().message.find("line 3"), std::string::npos);
  EXPECT_FALSE(parse_index_text("P:a\nV:1\nI:-1\n"));
  EXPECT_FALSE(parse_index_text("P:a\nV:1\nk:99999999999999999999\n"));
  EXPECT_FALSE(parse_index_text("P:a\nV:1\nt:soon\n"));
}

// ---- signed index files

TEST(ApkIndex, ReadsAndVerifiesRealWolfiIndex) {
  Keyring ring = keyring_of(k_wolfi_key);
  auto index = load_index(k_wolfi_index, {.keyring = &ring});
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_EQ(index->packages.size(), 47u);
  EXPECT_EQ(index->signed_key, "wolfi-signing.rsa.pub");
  ASSERT_EQ(index->signatures.size(), 1u);
  EXPECT_EQ(index->signatures[0].alg, SignAlg::rsa_sha1);
  EXPECT_EQ(index->signatures[0].key_name, "wolfi-signing.rsa.pub");
  EXPECT_EQ(index->signatures[0].signature.size(), 512u);
  EXPECT_EQ(index->description, "");
}

TEST(ApkIndex, ReadsAndVerifiesMiniRepoIndexes) {
  Keyring ring = keyring_of(k_mini_key);
  for (std::string arch : {"x86_64", "aarch64"}) {
    auto index = load_index(k_apk + "/apko-mini-repo/" + arch + "/APKINDEX.tar.gz", {.keyring = &ring});
    ASSERT_TRUE(index) << index.error().message;
    EXPECT_EQ(index->packages.size(), 4u);
    EXPECT_EQ(index->signed_key, "melange.rsa.pub");
    ASSERT_EQ(index->signatures.size(), 1u);
    EXPECT_EQ(index->signatures[0].alg, SignAlg::rsa_sha256);
    for (const auto& p : index->packages) EXPECT_EQ(p.arch, arch);
  }
}

TEST(ApkIndex, WrongKeyringFailsNamingBothSides) {
  Keyring ring = keyring_of(k_wolfi_key);
  auto index = load_index(k_apk + "/apko-mini-repo/x86_64/APKINDEX.tar.gz", {.keyring = &ring});
  ASSERT_FALSE(index);
  EXPECT_EQ(index.error().code, Errc::bad_signature);
  const std::string& msg = index.error().message;
  EXPECT_NE(msg.find("APKINDEX.tar.gz"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no trusted signature"), std::string::npos) << msg;
  EXPECT_NE(msg.find("signed by melange.rsa.pub"), std::string::npos) << msg;
  EXPECT_NE(msg.find("wolfi-signing.rsa.pub"), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos);

  Keyring empty;
  auto none = load_index(k_wolfi_index, {.keyring = &empty});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::bad_signature);

  // Without a keyring the same file reads, unverified.
  auto unverified = load_index(k_apk + "/apko-mini-repo/x86_64/APKINDEX.tar.gz", {});
  ASSERT_TRUE(unverified);
  EXPECT_EQ(unverified->signed_key, "");
  EXPECT_EQ(unverified->signatures.size(), 1u);
}

TEST(ApkIndex, KeyFoundByApkoFallbackName) {
  // A key stored without the .rsa.pub suffix still verifies `.SIGN.RSA256.melange.rsa.pub`.
  auto pem = read_file(k_mini_key);
  ASSERT_TRUE(pem);
  auto key = PublicKey::from_pem("melange", *pem);
  ASSERT_TRUE(key);
  Keyring ring;
  ring.add(*key);
  auto index = load_index(k_apk + "/apko-mini-repo/x86_64/APKINDEX.tar.gz", {.keyring = &ring});
  ASSERT_TRUE(index) << index.error().message;
  EXPECT_EQ(index->signed_key, "melange");
}

TEST(ApkIndex, TamperedIndexMemberFails) {
  auto bytes = read_file(k_wolfi_index);
  ASSERT_TRUE(bytes);
  auto members = io::gunzip_members(*bytes);
  ASSERT_TRUE(members);
  ASSERT_EQ(members->size(), 2u);
  Keyring ring = keyring_of(k_wolfi_key);

  // A flipped byte in the gzip header's MTIME: still valid gzip, but not the signed bytes.
  std::string header_flip = *bytes;
  header_flip[members->back().offset + 5] = static_cast<char>(header_flip[members->back().offset + 5] ^ 0x20);
  auto r1 = read_index(header_flip, {.keyring = &ring});
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().code, Errc::bad_signature) << r1.error().message;
  EXPECT_NE(r1.error().message.find("does not verify"), std::string::npos) << r1.error().message;

  // A flipped byte in the middle of the compressed data: fails one way or another.
  std::string data_flip = *bytes;
  size_t mid = members->back().offset + members->back().compressed_size / 2;
  data_flip[mid] = static_cast<char>(data_flip[mid] ^ 0x01);
  EXPECT_FALSE(read_index(data_flip, {.keyring = &ring}));

  // A well-formed replacement index member under the original signature.
  std::string text = index_text_of(k_wolfi_index);
  text.replace(text.find("V:3.4.2-r0"), 10, "V:3.4.2-r9");
  std::string forged = std::string(members->front().raw(*bytes)) +
                       io::gzip_compress(tar_of({{"DESCRIPTION", ""}, {"APKINDEX", text}}, true));
  auto r3 = read_index(forged, {.keyring = &ring});
  ASSERT_FALSE(r3);
  EXPECT_EQ(r3.error().code, Errc::bad_signature);
  EXPECT_TRUE(read_index(forged, {}));  // structurally fine
}

TEST(ApkIndex, WriteReadRoundTrip) {
  Index index = sample_index();
  auto bytes = write_index(index, &test_key(), 1234567890);
  ASSERT_TRUE(bytes) << bytes.error().message;

  Keyring ring;
  ring.add(test_key().public_key());
  auto back = read_index(*bytes, {.keyring = &ring});
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->signed_key, "test.rsa.pub");
  EXPECT_EQ(back->description, "v1.0 test");
  ASSERT_EQ(back->signatures.size(), 1u);
  EXPECT_EQ(back->signatures[0].alg, SignAlg::rsa_sha256);
  EXPECT_EQ(back->signatures[0].key_name, "test.rsa.pub");
  EXPECT_EQ(format_index_text(back->packages), format_index_text(index.packages));
  ASSERT_EQ(back->packages.size(), 2u);
  EXPECT_EQ(back->packages[1].provider_priority, 10);
  EXPECT_EQ(back->packages[0].build_time, 1700000000);

  // Deterministic: the same input gives the same bytes.
  auto again = write_index(index, &test_key(), 1234567890);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *bytes);

  // Layout: a cut signature tar (one header + one 512-byte block, no end marker), then the
  // index tar with DESCRIPTION first, root:root 0644, the given mtime and an end marker.
  auto members = io::gunzip_members(*bytes);
  ASSERT_TRUE(members);
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].data.size(), 1024u);
  io::TarReader sig_reader((*members)[0].data, {.require_end_marker = false});
  auto sig_entry = sig_reader.next();
  ASSERT_TRUE(sig_entry && *sig_entry);
  EXPECT_EQ((*sig_entry)->path, ".SIGN.RSA256.test.rsa.pub");
  EXPECT_EQ((*sig_entry)->mode, 0644u);
  EXPECT_EQ((*sig_entry)->uname, "root");
  EXPECT_EQ((*sig_entry)->mtime, 1234567890);

  io::TarReader reader((*members)[1].data);  // requires the end marker
  std::vector<std::string> names;
  for (;;) {
    auto entry = reader.next();
    ASSERT_TRUE(entry) << entry.error().message;
    if (!*entry) break;
    names.push_back((*entry)->path);
    EXPECT_EQ((*entry)->mode, 0644u);
    EXPECT_EQ((*entry)->uid, 0u);
    EXPECT_EQ((*entry)->gid, 0u);
    EXPECT_EQ((*entry)->uname, "root");
    EXPECT_EQ((*entry)->gname, "root");
    EXPECT_EQ((*entry)->mtime, 1234567890);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"DESCRIPTION", "APKINDEX"}));

  // Another key does not verify it.
  auto other = PrivateKey::generate("other.rsa.pub", 2048);
  ASSERT_TRUE(other);
  Keyring wrong;
  wrong.add(other->public_key());
  EXPECT_FALSE(read_index(*bytes, {.keyring = &wrong}));
}

TEST(ApkIndex, WrittenSignatureVerifiesWithOpenssl) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl tool";
  auto bytes = write_index(sample_index(), &test_key(), 0);
  ASSERT_TRUE(bytes);
  auto members = io::gunzip_members(*bytes);
  ASSERT_TRUE(members);
  io::TarReader sig_reader((*members)[0].data, {.require_end_marker = false});
  auto entry = sig_reader.next();
  ASSERT_TRUE(entry && *entry);
  auto dir = TempDir::create("wisp-index");
  ASSERT_TRUE(dir);
  ASSERT_TRUE(write_file_atomic(dir->path() / "index.tar.gz", (*members)[1].raw(*bytes)));
  ASSERT_TRUE(write_file_atomic(dir->path() / "sig", sig_reader.content()));
  ASSERT_TRUE(write_file_atomic(dir->path() / "key.pub", test_key().public_pem()));
  ASSERT_TRUE(write_file_atomic(dir->path() / "all.tar.gz", *bytes));
  std::string cmd = fmt::format(
      "cd {} && openssl dgst -sha256 -verify key.pub -signature sig index.tar.gz >/dev/null 2>&1"
      " && tar tzf all.tar.gz > list 2>/dev/null",
      dir->path().string());
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto list = read_file(dir->path() / "list");
  ASSERT_TRUE(list);
  // GNU tar reads the concatenation as one archive, as apk does.
  EXPECT_EQ(*list, ".SIGN.RSA256.test.rsa.pub\nDESCRIPTION\nAPKINDEX\n");
}

TEST(ApkIndex, SignWithEachAlgorithm) {
  Keyring ring;
  ring.add(test_key().public_key());
  for (auto alg : {SignAlg::rsa_sha1, SignAlg::rsa_sha256, SignAlg::rsa_sha512}) {
    auto bytes = write_index(sample_index(), &test_key(), 0, alg);
    ASSERT_TRUE(bytes);
    auto back = read_index(*bytes, {.keyring = &ring});
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->signatures[0].alg, alg);
  }
}

TEST(ApkIndex, UnsignedIndex) {
  auto bytes = write_index(sample_index(), nullptr, 0);
  ASSERT_TRUE(bytes);
  auto members = io::gunzip_members(*bytes);
  ASSERT_TRUE(members);
  EXPECT_EQ(members->size(), 1u);
  auto back = read_index(*bytes, {});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->packages.size(), 2u);
  EXPECT_TRUE(back->signatures.empty());
  Keyring ring;
  ring.add(test_key().public_key());
  auto verified = read_index(*bytes, {.keyring = &ring});
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().code, Errc::bad_signature);
  EXPECT_NE(verified.error().message.find("not signed"), std::string::npos);
}

TEST(ApkIndex, SeveralSignaturesOneTrustedIsEnough) {
  auto signed_bytes = write_index(sample_index(), &test_key(), 0);
  ASSERT_TRUE(signed_bytes);
  auto members = io::gunzip_members(*signed_bytes);
  ASSERT_TRUE(members);
  std::string index_member(members->back().raw(*signed_bytes));
  auto good = test_key().sign(SignAlg::rsa_sha256, index_member);
  ASSERT_TRUE(good);

  // Key rotation: an unknown key, a DSA entry (skipped), then ours, in one member ...
  std::string one_member = io::gzip_compress(tar_of({{".SIGN.RSA256.unknown.rsa.pub", std::string(256, 'x')},
                                                     {".SIGN.DSA.old.pub", "dsa"},
                                                     {".SIGN.RSA256.test.rsa.pub", *good}},
                                                    false)) +
                           index_member;
  Keyring ring;
  ring.add(test_key().public_key());
  auto r1 = read_index(one_member, {.keyring = &ring});
  ASSERT_TRUE(r1) << r1.error().message;
  EXPECT_EQ(r1->signatures.size(), 2u);
  EXPECT_EQ(r1->signed_key, "test.rsa.pub");

  // ... or in separate members.
  std::string two_members = io::gzip_compress(tar_of({{".SIGN.RSA.unknown.rsa.pub", "x"}}, false)) +
                            io::gzip_compress(tar_of({{".SIGN.RSA256.test.rsa.pub", *good}}, false)) +
                            index_member;
  auto r2 = read_index(two_members, {.keyring = &ring});
  ASSERT_TRUE(r2) << r2.error().message;
  EXPECT_EQ(r2->signatures.size(), 2u);

  // A bad signature by a trusted key next to a good one: still verified.
  std::string bad_then_good =
      io::gzip_compress(tar_of({{".SIGN.RSA256.test.rsa.pub", std::string(256, '\0')}}, false)) +
      io::gzip_compress(tar_of({{".SIGN.RSA256.test", *good}}, false)) + index_member;
  auto r3 = read_index(bad_then_good, {.keyring = &ring});
  ASSERT_TRUE(r3) << r3.error().message;
}

TEST(ApkIndex, HostileLayouts) {
  auto index_member = io::gzip_compress(tar_of({{"APKINDEX", "P:a\nV:1\n\n"}}, true));
  ASSERT_TRUE(read_index(index_member, {}));

  EXPECT_FALSE(read_index("", {}));
  EXPECT_FALSE(read_index("not gzip at all", {}));
  // Index data spread over two members.
  auto split = read_index(index_member + index_member, {});
  ASSERT_FALSE(split);
  EXPECT_EQ(split.error().code, Errc::bad_format);
  // Signature member after the index.
  std::string sig = io::gzip_compress(tar_of({{".SIGN.RSA256.k.rsa.pub", "x"}}, false));
  EXPECT_FALSE(read_index(index_member + sig, {}));
  // Only a signature member.
  EXPECT_FALSE(read_index(sig, {}));
  // No APKINDEX entry.
  EXPECT_FALSE(read_index(io::gzip_compress(tar_of({{"DESCRIPTION", "x"}}, true)), {}));
  // Two APKINDEX entries.
  EXPECT_FALSE(read_index(io::gzip_compress(tar_of({{"APKINDEX", "P:a\nV:1\n"}, {"APKINDEX", ""}}, true)), {}));
  // Malformed signature names.
  EXPECT_FALSE(read_index(io::gzip_compress(tar_of({{".SIGN.RSA256", "x"}}, false)) + index_member, {}));
  EXPECT_FALSE(read_index(io::gzip_compress(tar_of({{".SIGN.RSA256.", "x"}}, false)) + index_member, {}));
  // A signature member with something else after the signature.
  EXPECT_FALSE(read_index(
      io::gzip_compress(tar_of({{".SIGN.RSA256.k", "x"}, {".PKGINFO", "y"}}, false)) + index_member, {}));
  // Bad index text.
  EXPECT_FALSE(read_index(io::gzip_compress(tar_of({{"APKINDEX", "garbage\n"}}, true)), {}));
  // Truncated file.
  std::string bytes = index_member;
  EXPECT_FALSE(read_index(std::string_view(bytes).substr(0, bytes.size() - 3), {}));
}

}  // namespace
}  // namespace wisp::pkg::apk
