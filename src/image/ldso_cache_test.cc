#include "image/ldso_cache.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "base/file.h"
#include "image/customize.h"

namespace wisp::image {
namespace {

constexpr uint16_t kX8664 = 62, kAarch64 = 183, kArm = 40, kS390 = 22;

struct ElfSpec {
  uint16_t machine = kX8664;
  bool is64 = true;
  bool big = false;
  uint32_t flags = 0;
  std::optional<std::string> soname = "libgreet.so.1";
  size_t padding = 0;  // zero bytes before the string table
};

void put(std::string& out, size_t at, uint64_t value, unsigned width, bool big) {
  if (out.size() < at + width) out.resize(at + width, '\0');
  for (unsigned i = 0; i < width; ++i) out[at + i] = static_cast<char>(value >> (8 * (big ? width - 1 - i : i)));
}

// A minimal shared object: header, PT_LOAD over the whole file, PT_DYNAMIC, string table.
std::string make_elf(const ElfSpec& spec) {
  const bool b = spec.big;
  const unsigned word = spec.is64 ? 8 : 4;
  const size_t ehsize = spec.is64 ? 64 : 52, phentsize = spec.is64 ? 56 : 32;
  const size_t phoff = ehsize, dynoff = phoff + 2 * phentsize;
  const size_t dynsize = 4 * 2 * word, stroff = dynoff + dynsize + spec.padding;
  const std::string strtab = std::string(1, '\0') + spec.soname.value_or("") + '\0';
  const uint64_t base = 0x10000;
  std::string out(stroff, '\0');
  out.append(strtab);
  out[0] = 0x7f, out[1] = 'E', out[2] = 'L', out[3] = 'F';
  out[4] = spec.is64 ? 2 : 1;
  out[5] = b ? 2 : 1;
  out[6] = 1;
  put(out, 16, 3, 2, b);  // ET_DYN
  put(out, 18, spec.machine, 2, b);
  put(out, 20, 1, 4, b);
  put(out, spec.is64 ? 32 : 28, phoff, word, b);
  put(out, spec.is64 ? 48 : 36, spec.flags, 4, b);
  put(out, spec.is64 ? 52 : 40, ehsize, 2, b);
  put(out, spec.is64 ? 54 : 42, phentsize, 2, b);
  put(out, spec.is64 ? 56 : 44, 2, 2, b);
  auto phdr = [&](size_t i, uint32_t type, uint64_t offset, uint64_t vaddr, uint64_t size) {
    size_t at = phoff + i * phentsize;
    put(out, at, type, 4, b);
    if (spec.is64) {
      put(out, at + 8, offset, 8, b), put(out, at + 16, vaddr, 8, b), put(out, at + 32, size, 8, b);
    } else {
      put(out, at + 4, offset, 4, b), put(out, at + 8, vaddr, 4, b), put(out, at + 16, size, 4, b);
    }
  };
  phdr(0, 1, 0, base, out.size());
  phdr(1, 2, dynoff, base + dynoff, dynsize);
  auto dyn = [&](size_t i, uint64_t tag, uint64_t value) {
    put(out, dynoff + i * 2 * word, tag, word, b);
    put(out, dynoff + i * 2 * word + word, value, word, b);
  };
  dyn(0, 5, base + stroff);  // DT_STRTAB
  dyn(1, 10, strtab.size());  // DT_STRSZ
  if (spec.soname) dyn(2, 14, 1);  // DT_SONAME
  return out;
}

struct Decoded {
  std::string soname, path;
  int32_t flags;
  bool operator==(const Decoded&) const = default;
};

uint64_t get(std::string_view s, size_t at, unsigned width, bool big) {
  uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i)
    v = (v << 8) | static_cast<unsigned char>(s[at + (big ? i : width - 1 - i)]);
  return v;
}

std::vector<Decoded> decode(std::string_view cache, bool big = false) {
  std::vector<Decoded> out;
  uint32_t n = static_cast<uint32_t>(get(cache, 20, 4, big));
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = 48 + 24 * i;
    out.push_back({std::string(cache.data() + get(cache, at + 4, 4, big)),
                   std::string(cache.data() + get(cache, at + 8, 4, big)),
                   static_cast<int32_t>(get(cache, at, 4, big))});
  }
  return out;
}

