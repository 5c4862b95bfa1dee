#include "build/arch.h"

#include <gtest/gtest.h>

namespace wisp::build {

TEST(BuildArch, BothSpellings) {
  struct Case {
    const char* apk;
    const char* oci;
    const char* arch;
    const char* variant;
  };
  const Case cases[] = {
      {"x86", "386", "386", ""},          {"x86_64", "amd64", "amd64", ""},
      {"aarch64", "arm64", "arm64", ""},  {"armhf", "arm/v6", "arm", "v6"},
      {"armv7", "arm/v7", "arm", "v7"},   {"loongarch64", "loong64", "loong64", ""},
      {"ppc64le", "ppc64le", "ppc64le", ""}, {"riscv64", "riscv64", "riscv64", ""},
      {"s390x", "s390x", "s390x", ""},
  };
  for (const Case& c : cases) {
    auto from_apk = parse_arch(c.apk);
    auto from_oci = parse_arch(c.oci);
    ASSERT_TRUE(from_apk) << c.apk;
    ASSERT_TRUE(from_oci) << c.oci;
    EXPECT_EQ(*from_apk, *from_oci);
    EXPECT_EQ(from_apk->apk, c.apk);
    EXPECT_EQ(from_apk->oci(), c.oci);
    EXPECT_EQ(from_apk->oci_arch, c.arch);
    EXPECT_EQ(from_apk->oci_variant, c.variant);
  }
  EXPECT_EQ(all_archs().size(), 9u);
}

TEST(BuildArch, UnknownNamesAreUsageErrors) {
  for (const char* bad : {"", "amd", "x86-64", "arm", "AMD64", "arm/v8", "all", "i386 "}) {
    auto arch = parse_arch(bad);
    ASSERT_FALSE(arch) << bad;
    EXPECT_EQ(arch.error().code, Errc::usage);
    EXPECT_NE(arch.error().message.find(fmt::format("'{}'", bad)), std::string::npos);
  }
}

TEST(BuildArch, ListsAreDedupedAndSortedByApkName) {
  std::vector<std::string> names = {"amd64", "x86_64", "arm/v7", "aarch64", "arm64", "386"};
  auto archs = parse_archs(names);
  ASSERT_TRUE(archs);
  std::vector<std::string> apk;
  for (const Arch& a : *archs) apk.push_back(a.apk);
  EXPECT_EQ(apk, (std::vector<std::string>{"aarch64", "armv7", "x86", "x86_64"}));

  auto all = parse_archs(std::vector<std::string>{"all", "x86_64"});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 9u);
  EXPECT_EQ(all->front().apk, "aarch64");
  EXPECT_EQ(all->back().apk, "x86_64");

  auto empty = parse_archs(std::vector<std::string>{});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());

  auto bad = parse_archs(std::vector<std::string>{"x86_64", "sparc"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::usage);
  EXPECT_NE(bad.error().message.find("'sparc'"), std::string::npos);
}

TEST(BuildArch, HostFromUnameMachine) {
  EXPECT_EQ(arch_from_machine("x86_64")->apk, "x86_64");
  EXPECT_EQ(arch_from_machine("i686")->apk, "x86");
  EXPECT_EQ(arch_from_machine("armv7l")->apk, "armv7");
  EXPECT_EQ(arch_from_machine("armv6l")->apk, "armhf");
  EXPECT_EQ(arch_from_machine("arm64")->apk, "aarch64");
  EXPECT_EQ(arch_from_machine("aarch64")->apk, "aarch64");
  EXPECT_FALSE(arch_from_machine("mips"));
  EXPECT_EQ(arch_from_machine("mips").error().code, Errc::unsupported);
  auto host = parse_archs(std::vector<std::string>{"host"});
  ASSERT_TRUE(host) << host.error().message;  // the test machines are x86_64 or aarch64
  ASSERT_EQ(host->size(), 1u);
  EXPECT_EQ(host->front(), *host_arch());
}

}  // namespace wisp::build
