#include "build/lockfile.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/file.h"

namespace wisp::build {

namespace {

Lockfile sample() {
  Lockfile lock;
  lock.config_name = "image.yaml";
  lock.config_checksum = "sha256-PZtu8ELzBehKntMi0Q+xHWLcOup9+59DKvwcIksQca4=";
  lock.keyring.push_back({"packages.wolfi.dev/os/wolfi-signing.rsa.pub",
                          "https://packages.wolfi.dev/os/wolfi-signing.rsa.pub",
                          "-----BEGIN PUBLIC KEY-----\n...\n"});
  lock.keyring.push_back({"local.rsa.pub", "./local.rsa.pub", ""});
  lock.repositories.push_back({"packages.wolfi.dev/os/x86_64",
                               "https://packages.wolfi.dev/os/x86_64/APKINDEX.tar.gz", "x86_64"});
  LockedPackage p;
  p.name = "hello";
  p.url = "https://packages.wolfi.dev/os/x86_64/hello-2.12-r1.apk";
  p.version = "2.12-r1";
  p.architecture = "x86_64";
  p.signature = {"bytes=0-686", "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="};
  p.control = {"bytes=687-1020", "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="};
  p.data = {"bytes=1021-5000", "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="};
  p.checksum = "Q12jmj7l5rSw0yVb/vlWAYkK/YBwk=";
  lock.packages.push_back(p);
  p.name = "unsigned";
  p.signature = {};
  lock.packages.push_back(p);
  return lock;
}

}  // namespace

TEST(Lockfile, RoundTripsInApkoFieldOrder) {
  Lockfile lock = sample();
  std::string text = format_lockfile(lock);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  auto parsed = parse_lockfile(text, "x.lock.json");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(*parsed, lock);

  auto json = nlohmann::ordered_json::parse(text);
  std::vector<std::string> top, contents, package;
  for (auto it = json.begin(); it != json.end(); ++it) top.push_back(it.key());
  for (auto it = json["contents"].begin(); it != json["contents"].end(); ++it) contents.push_back(it.key());
  for (auto it = json["contents"]["packages"][0].begin(); it != json["contents"]["packages"][0].end(); ++it)
    package.push_back(it.key());
  EXPECT_EQ(top, (std::vector<std::string>{"version", "config", "contents"}));
  EXPECT_EQ(contents, (std::vector<std::string>{"keyring", "build_repositories", "runtime_repositories",
                                                "repositories", "packages"}));
  EXPECT_EQ(package, (std::vector<std::string>{"name", "url", "version", "architecture", "signature",
                                               "control", "data", "checksum"}));
  // Go's omitempty on content; empty lists are still written as [].
  EXPECT_FALSE(json["contents"]["keyring"][1].contains("content"));
  EXPECT_TRUE(json["contents"]["build_repositories"].is_array());
  EXPECT_EQ(json["contents"]["packages"][1]["signature"]["range"], "");
  EXPECT_NE(text.find("\n  \"contents\": {\n    \"keyring\": ["), std::string::npos) << text;
}

TEST(Lockfile, ReadsWhatOlderApkoWrote) {
  // No config, no checksum, no content, null lists, unknown fields.
  auto lock = parse_lockfile(R"({"version":"v1","contents":{"keyring":null,"repositories":[],
    "packages":[{"name":"a","url":"u","version":"1-r0","architecture":"x86_64",
    "signature":{"range":"","checksum":""},
    "control":{"range":"bytes=0-9","checksum":"sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
    "data":{"range":"bytes=10-19","checksum":"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
    "future":1}],"ecosystem_packages":[]}})",
                             "old.lock.json");
  ASSERT_TRUE(lock) << lock.error().message;
  EXPECT_TRUE(lock->config_checksum.empty());
  ASSERT_EQ(lock->packages.size(), 1u);
  EXPECT_EQ(lock->packages[0].checksum, "");
}