TEST(ElfLibrary, ReadsSonameOfEveryClassAndByteOrder) {
  for (bool is64 : {true, false}) {
    for (bool big : {false, true}) {
      Result<ElfLibrary> lib = read_elf_library(make_elf({kS390, is64, big, 0x400, "libx.so.3"}));
      ASSERT_TRUE(lib) << is64 << big << lib.error().message;
      EXPECT_EQ(lib->is64, is64);
      EXPECT_EQ(lib->big_endian, big);
      EXPECT_EQ(lib->machine, kS390);
      EXPECT_EQ(lib->flags, 0x400u);
      EXPECT_EQ(lib->soname, "libx.so.3");
    }
  }
}

TEST(ElfLibrary, NoSonameIsNotAnError) {
  Result<ElfLibrary> lib = read_elf_library(make_elf({.soname = std::nullopt}));
  ASSERT_TRUE(lib);
  EXPECT_FALSE(lib->soname);
}

TEST(ElfLibrary, RejectsMalformedBytes) {
  EXPECT_EQ(read_elf_library("hello").error().code, Errc::bad_format);
  std::string elf = make_elf({});
  std::string not_dyn = elf;
  not_dyn[16] = 2;  // ET_EXEC
  EXPECT_FALSE(read_elf_library(not_dyn));
  std::string bad_soname = elf;
  put(bad_soname, 64 + 2 * 56 + 2 * 16 + 8, 0xffffff, 8, false);  // DT_SONAME far outside
  EXPECT_EQ(read_elf_library(bad_soname).error().code, Errc::bad_format);
  std::string unterminated = elf.substr(0, elf.size() - 1);
  EXPECT_FALSE(read_elf_library(unterminated));
  // Every truncation fails cleanly instead of reading past the end.
  for (size_t n = 0; n < elf.size(); ++n) EXPECT_FALSE(read_elf_library(elf.substr(0, n))) << n;
}

TEST(ElfLibrary, ReadsTheHostLibc) {
  const char* path = "/lib/x86_64-linux-gnu/libc.so.6";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  Result<std::string> bytes = read_file(path);
  ASSERT_TRUE(bytes);
  Result<ElfLibrary> lib = read_elf_library(*bytes);
  ASSERT_TRUE(lib) << lib.error().message;
  EXPECT_EQ(lib->machine, kX8664);
  EXPECT_EQ(lib->soname, "libc.so.6");
  EXPECT_EQ(ld_cache_flags("x86_64", *lib), 0x0303);
}

TEST(LdCacheFlags, MatchArchAndFloatAbi) {
  ElfLibrary x86_64{true, false, kX8664, 0, {}};
  EXPECT_EQ(ld_cache_flags("x86_64", x86_64), 0x0303);
  EXPECT_EQ(ld_cache_flags("aarch64", x86_64), std::nullopt);
  EXPECT_EQ(ld_cache_flags("aarch64", ElfLibrary{true, false, kAarch64, 0, {}}), 0x0a03);
  EXPECT_EQ(ld_cache_flags("armv7", ElfLibrary{false, false, kArm, 0x05000400, {}}), 0x0903);
  EXPECT_EQ(ld_cache_flags("armv7", ElfLibrary{false, false, kArm, 0x05000200, {}}), 0x0b03);
  EXPECT_EQ(ld_cache_flags("armv7", ElfLibrary{true, false, kArm, 0, {}}), std::nullopt);
  EXPECT_EQ(ld_cache_flags("s390x", ElfLibrary{true, true, kS390, 0, {}}), 0x0403);
  EXPECT_EQ(ld_cache_flags("s390x", ElfLibrary{true, false, kS390, 0, {}}), std::nullopt);
  EXPECT_EQ(ld_cache_flags("riscv64", ElfLibrary{true, false, 243, 0x5, {}}), 0x1003);
  EXPECT_EQ(ld_cache_flags("loongarch64", ElfLibrary{true, false, 258, 0x43, {}}), 0x1203);
  EXPECT_EQ(ld_cache_flags("mips", x86_64), std::nullopt);
}

TEST(LdCacheLibcmp, NumbersCompareNumericallyAndAfterLetters) {
  EXPECT_GT(ld_cache_libcmp("libfoo.so.10", "libfoo.so.9"), 0);
  EXPECT_LT(ld_cache_libcmp("libfoo.so.9", "libfoo.so.10"), 0);
  EXPECT_EQ(ld_cache_libcmp("libfoo.so.007", "libfoo.so.7"), 0);
  EXPECT_GT(ld_cache_libcmp("lib1", "libz"), 0);  // a digit sorts after any other character
  EXPECT_LT(ld_cache_libcmp("liba", "libb"), 0);
  EXPECT_LT(ld_cache_libcmp("libc.so", "libc.so.6"), 0);
  EXPECT_EQ(ld_cache_libcmp("libc.so.6", "libc.so.6"), 0);
  EXPECT_GT(ld_cache_libcmp("libc.so.99999999999999999999", "libc.so.9"), 0);
}

