#include "pkg/apk/package_config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace wisp::pkg::apk {
namespace {

TEST(PackageConfig, ParsesEveryKey) {
  auto config = parse_package_config(R"(
name: hello
version: 1.0-r0
arch: aarch64
description: "a: description"
license: MIT
origin: hello-src
url: https://example.org
maintainer: Someone <someone@example.org>
commit: abc123
depends: [so:libc.so.6, "busybox>=1.36"]
provides:
  - cmd:hello=1.0-r0
replaces: hello-old hello-older
install_if: ["hello-base=1.0-r0 docs"]
triggers: [/usr/share/hello/*]
provider_priority: 10
replaces_priority: -1
scripts:
  post-install: scripts/post.sh
  .trigger: /abs/trigger.sh
)",
                                     "pkg.yaml", "/base");
  ASSERT_TRUE(config) << config.error().message;
  const PackageInfo& i = config->info;
  EXPECT_EQ(i.name, "hello");
  EXPECT_EQ(i.version, "1.0-r0");
  EXPECT_EQ(i.arch, "aarch64");
  EXPECT_EQ(i.description, "a: description");
  EXPECT_EQ(i.license, "MIT");
  EXPECT_EQ(i.origin, "hello-src");
  EXPECT_EQ(i.url, "https://example.org");
  EXPECT_EQ(i.maintainer, "Someone <someone@example.org>");
  EXPECT_EQ(i.commit, "abc123");
  EXPECT_EQ(i.depends, (std::vector<std::string>{"so:libc.so.6", "busybox>=1.36"}));
  EXPECT_EQ(i.provides, (std::vector<std::string>{"cmd:hello=1.0-r0"}));
  EXPECT_EQ(i.replaces, (std::vector<std::string>{"hello-old", "hello-older"}));
  EXPECT_EQ(i.install_if, (std::vector<std::string>{"hello-base=1.0-r0", "docs"}));
  EXPECT_EQ(i.triggers, (std::vector<std::string>{"/usr/share/hello/*"}));
  EXPECT_EQ(i.provider_priority, std::optional<int64_t>(10));
  EXPECT_EQ(i.replaces_priority, std::optional<int64_t>(-1));
  ASSERT_EQ(config->scripts.size(), 2u);
  EXPECT_EQ(config->scripts.at(".post-install"), std::filesystem::path("/base/scripts/post.sh"));
  EXPECT_EQ(config->scripts.at(".trigger"), std::filesystem::path("/abs/trigger.sh"));
}

TEST(PackageConfig, EmptyIsEmpty) {
  auto config = parse_package_config("", "pkg.yaml", ".");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->info.name.empty());
}

void expect_error(std::string_view text, std::string_view needle) {
  auto config = parse_package_config(text, "pkg.yaml", ".");
  ASSERT_FALSE(config) << text;
  EXPECT_EQ(config.error().code, Errc::bad_format);
  EXPECT_NE(config.error().message.find(needle), std::string::npos) << config.error().message;
}

TEST(PackageConfig, ErrorsNameFileAndLine) {
  expect_error("name: a\nversion: 1\nnmae: b\n", "pkg.yaml:3: unknown key 'nmae'");
  expect_error("name: a\nname: b\n", "pkg.yaml:2: duplicate key 'name'");
  expect_error("name: [a, b]\n", "pkg.yaml:1: 'name' must be a string");
  expect_error("depends: {a: b}\n", "'depends' must be a list");
  expect_error("depends: [[a]]\n", "'depends' entries");
  expect_error("provider_priority: high\n", "'provider_priority' must be an integer");
  expect_error("scripts:\n  post-instal: x.sh\n", "pkg.yaml:2: unknown script 'post-instal'");
  expect_error("scripts:\n  post-install: [x]\n", "must name a file");
  expect_error("- a\n- b\n", "expected a mapping");
  expect_error("name: a\n- b\n", "pkg.yaml:");
  expect_error("depends: [a, b\n", "pkg.yaml:");
}

TEST(PackageConfig, ScriptNames) {
  EXPECT_EQ(*normalize_script_name("post-install"), ".post-install");
  EXPECT_EQ(*normalize_script_name(".trigger"), ".trigger");
  EXPECT_FALSE(normalize_script_name("install"));
  EXPECT_FALSE(normalize_script_name(".INSTALL"));
}

TEST(PackageConfig, SourceDateEpoch) {
  ::setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  auto epoch = source_date_epoch_from_env();
  ASSERT_TRUE(epoch);
  EXPECT_EQ(*epoch, std::optional<int64_t>(1700000000));
  ::setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
  epoch = source_date_epoch_from_env();
  ASSERT_FALSE(epoch);
  EXPECT_EQ(epoch.error().code, Errc::usage);
  ::setenv("SOURCE_DATE_EPOCH", "", 1);
  epoch = source_date_epoch_from_env();
  ASSERT_TRUE(epoch);
  EXPECT_FALSE(epoch->has_value());
  ::unsetenv("SOURCE_DATE_EPOCH");
  epoch = source_date_epoch_from_env();
  ASSERT_TRUE(epoch);
  EXPECT_FALSE(epoch->has_value());
}

}  // namespace
}  // namespace wisp::pkg::apk