TEST(Lockfile, HostileInputsAreNamedErrors) {
  const std::string pkg_ok =
      R"("name":"a","url":"u","version":"1","architecture":"x86_64",)"
      R"("control":{"range":"bytes=0-9","checksum":"sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="},)"
      R"("data":{"range":"bytes=10-19","checksum":"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="})";
  auto with_pkg = [](const std::string& body) {
    return R"({"version":"v1","contents":{"packages":[{)" + body + "}]}}";
  };
  struct Case {
    std::string text;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[]", "expected a JSON object"},
      {R"({"version":"v2","contents":{}})", "version: 'v2'"},
      {R"({"version":1,"contents":{}})", "version: expected a string"},
      {R"({"version":"v1"})", "contents: missing"},
      {R"({"version":"v1","contents":{"packages":{}}})", "contents.packages: expected an array"},
      {R"({"version":"v1","contents":{"packages":[5]}})", "contents.packages[0]: expected an object"},
      {R"({"version":"v1","config":{"checksum":"md5-x"},"contents":{}})", "config.checksum"},
      {R"({"version":"v1","contents":{"repositories":[{"name":3}]}})", "contents.repositories[0].name"},
      {R"({"version":"v1","contents":{"keyring":["k"]}})", "contents.keyring[0]"},
      {with_pkg(pkg_ok.substr(pkg_ok.find("\"url\""))), "contents.packages[0].name: missing"},
      {with_pkg(pkg_ok + R"(,"data":{"range":"bytes=19-10","checksum":"x"})"), "packages[0].data.range"},
      {with_pkg(pkg_ok + R"(,"signature":{"range":"bytes=5-9","checksum":"sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="})"),
       "start at byte 0"},
      {with_pkg(pkg_ok + R"(,"signature":{"range":"bytes=0-9","checksum":"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="})"),
       "packages[0].signature.checksum"},
      {with_pkg(pkg_ok + R"(,"control":{"range":"bytes=-1-9","checksum":"sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="})"),
       "control.range"},
      {with_pkg(pkg_ok + R"(,"checksum":"Q1short")"), "packages[0].checksum"},
      {with_pkg(pkg_ok + R"(,"control":null)"), "control.range"},
  };
  for (const Case& c : cases) {
    auto lock = parse_lockfile(c.text, "bad.lock.json");
    ASSERT_FALSE(lock) << c.text;
    EXPECT_EQ(lock.error().code, Errc::bad_format) << c.text;
    EXPECT_NE(lock.error().message.find(c.needle), std::string::npos)
        << c.text << " -> " << lock.error().message;
    EXPECT_TRUE(lock.error().message.starts_with("bad.lock.json: ")) << lock.error().message;
  }
  // Deep nesting neither crashes nor succeeds.
  std::string deep = R"({"version":"v1","contents":{"x":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}}";
  EXPECT_TRUE(parse_lockfile(deep, "deep.json"));
}

TEST(Lockfile, ByteRanges) {
  EXPECT_EQ(byte_range(0, 687), "bytes=0-686");
  EXPECT_EQ(byte_range(687, 1), "bytes=687-687");
  auto r = parse_byte_range("bytes=687-1020");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, 687u);
  EXPECT_EQ(r->second, 334u);
  for (std::string_view bad : {"", "bytes=", "bytes=1", "bytes=5-4", "bytes= 1-2", "bytes=+1-2",
                               "bytes=1-2-3", "items=1-2", "bytes=0-18446744073709551615",
                               "bytes=0-99999999999999999999"})
    EXPECT_FALSE(parse_byte_range(bad)) << bad;
}

TEST(Lockfile, StaleLockIsRefusedAfterAConfigEdit) {
  auto dir = TempDir::create();
  ASSERT_TRUE(dir);
  auto config_path = dir->path() / "image.yaml";
  ASSERT_TRUE(write_file_atomic(config_path, "contents:\n  packages:\n    - busybox\n"));
  auto config = load_image_config(config_path);
  ASSERT_TRUE(config) << config.error().message;
  Lockfile lock;
  lock.config_name = config_path.string();
  lock.config_checksum = config->config_checksum;
  auto lock_path = default_lockfile_path(config_path);
  EXPECT_EQ(lock_path, dir->path() / "image.lock.json");
  ASSERT_TRUE(write_lockfile(lock_path, lock));
  auto loaded = load_lockfile(lock_path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(check_lockfile_current(*loaded, lock_path.string(), *config));

  ASSERT_TRUE(write_file_atomic(config_path, "contents:\n  packages:\n    - busybox\n    - curl\n"));
  auto edited = load_image_config(config_path);
  ASSERT_TRUE(edited);
  auto stale = check_lockfile_current(*loaded, lock_path.string(), *edited);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Errc::usage);
  EXPECT_EQ(stale.error().message,
            fmt::format("{} is stale: config checksum {} != {}; run 'wisp lock {}'", lock_path.string(),
                        config->config_checksum, edited->config_checksum, config_path.string()));

  Lockfile no_checksum;  // apko only warns
  EXPECT_TRUE(check_lockfile_current(no_checksum, "old.lock.json", *edited));
  auto missing = load_lockfile(dir->path() / "nope.lock.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

}  // namespace wisp::build

namespace wisp::build {

TEST(Lockfile, DebianEntriesLockTheWholeFileBySha256) {
  const std::string sha = "sha256-" + std::string(43, 'A') + "=";
  auto entry = [&](const std::string& url) {
    return R"({"version": "v1", "contents": {"packages": [{"name": "tzdata", "url": ")" + url +
           R"(", "version": "2024a-0+deb12u1", "architecture": "amd64", "data": {"range": "bytes=0-99", "checksum": ")" +
           sha + R"("}, "checksum": ""}]}})";
  };
  auto deb = parse_lockfile(entry("http://127.0.0.1/pool/main/t/tzdata/tzdata_2024a-0%2bdeb12u1_all.deb"), "x.lock.json");
  ASSERT_TRUE(deb) << deb.error().message;
  EXPECT_TRUE(deb->packages[0].control.checksum.empty());
  EXPECT_EQ(deb->packages[0].data.range, "bytes=0-99");
  auto reparsed = parse_lockfile(format_lockfile(*deb), "x.lock.json");
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(*reparsed, *deb);
  // An .apk still needs its control part.
  auto apk = parse_lockfile(entry("http://127.0.0.1/x86_64/tzdata-2024a-r0.apk"), "x.lock.json");
  ASSERT_FALSE(apk);
  EXPECT_NE(apk.error().message.find("control"), std::string::npos) << apk.error().message;
}

}  // namespace wisp::build