TEST(LdCacheEncode, HeaderEntriesAndOrder) {
  std::string cache = encode_ld_so_cache(
      {{"liba.so.1", "/lib/liba.so.1", 0x0303}, {"libz.so.1", "/lib/libz.so.1", 0x0303},
       {"liba.so.1", "/opt/liba.so.1", 0x0303}, {"libm.so.6", "/lib/libm.so.6", 0x0003},
       {"libm.so.6", "/lib64/libm.so.6", 0x0303}},
      false);
  ASSERT_GE(cache.size(), 48u);
  EXPECT_EQ(cache.substr(0, 20), "glibc-ld.so.cache1.1");
  EXPECT_EQ(get(cache, 20, 4, false), 5u);
  EXPECT_EQ(cache[28], 2);  // little endian
  const uint64_t strings = 48 + 5 * 24;
  EXPECT_EQ(get(cache, 24, 4, false) + strings <= cache.size(), true);
  uint64_t ext = get(cache, 32, 4, false);
  EXPECT_EQ(ext % 4, 0u);
  EXPECT_EQ(get(cache, ext, 4, false), 0xEAA42174u);
  EXPECT_EQ(cache.substr(cache.size() - 4), "wisp");
  // Descending name order; equal names: higher flags first, then the order given.
  std::vector<Decoded> want = {{"libz.so.1", "/lib/libz.so.1", 0x0303},
                               {"libm.so.6", "/lib64/libm.so.6", 0x0303},
                               {"libm.so.6", "/lib/libm.so.6", 0x0003},
                               {"liba.so.1", "/lib/liba.so.1", 0x0303},
                               {"liba.so.1", "/opt/liba.so.1", 0x0303}};
  EXPECT_EQ(decode(cache), want);
}

TEST(LdCacheEncode, BigEndian) {
  std::string cache = encode_ld_so_cache({{"libc.so.6", "/lib/libc.so.6", 0x0403}}, true);
  EXPECT_EQ(cache[28], 3);
  EXPECT_EQ(decode(cache, true), (std::vector<Decoded>{{"libc.so.6", "/lib/libc.so.6", 0x0403}}));
}

// Debian's ldconfig prints a cache file it is given: the host's own reader must accept ours.
std::string ldconfig_print(const std::string& cache) {
  TempDir dir = std::move(TempDir::create("ldso").value());
  std::filesystem::path file = dir.path() / "ld.so.cache";
  EXPECT_TRUE(write_file_atomic(file, cache));
  std::string out;
  if (FILE* p = popen(("/usr/sbin/ldconfig -p -C " + file.string() + " 2>&1").c_str(), "r")) {
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    EXPECT_EQ(pclose(p), 0) << out;
  }
  return out;
}

TEST(LdCacheEncode, HostLdconfigReadsIt) {
  if (!std::filesystem::exists("/usr/sbin/ldconfig")) GTEST_SKIP() << "no ldconfig";
  std::string out = ldconfig_print(
      encode_ld_so_cache({{"libgreet.so.1", "/opt/greet/lib/libgreet.so.1", 0x0303},
                          {"libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", 0x0303}},
                         false));
  EXPECT_NE(out.find("2 libs found in cache"), std::string::npos) << out;
  EXPECT_NE(out.find("libgreet.so.1 (libc6,x86-64) => /opt/greet/lib/libgreet.so.1"), std::string::npos) << out;
  EXPECT_NE(out.find("libc.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libc.so.6"), std::string::npos) << out;
  EXPECT_NE(out.find("Cache generated by: wisp"), std::string::npos) << out;
}

struct Tree {
  ContentStore store = std::move(ContentStore::create().value());
  Rootfs fs;

  void file(const std::string& path, std::string data) { ASSERT_TRUE(fs.put_file(path, std::move(data), 0644, 0)); }
  void symlink(const std::string& path, const std::string& target) {
    Node n;
    n.kind = NodeKind::symlink;
    n.mode = 0777;
    n.link_target = target;
    ASSERT_TRUE(fs.put(path, std::move(n)));
  }
  void stored(const std::string& path, const std::string& bytes) {
    Node n;
    n.kind = NodeKind::file;
    n.mode = 0644;
    n.size = bytes.size();
    n.stored = store.add(bytes).value();
    ASSERT_TRUE(fs.put(path, std::move(n)));
  }
  std::vector<Decoded> cache() {
    Result<std::string> bytes = read_tree_file(fs, store, "etc/ld.so.cache");
    EXPECT_TRUE(bytes);
    return bytes ? decode(*bytes) : std::vector<Decoded>{};
  }
};

