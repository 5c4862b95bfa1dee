#include <gtest/gtest.h>

#include "build/image_config.h"

namespace wisp::build {

TEST(ImageConfigOverrides, AppendsAreSortedUnions) {
  auto c = parse_image_config(
      "contents:\n  packages: [zlib, busybox]\n  repositories: [https://b]\n  keyring: [k2]\n"
      "annotations: {a: config, b: config}\narchs: [x86_64]\n",
      "o.yaml");
  ASSERT_TRUE(c);
  Overrides o;
  o.package_append = {"curl", "busybox"};
  o.repository_append = {"https://a"};
  o.keyring_append = {"k1"};
  o.build_repository_append = {"https://build"};
  o.annotations = {"b:cli", "c:with:colon", "d:"};
  o.archs = {"arm64", "amd64"};
  o.build_date = "2024-01-02T03:04:05Z";
  ASSERT_TRUE(apply_overrides(*c, o));
  EXPECT_EQ(c->contents.packages, (std::vector<std::string>{"busybox", "curl", "zlib"}));
  EXPECT_EQ(c->contents.repositories, (std::vector<std::string>{"https://a", "https://b"}));
  EXPECT_EQ(c->contents.keyring, (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(c->contents.build_repositories, std::vector<std::string>{"https://build"});
  EXPECT_EQ(c->annotations, (std::map<std::string, std::string>{
                                {"a", "config"}, {"b", "cli"}, {"c", "with:colon"}, {"d", ""}}));
  EXPECT_EQ(c->archs, (std::vector<std::string>{"arm64", "amd64"}));
  EXPECT_EQ(c->build_date, 1704164645);

  // Nothing to append leaves the configured order alone.
  auto d = parse_image_config("contents:\n  packages: [zlib, busybox]\n", "o.yaml");
  ASSERT_TRUE(apply_overrides(*d, Overrides{}));
  EXPECT_EQ(d->contents.packages, (std::vector<std::string>{"zlib", "busybox"}));
  EXPECT_FALSE(d->build_date);
}

TEST(ImageConfigOverrides, BadValuesAreUsageErrors) {
  ImageConfig c;
  for (Overrides o : {Overrides{.archs = {"vax"}}, Overrides{.annotations = {"novalue"}},
                      Overrides{.annotations = {"Upper:x"}}, Overrides{.annotations = {":x"}},
                      Overrides{.annotations = {"a:1", "a:2"}}, Overrides{.build_date = "yesterday"}}) {
    auto status = apply_overrides(c, o);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, Errc::usage);
  }
}

TEST(ImageConfigOverrides, Rfc3339) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z").value(), 0);
  EXPECT_EQ(parse_rfc3339("2000-02-29T12:00:00Z").value(), 951825600);
  EXPECT_EQ(parse_rfc3339("2024-01-02T05:04:05+02:00").value(), 1704164645);
  EXPECT_EQ(parse_rfc3339("2024-01-02T01:04:05.999-02:00").value(), 1704164645);
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59Z").value(), -1);
  for (const char* bad : {"", "2024-01-02", "2024-01-02T03:04:05", "2024-13-02T03:04:05Z",
                          "2023-02-29T00:00:00Z", "2024-01-02T24:00:00Z", "2024-01-02 03:04:05Z",
                          "2024-01-02T03:04:05Zjunk", "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05+0200"})
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
}

TEST(ImageConfigRepository, Lines) {
  EXPECT_EQ(parse_repository("https://packages.wolfi.dev/os/").value(),
            (RepositoryRef{"", "https://packages.wolfi.dev/os", false}));
  EXPECT_EQ(parse_repository("@local ./packages//").value(),
            (RepositoryRef{"local", "./packages", false}));
  auto deb = parse_repository("deb http://deb.debian.org/debian bookworm main");
  ASSERT_TRUE(deb);
  EXPECT_TRUE(deb->is_debian);
  EXPECT_EQ(deb->url, "deb http://deb.debian.org/debian bookworm main");
  for (const char* bad : {"", "@ ./p", "local ./p", "@a b c", "/", "@a  b"})
    EXPECT_FALSE(parse_repository(bad)) << bad;
  // A bad line is caught when the configuration is read.
  auto c = parse_image_config("contents:\n  repositories: [\"a b c\"]\n", "r.yaml");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("r.yaml: repository 'a b c'"), std::string::npos)
      << c.error().message;
}

TEST(ImageConfigJson, ApkoFieldNamesAndOrder) {
  auto c = parse_image_config(R"(
contents:
  repositories: [https://r/os]
  packages: [nginx]
entrypoint: {command: /usr/sbin/nginx}
stop-signal: SIGQUIT
work-dir: /w
accounts:
  groups: [{groupname: g, gid: 10}]
  users: [{username: u, uid: 10, gid: 0}]
  run-as: u
archs: [x86_64, armv7]
environment: {Z: "1", A: "2"}
paths:
  - {path: /run/x, type: directory, uid: 0, permissions: 0o755}
  - {path: /f, type: empty-file}
annotations: {k: v}
vcs-url: https://x@y
volumes: [/v]
layering: {strategy: origin, budget: 2}
certificates: {additional: [{name: c, content: PEM}]}
)",
                              "j.yaml");
  ASSERT_TRUE(c) << c.error().message;
  std::string json = to_json(*c).dump();
  EXPECT_EQ(json,
            R"({"contents":{"repositories":["https://r/os"],"packages":["nginx"]},)"
            R"("entrypoint":{"command":"/usr/sbin/nginx"},"stop-signal":"SIGQUIT","work-dir":"/w",)"
            R"("accounts":{"run-as":"u","users":[{"username":"u","uid":10,"gid":0,"homedir":"/home/u"}],)"
            R"("groups":[{"groupname":"g","gid":10}]},"archs":["amd64","arm/v7"],)"
            R"("environment":{"A":"2","Z":"1"},)"
            R"("paths":[{"path":"/run/x","type":"directory","uid":0,"permissions":493},)"
            R"({"path":"/f","type":"empty-file"}],"vcs-url":"https://x@y","annotations":{"k":"v"},)"
            R"("volumes":["/v"],"layering":{"strategy":"origin","budget":2},)"
            R"("certificates":{"additional":[{"name":"c","content":"PEM"}]}})");
  // An empty configuration still has the three struct-valued fields, as Go writes them.
  EXPECT_EQ(to_json(ImageConfig{}).dump(), R"({"contents":{},"entrypoint":{},"accounts":{}})");
}

}  // namespace wisp::build
