#include "build/image_config.h"

#include <functional>

#include <gtest/gtest.h>

#include "build/shell_words.h"
#include "build/yaml_reader.h"

namespace wisp::build {
namespace {

// apko's nginx example as the spec (apko-melange.md §1) paraphrases it.
constexpr std::string_view k_nginx = R"(contents:
  keyring:      [https://packages.wolfi.dev/os/wolfi-signing.rsa.pub]
  repositories: [https://packages.wolfi.dev/os]
  packages:     [wolfi-baselayout, nginx, ca-certificates-bundle]
entrypoint:
  command: /usr/sbin/nginx -c /etc/nginx/nginx.conf -g "daemon off;"
stop-signal: SIGQUIT
work-dir: /usr/share/nginx
accounts:
  groups: [{groupname: nginx, gid: 10000}]
  users:  [{username: nginx, uid: 10000, shell: /bin/sh}]
  run-as: nginx
environment: {TZ: UTC}
paths:
  - {path: /run/nginx, type: directory, uid: 10000, gid: 10000, permissions: 0o755}
  - {path: /etc/nginx/http.d/default.conf, type: hardlink, source: /etc/nginx/nginx.conf.default,
     uid: 10000, gid: 10000, permissions: 0o644}
archs: [x86_64, aarch64]
annotations: {org.opencontainers.image.title: nginx, org.opencontainers.image.vendor: Example}
layering: {strategy: origin, budget: 10}
)";

ImageConfig parse_ok(std::string_view yaml) {
  auto config = parse_image_config(yaml, "test.yaml");
  EXPECT_TRUE(config) << config.error().message;
  return config ? *config : ImageConfig{};
}

Error parse_error(std::string_view yaml) {
  auto config = parse_image_config(yaml, "test.yaml");
  EXPECT_FALSE(config) << yaml;
  return config ? Error{} : config.error();
}

}  // namespace

TEST(ImageConfig, NginxExample) {
  ImageConfig c = parse_ok(k_nginx);
  EXPECT_EQ(c.contents.keyring,
            std::vector<std::string>{"https://packages.wolfi.dev/os/wolfi-signing.rsa.pub"});
  EXPECT_EQ(c.contents.repositories, std::vector<std::string>{"https://packages.wolfi.dev/os"});
  EXPECT_EQ(c.contents.packages,
            (std::vector<std::string>{"wolfi-baselayout", "nginx", "ca-certificates-bundle"}));
  EXPECT_EQ(shell_split(c.entrypoint.command).value(),
            (std::vector<std::string>{"/usr/sbin/nginx", "-c", "/etc/nginx/nginx.conf", "-g",
                                      "daemon off;"}));
  EXPECT_EQ(c.stop_signal, "SIGQUIT");
  EXPECT_EQ(c.work_dir, "/usr/share/nginx");
  ASSERT_EQ(c.accounts.groups.size(), 1u);
  EXPECT_EQ(c.accounts.groups[0].groupname, "nginx");
  EXPECT_EQ(c.accounts.groups[0].gid, 10000u);
  ASSERT_EQ(c.accounts.users.size(), 1u);
  const User& u = c.accounts.users[0];
  EXPECT_EQ(u.username, "nginx");
  EXPECT_EQ(u.uid, 10000u);
  EXPECT_FALSE(u.gid);
  EXPECT_EQ(u.primary_gid(), 10000u);
  EXPECT_EQ(u.shell, "/bin/sh");
  EXPECT_EQ(u.homedir, "/home/nginx");  // apko's default, filled in
  EXPECT_EQ(u.loc, (SourceLoc{"test.yaml", 11, 12}));
  EXPECT_EQ(c.accounts.run_as, "nginx");
  EXPECT_EQ(c.environment, (std::map<std::string, std::string>{{"TZ", "UTC"}}));
  ASSERT_EQ(c.paths.size(), 2u);
  EXPECT_EQ(c.paths[0].path, "/run/nginx");
  EXPECT_EQ(c.paths[0].type, PathType::directory);
  EXPECT_EQ(c.paths[0].uid, 10000u);
  EXPECT_EQ(c.paths[0].gid, 10000u);
  EXPECT_EQ(c.paths[0].permissions, 0755u);
  EXPECT_EQ(c.paths[1].type, PathType::hardlink);
  EXPECT_EQ(c.paths[1].source, "/etc/nginx/nginx.conf.default");
  EXPECT_EQ(c.paths[1].permissions, 0644u);
  EXPECT_EQ(c.archs, (std::vector<std::string>{"x86_64", "aarch64"}));
  auto archs = resolved_archs(c);
  ASSERT_TRUE(archs);
  ASSERT_EQ(archs->size(), 2u);
  EXPECT_EQ((*archs)[0].apk, "aarch64");
  EXPECT_EQ((*archs)[1].apk, "x86_64");
  EXPECT_EQ(c.annotations.at("org.opencontainers.image.title"), "nginx");
  EXPECT_EQ(c.annotations.at("org.opencontainers.image.vendor"), "Example");
  ASSERT_TRUE(c.layering);
  EXPECT_EQ(c.layering->strategy, "origin");
  EXPECT_EQ(c.layering->budget, 10);
  EXPECT_FALSE(c.certificates);
  EXPECT_TRUE(c.format.empty());
}

TEST(ImageConfig, EveryKeyOnce) {
  ImageConfig c = parse_ok(R"(
contents:
  repositories: [https://r.example/os/, "@local ./packages/"]
  build_repositories: [https://build.example/os]
  runtime_repositories: [https://runtime.example/os//]
  keyring: [./k.rsa.pub]
  runtime_keyring:
    - name: runtime.rsa.pub
      content: |
        -----BEGIN PUBLIC KEY-----
  packages: [busybox, "foo=1.2-r0@local"]
entrypoint:
  type: service-bundle
  command: /bin/true
  shell-fragment: echo hi
  services: {web: /usr/bin/web --port 80, db: /usr/bin/db}
cmd: --help
stop-signal: SIGTERM
work-dir: /srv
accounts:
  groups:
    - groupname: www
      gid: 0x3e8
      members: [web, admin]
  users:
    - username: web
      uid: 1_000
      gid: 0
      shell: /sbin/nologin
      homedir: /srv/web
  run-as: 65532
archs: [amd64, arm/v7, riscv64]
environment:
  PATH: /bin
  NUMBER: 12
  EMPTY:
paths:
  - path: /srv/data
    type: directory
    uid: 1000
    permissions: 02775
    recursive: yes
  - {path: /srv/flag, type: empty-file, permissions: 420}
  - {path: /srv/link, type: symlink, source: /srv/data}
  - {path: /srv, type: permissions, gid: 1000, permissions: 0o755, recursive: false}
annotations: {a: b}
vcs-url: https://github.com/x/y@abc123
volumes: [/data, /cache]
include: ""
layering: {}
format: tar
certificates:
  additional:
    - {name: corp-ca, content: "PEM"}
  providers: [ca-certificates]
)");
  EXPECT_EQ(c.contents.repositories,
            (std::vector<std::string>{"https://r.example/os", "@local ./packages"}));
  EXPECT_EQ(c.contents.build_repositories, std::vector<std::string>{"https://build.example/os"});
  EXPECT_EQ(c.contents.runtime_repositories,
            std::vector<std::string>{"https://runtime.example/os"});
  EXPECT_EQ(c.contents.keyring, std::vector<std::string>{"./k.rsa.pub"});
  ASSERT_EQ(c.contents.runtime_keyring.size(), 1u);
  EXPECT_EQ(c.contents.runtime_keyring[0].name, "runtime.rsa.pub");
  EXPECT_EQ(c.contents.runtime_keyring[0].content, "-----BEGIN PUBLIC KEY-----\n");
  EXPECT_EQ(c.contents.packages, (std::vector<std::string>{"busybox", "foo=1.2-r0@local"}));
  EXPECT_EQ(c.entrypoint.type, "service-bundle");
  EXPECT_EQ(c.entrypoint.command, "/bin/true");
  EXPECT_EQ(c.entrypoint.shell_fragment, "echo hi");
  EXPECT_EQ(c.entrypoint.services.at("web"), "/usr/bin/web --port 80");
  EXPECT_EQ(c.entrypoint.services.size(), 2u);
  EXPECT_EQ(c.cmd, "--help");
  EXPECT_EQ(c.stop_signal, "SIGTERM");
  EXPECT_EQ(c.work_dir, "/srv");
  ASSERT_EQ(c.accounts.groups.size(), 1u);
  EXPECT_EQ(c.accounts.groups[0].gid, 1000u);
  EXPECT_EQ(c.accounts.groups[0].members, (std::vector<std::string>{"web", "admin"}));
  ASSERT_EQ(c.accounts.users.size(), 1u);
  EXPECT_EQ(c.accounts.users[0].uid, 1000u);
  EXPECT_EQ(c.accounts.users[0].gid, 0u);  // given as 0: kept, not defaulted to the uid
  EXPECT_EQ(c.accounts.users[0].primary_gid(), 0u);
  EXPECT_EQ(c.accounts.users[0].shell, "/sbin/nologin");
  EXPECT_EQ(c.accounts.users[0].homedir, "/srv/web");
  EXPECT_EQ(c.accounts.run_as, "65532");
  EXPECT_EQ(c.archs, (std::vector<std::string>{"amd64", "arm/v7", "riscv64"}));
  EXPECT_EQ(c.environment,
            (std::map<std::string, std::string>{{"EMPTY", ""}, {"NUMBER", "12"}, {"PATH", "/bin"}}));
  ASSERT_EQ(c.paths.size(), 4u);
  EXPECT_EQ(c.paths[0].permissions, 02775u);
  EXPECT_TRUE(c.paths[0].recursive);
  EXPECT_EQ(c.paths[0].uid, 1000u);
  EXPECT_FALSE(c.paths[0].gid);
  EXPECT_EQ(c.paths[1].type, PathType::empty_file);
  EXPECT_EQ(c.paths[1].permissions, 0644u);  // 420 decimal
  EXPECT_EQ(c.paths[2].type, PathType::symlink);
  EXPECT_FALSE(c.paths[2].permissions);
  EXPECT_EQ(c.paths[3].type, PathType::permissions);
  EXPECT_FALSE(c.paths[3].uid);
  EXPECT_EQ(c.paths[3].gid, 1000u);
  EXPECT_FALSE(c.paths[3].recursive);
  EXPECT_EQ(c.annotations, (std::map<std::string, std::string>{{"a", "b"}}));
  EXPECT_EQ(c.vcs_url, "https://github.com/x/y@abc123");
  EXPECT_EQ(c.volumes, (std::vector<std::string>{"/data", "/cache"}));
  EXPECT_EQ(c.include, "");
  ASSERT_TRUE(c.layering);
  EXPECT_FALSE(c.layering->active());
  EXPECT_EQ(c.format, "tar");
  ASSERT_TRUE(c.certificates);
  ASSERT_EQ(c.certificates->additional.size(), 1u);
  EXPECT_EQ(c.certificates->additional[0].name, "corp-ca");
  EXPECT_EQ(c.certificates->providers, std::vector<std::string>{"ca-certificates"});
}

TEST(ImageConfig, EmptyMappingIsLegalButEmptyFileIsNot) {
  ImageConfig c = parse_ok("{}");
  EXPECT_TRUE(c.same_config(ImageConfig{}));
  EXPECT_TRUE(parse_ok("contents:\narchs:\n").same_config(ImageConfig{}));
  EXPECT_EQ(parse_error("").code, Errc::bad_format);
  EXPECT_EQ(parse_error("# only a comment\n").code, Errc::bad_format);
}

TEST(ImageConfig, UnknownKeysNameFileLineColumnAndPath) {
  Error e = parse_error("accounts:\n  users:\n    - username: a\n      uid: 1\n      shel: /bin/sh\n");
  EXPECT_EQ(e.code, Errc::bad_format);
  EXPECT_EQ(e.message,
            "test.yaml:5:7: unknown key 'shel' in 'accounts.users[0]' (did you mean 'shell'?)");

  e = parse_error("contents:\n  packages: [a]\nos-release:\n  name: x\n");
  EXPECT_EQ(e.message, "test.yaml:3:1: unknown key 'os-release' at top level");

  e = parse_error("paths:\n  - {path: /x, type: directory, mode: 0o755}\n");
  EXPECT_EQ(e.message, "test.yaml:2:33: unknown key 'mode' in 'paths[0]'");

  e = parse_error("contents:\n  repository: [x]\n");
  EXPECT_EQ(e.message,
            "test.yaml:2:3: unknown key 'repository' in 'contents' (did you mean 'repositories'?)");

  e = parse_error("layering: {strategy: origin, budgets: 3}\n");
  EXPECT_EQ(e.message, "test.yaml:1:30: unknown key 'budgets' in 'layering' (did you mean 'budget'?)");
}

TEST(ImageConfig, WrongTypes) {
  Error e = parse_error("contents:\n  packages: busybox\n");
  EXPECT_EQ(e.code, Errc::bad_format);
  EXPECT_EQ(e.message, "test.yaml:2:13: 'contents.packages': expected a list, found 'busybox'");

  e = parse_error("accounts: [a]\n");
  EXPECT_EQ(e.message, "test.yaml:1:11: 'accounts': expected a mapping, found a list");

  e = parse_error("cmd: {a: b}\n");
  EXPECT_EQ(e.message, "test.yaml:1:6: 'cmd': expected a string, found a mapping");

  e = parse_error("accounts:\n  users: [{username: a, uid: \"1000\"}]\n");
  EXPECT_NE(e.message.find("'accounts.users[0].uid': expected an integer, found the quoted string"),
            std::string::npos)
      << e.message;

  e = parse_error("accounts:\n  users: [{username: a, uid: -1}]\n");
  EXPECT_NE(e.message.find("out of range"), std::string::npos) << e.message;

  e = parse_error("accounts:\n  users: [{username: a, uid: 4294967296}]\n");
  EXPECT_NE(e.message.find("out of range"), std::string::npos) << e.message;

  e = parse_error("paths: [{path: /x, type: directory, recursive: maybe}]\n");
  EXPECT_NE(e.message.find("'paths[0].recursive': expected true or false"), std::string::npos)
      << e.message;

  e = parse_error("contents:\n  packages: [a, [b]]\n");
  EXPECT_EQ(e.message, "test.yaml:2:17: 'contents.packages[1]': expected a string, found a list");

  e = parse_error("contents:\n  packages: [a, ~]\n");
  EXPECT_NE(e.message.find("found null"), std::string::npos) << e.message;

  e = parse_error("paths: [{path: /x}]\n");
  EXPECT_NE(e.message.find("'paths[0]': missing 'type'"), std::string::npos) << e.message;

  e = parse_error("paths: [{path: /x, type: fifo}]\n");
  EXPECT_NE(e.message.find("unknown path type 'fifo'"), std::string::npos) << e.message;

  e = parse_error("- a\n- b\n");
  EXPECT_EQ(e.message, "test.yaml:1:1: expected a mapping, found a list");
}

TEST(ImageConfig, DuplicateKeysAreErrors) {
  Error e = parse_error("cmd: a\ncmd: b\n");
  EXPECT_EQ(e.message, "test.yaml:2:1: key 'cmd' is given twice");
  e = parse_error("environment: {A: 1, A: 2}\n");
  EXPECT_NE(e.message.find("key 'A' is given twice"), std::string::npos) << e.message;
}

TEST(ImageConfig, Permissions) {
  auto perms = [](std::string_view value) {
    auto c = parse_image_config(fmt::format("paths: [{{path: /x, type: directory, permissions: {}}}]\n", value),
                                "p.yaml");
    return c ? Result<uint32_t>(c->paths.at(0).permissions.value_or(99999))
             : Result<uint32_t>(std::unexpected(c.error()));
  };
  EXPECT_EQ(perms("0o755").value(), 0755u);
  EXPECT_EQ(perms("0O700").value(), 0700u);
  EXPECT_EQ(perms("0755").value(), 0755u);
  EXPECT_EQ(perms("493").value(), 0755u);
  EXPECT_EQ(perms("0x1ed").value(), 0755u);
  EXPECT_EQ(perms("0o4755").value(), 04755u);
  EXPECT_EQ(perms("0o7777").value(), 07777u);
  EXPECT_EQ(perms("0").value(), 0u);
  EXPECT_EQ(perms("~").value(), 99999u);  // null: absent

  for (std::string_view bad : {"0o10000", "0800", "0o8", "\"0755\"", "'0o755'", "755", "0o", "abc",
                               "-0o1", "7.5", "0x", "[1]"}) {
    auto r = perms(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_NE(r.error().message.find("p.yaml:1:"), std::string::npos) << r.error().message;
    }
  }
  EXPECT_NE(perms("0800").error().message.find("bad octal digit '8'"), std::string::npos);
  EXPECT_NE(perms("755").error().message.find("write octal as 0o755"), std::string::npos);
  EXPECT_NE(perms("0o10000").error().message.find("above 0o7777"), std::string::npos);
  EXPECT_NE(perms("\"0755\"").error().message.find("without quotes"), std::string::npos);
}

TEST(ImageConfig, YamlIntegers) {
  EXPECT_EQ(parse_yaml_int("0").value(), 0);
  EXPECT_EQ(parse_yaml_int("+12").value(), 12);
  EXPECT_EQ(parse_yaml_int("-12").value(), -12);
  EXPECT_EQ(parse_yaml_int("1_000_000").value(), 1000000);
  EXPECT_EQ(parse_yaml_int("0b1010").value(), 10);
  EXPECT_EQ(parse_yaml_int("0XfF").value(), 255);
  EXPECT_EQ(parse_yaml_int("017").value(), 15);
  EXPECT_EQ(parse_yaml_int("-0o17").value(), -15);
  EXPECT_EQ(parse_yaml_int("9223372036854775807").value(), INT64_MAX);
  EXPECT_EQ(parse_yaml_int("-9223372036854775808").value(), INT64_MIN);
  for (std::string_view bad : {"", "9223372036854775808", "99999999999999999999999", "0b2", "1a",
                               "_1", "--1", "0x", "1.0", "1e3", " 1"})
    EXPECT_FALSE(parse_yaml_int(bad)) << bad;
  EXPECT_TRUE(yaml_int_is_plain_decimal("755"));
  EXPECT_FALSE(yaml_int_is_plain_decimal("0755"));
  EXPECT_FALSE(yaml_int_is_plain_decimal("0o755"));
}

TEST(ImageConfig, TextMustBeUtf8WithoutControlCharacters) {
  EXPECT_TRUE(check_yaml_text("a: b\tc\r\n\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\n", "t"));
  struct Case {
    std::string text;
    const char* where;
  };
  const Case cases[] = {
      {std::string("cmd: a\0b\n", 10), "t:1:7: control character 0x00"},
      {"x\ny\x1b", "t:2:2: control character 0x1b"},
      {"\x7f", "t:1:1: control character 0x7f"},
      {"a\xff", "t:1:2: invalid UTF-8 byte 0xff"},
      {"\xc0\x80", "t:1:1: invalid UTF-8 byte 0xc0"},      // overlong NUL
      {"\xe0\x80\x80", "t:1:1: invalid UTF-8 sequence"},  // overlong
      {"\xed\xa0\x80", "t:1:1: invalid UTF-8 sequence"},  // surrogate
      {"\xf4\x90\x80\x80", "t:1:1: invalid UTF-8 sequence"},  // above U+10FFFF
      {"\xc3", "t:1:1: truncated UTF-8"},
      {"\xc3(", "t:1:1: invalid UTF-8 continuation byte 0x28"},
      {"\xc2\x80", "t:1:1: non-printable character U+0080"},
  };
  for (const Case& c : cases) {
    auto status = check_yaml_text(c.text, "t");
    ASSERT_FALSE(status) << c.where;
    EXPECT_TRUE(status.error().message.starts_with(c.where)) << status.error().message;
  }
  // Escapes can still produce a NUL inside a double-quoted scalar; values refuse it.
  Error e = parse_error("cmd: \"a\\0b\"\n");
  EXPECT_NE(e.message.find("'cmd': contains a NUL character"), std::string::npos) << e.message;
  // yaml-cpp turns "\N" (U+0085) into a lone byte 0x85; it must not reach the JSON writers.
  e = parse_error("cmd: \"a\\N\"\n");
  EXPECT_NE(e.message.find("'cmd': is not valid UTF-8"), std::string::npos) << e.message;
}

TEST(ImageConfig, BadArchNamesItAndWhere) {
  Error e = parse_error("archs: [x86_64, sparc64]\n");
  EXPECT_EQ(e.code, Errc::usage);
  EXPECT_NE(e.message.find("test.yaml:1:17: 'archs[1]': unknown architecture 'sparc64'"),
            std::string::npos)
      << e.message;
  ImageConfig all = parse_ok("archs: [all]\n");
  EXPECT_EQ(resolved_archs(all)->size(), 9u);
  EXPECT_EQ(resolved_archs(ImageConfig{})->size(), 9u);  // none configured: all of them
}

TEST(ImageConfig, ValidationCollectsEveryProblem) {
  Error e = parse_error(R"(accounts:
  users:
    - {username: root, uid: 0}
    - {uid: 5}
    - {username: a, uid: 7}
    - {username: a, uid: 8}
  groups:
    - {gid: 3}
paths:
  - {path: /l, type: symlink}
  - {type: directory}
layering: {strategy: size, budget: 0}
format: squashfs
contents:
  runtime_keyring:
    - {name: .hidden, content: x}
    - {name: k, content: x}
    - {name: k, content: x}
    - {name: nocontent}
entrypoint:
  type: supervisor
  services: {"../etc": /bin/x}
)");
  EXPECT_EQ(e.code, Errc::usage);
  for (const char* expected :
       {"test.yaml:3:7: user 'root' has uid 0 (to run as root, use 'run-as: 0' instead)",
        "test.yaml:4:7: a user (uid 5) has no username", "test.yaml:6:7: user 'a' is defined twice",
        "test.yaml:8:7: a group (gid 3) has no groupname",
        "test.yaml:10:5: symlink '/l' needs a 'source'",
        "test.yaml:11:5: a 'directory' path mutation has no path",
        "unknown layering strategy 'size'", "layering budget 0 must be at least 1",
        "test.yaml: unknown format 'squashfs'", "runtime_keyring name '.hidden' must match",
        "test.yaml:18:7: runtime_keyring entry 'k' is a duplicate",
        "runtime_keyring entry 'nocontent' has no content", "unknown entrypoint type 'supervisor'",
        "service name '../etc' must be a single path component"}) {
    EXPECT_NE(e.message.find(expected), std::string::npos) << expected << "\nin: " << e.message;
  }
  EXPECT_EQ(e.message.find('\n'), std::string::npos);  // one line
}

TEST(ImageConfig, RunAsIsNotCheckedAgainstUsers) {
  // The user may come from a package's /etc/passwd; the build resolves it.
  ImageConfig c = parse_ok("accounts: {run-as: nonexistent}\n");
  EXPECT_EQ(c.accounts.run_as, "nonexistent");
  EXPECT_EQ(parse_ok("accounts: {run-as: 0}\n").accounts.run_as, "0");
}

TEST(ImageConfig, LayeringAndFormatRules) {
  EXPECT_EQ(parse_error("format: erofs\nlayering: {}\n").code, Errc::usage);
  EXPECT_TRUE(parse_image_config("format: erofs\n", "f.yaml"));
  EXPECT_TRUE(parse_image_config("layering: {strategy: origin, budget: 1}\n", "f.yaml"));
  EXPECT_FALSE(parse_image_config("layering: {strategy: origin}\n", "f.yaml"));
  EXPECT_FALSE(parse_image_config("layering: {budget: 4}\n", "f.yaml"));
  EXPECT_FALSE(parse_image_config("layering: {strategy: origin, budget: -3}\n", "f.yaml"));
}

TEST(ImageConfig, BaseImageAllowsOnlyContentsAndArchs) {
  ImageConfig c = parse_ok("contents:\n  baseimage: {image: ./base, apkindex: ./idx}\narchs: [x86_64]\n");
  ASSERT_TRUE(c.contents.baseimage);
  EXPECT_EQ(c.contents.baseimage->image, "./base");
  EXPECT_EQ(c.contents.baseimage->apkindex, "./idx");
  Error e = parse_error("contents:\n  baseimage: {image: ./base}\ncmd: x\n");
  EXPECT_NE(e.message.find("only contents, archs and include"), std::string::npos) << e.message;
}

TEST(ImageConfig, MergeKeysAndAnchors) {
  // Anchors must live under apko keys: a free-standing x-defaults is an unknown key.
  Error e = parse_error("x-defaults: &d {uid: 1}\n");
  EXPECT_NE(e.message.find("unknown key 'x-defaults'"), std::string::npos);

  ImageConfig c = parse_ok(R"(
paths:
  - &dir {path: /a, type: directory, permissions: 0o755}
  - <<: *dir
    path: /b
accounts:
  users:
    - &u {username: a, uid: 1000}
    - {<<: [*u], username: b}
)");
  ASSERT_EQ(c.paths.size(), 2u);
  EXPECT_EQ(c.paths[1].path, "/b");
  EXPECT_EQ(c.paths[1].permissions, 0755u);
  ASSERT_EQ(c.accounts.users.size(), 2u);
  EXPECT_EQ(c.accounts.users[1].username, "b");
  EXPECT_EQ(c.accounts.users[1].uid, 1000u);

  e = parse_error("paths:\n  - &p {path: /a, type: directory, bogus: 1}\n");
  EXPECT_NE(e.message.find("unknown key 'bogus'"), std::string::npos);
  e = parse_error("cmd: &c x\npaths: [{<<: *c}]\n");
  EXPECT_NE(e.message.find("merge key"), std::string::npos) << e.message;
}

TEST(ImageConfig, HostileInputs) {
  // Syntax errors carry the position.
  Error e = parse_error("contents:\n  packages: [a, b\n");
  EXPECT_EQ(e.code, Errc::bad_format);
  EXPECT_TRUE(e.message.starts_with("test.yaml:")) << e.message;
  EXPECT_EQ(parse_error("a: b: c\n").code, Errc::bad_format);
  EXPECT_EQ(parse_error("\t- x\n").code, Errc::bad_format);
  EXPECT_EQ(parse_error(std::string("cmd: \"a\0b\"\n", 11)).code, Errc::bad_format);
  // Deep nesting: yaml-cpp's depth guard, reported not crashed.
  EXPECT_FALSE(parse_image_config(std::string(100000, '[') , "deep.yaml"));
  // A self-referencing merge key.
  EXPECT_FALSE(parse_image_config("paths: [&a {<<: *a}]\n", "self.yaml"));
  std::string bomb2 = "contents:\n  packages: &p0 [a, a, a, a, a, a, a, a]\n";
  bomb2 += "paths:\n";
  for (int i = 0; i < 2000; ++i) bomb2 += "  - {path: /x, type: directory}\n";
  EXPECT_TRUE(parse_image_config(bomb2, "many.yaml"));
  // Not a mapping at all.
  EXPECT_EQ(parse_error("just a string\n").code, Errc::bad_format);
  EXPECT_EQ(parse_error("42\n").code, Errc::bad_format);
  // A non-string key.
  e = parse_error("? [a]\n: b\n");
  EXPECT_NE(e.message.find("a key must be a string"), std::string::npos) << e.message;
}

TEST(ImageConfig, NodeBudgetStopsAliasExpansion) {
  YamlReader reader("bomb.yaml", 1000);
  std::string doc = "a: &a0 [v, v, v, v, v, v, v, v, v, v]\n";
  for (int i = 1; i < 6; ++i)
    doc += fmt::format("a{}: &a{} [*a{}, *a{}, *a{}, *a{}, *a{}, *a{}, *a{}, *a{}, *a{}, *a{}]\n", i, i,
                       i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  YAML::Node root = YAML::Load(doc);
  // Walk every list recursively as a schema with nested lists would.
  std::function<Status(const YAML::Node&, int)> walk = [&](const YAML::Node& n, int depth) -> Status {
    TRY_ASSIGN(auto elements, reader.items(n, "x"));
    for (const auto& e : elements)
      if (e.IsSequence() && depth < 10) TRY(walk(e, depth + 1));
    return {};
  };
  auto status = walk(root["a5"], 0);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::too_large);
}

}  // namespace wisp::build

namespace wisp::build {

TEST(ImageConfig, DebianExcludeAndRepositoryKinds) {
  ImageConfig ok = parse_ok(R"(contents:
  repositories: ["deb [trusted=yes] http://127.0.0.1:1/ bookworm main"]
  packages: [tzdata]
  exclude: [debconf]
)");
  EXPECT_EQ(ok.contents.exclude, std::vector<std::string>{"debconf"});
  EXPECT_TRUE(validate_image_config(ok));

  auto mixed_status = parse_image_config(R"(contents:
  repositories: ["deb [trusted=yes] http://127.0.0.1:1/ bookworm main", "https://packages.wolfi.dev/os"]
  packages: [tzdata]
)", "test.yaml");
  ASSERT_FALSE(mixed_status);
  EXPECT_NE(mixed_status.error().message.find("mixes Debian"), std::string::npos) << mixed_status.error().message;

  auto apk_status = parse_image_config(R"(contents:
  repositories: ["https://packages.wolfi.dev/os"]
  packages: [busybox]
  exclude: [busybox]
)", "test.yaml");
  ASSERT_FALSE(apk_status);
  EXPECT_NE(apk_status.error().message.find("Debian images only"), std::string::npos);
}

}  // namespace wisp::build