TEST(WriteLdSoCache, NothingWithoutLdSoConf) {
  Tree t;
  t.file("lib/libc.so.6", make_elf({.soname = "libc.so.6"}));
  ASSERT_TRUE(write_ld_so_cache(t.fs, t.store, "x86_64", 0));
  EXPECT_EQ(t.fs.find("etc/ld.so.cache"), nullptr);
}

TEST(WriteLdSoCache, ConfIncludesGlobsAndPicksSonames) {
  Tree t;
  t.file("etc/ld.so.conf", "# comment\ninclude ld.so.conf.d/*.conf\n/opt/b/lib/  # trailing\n\n");
  t.file("etc/ld.so.conf.d/a.conf", "/opt/a/lib\n");
  t.file("etc/ld.so.conf.d/.hidden.conf", "/opt/hidden\n");
  t.file("etc/ld.so.conf.d/a.conf.disabled", "/opt/disabled\n");
  t.file("opt/hidden/libh.so.1", make_elf({.soname = "libh.so.1"}));
  t.file("opt/disabled/libd.so.1", make_elf({.soname = "libd.so.1"}));
  t.file("opt/a/lib/libgreet.so.1.2.3", make_elf({}));
  t.symlink("opt/a/lib/libgreet.so.1", "libgreet.so.1.2.3");
  t.symlink("opt/a/lib/libgreet.so", "libgreet.so.1.2.3");
  t.file("opt/a/lib/libother.so.2.0", make_elf({.soname = "libother.so.2"}));  // no soname link
  t.file("opt/a/lib/libother.so.2.1", make_elf({.soname = "libother.so.2"}));
  t.file("opt/a/lib/libarm.so.1", make_elf({.machine = kAarch64, .soname = "libarm.so.1"}));
  t.file("opt/a/lib/libjunk.so", "not elf");
  t.file("opt/a/lib/notalib.so.1", make_elf({.soname = "notalib.so.1"}));
  t.symlink("opt/a/lib/libdangling.so.1", "nowhere");
  t.file("opt/a/lib/libplain.so", make_elf({.soname = std::nullopt}));
  t.symlink("opt/b", "a");  // the same directory again: scanned once
  t.file("usr/lib/libc.so.6", make_elf({.soname = "libc.so.6"}));
  t.symlink("lib", "usr/lib");
  ASSERT_TRUE(write_ld_so_cache(t.fs, t.store, "x86_64", 42));
  EXPECT_EQ(ld_so_conf_dirs(t.fs, t.store), (std::vector<std::string>{"/opt/a/lib", "/opt/b/lib", "/lib", "/usr/lib"}));
  std::vector<Decoded> want = {{"libplain.so", "/opt/a/lib/libplain.so", 0x0303},
                               {"libother.so.2", "/opt/a/lib/libother.so.2.1", 0x0303},
                               {"libgreet.so.1", "/opt/a/lib/libgreet.so.1", 0x0303},
                               {"libc.so.6", "/lib/libc.so.6", 0x0303}};
  EXPECT_EQ(t.cache(), want);
  const Node* node = t.fs.find("etc/ld.so.cache");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->mode, 0644u);
  EXPECT_EQ(node->mtime, 42);
}

TEST(WriteLdSoCache, ReadsSpooledLibrariesBeyondThePrefix) {
  Tree t;
  t.file("etc/ld.so.conf", "");
  t.stored("usr/lib/libsmall.so.1", make_elf({.soname = "libsmall.so.1"}));
  t.stored("usr/lib/libbig.so.1", make_elf({.soname = "libbig.so.1", .padding = 600 << 10}));
  ASSERT_TRUE(write_ld_so_cache(t.fs, t.store, "x86_64", 0));
  std::vector<Decoded> want = {{"libsmall.so.1", "/usr/lib/libsmall.so.1", 0x0303},
                               {"libbig.so.1", "/usr/lib/libbig.so.1", 0x0303}};
  EXPECT_EQ(t.cache(), want);
}

TEST(WriteLdSoCache, IncludeLoopsStop) {
  Tree t;
  t.file("etc/ld.so.conf", "include /etc/ld.so.conf\n/opt/x\n");
  ASSERT_TRUE(write_ld_so_cache(t.fs, t.store, "x86_64", 0));
  EXPECT_TRUE(t.cache().empty());
  EXPECT_GT(ld_so_conf_dirs(t.fs, t.store).size(), 2u);
}

}  // namespace
}  // namespace wisp::image
