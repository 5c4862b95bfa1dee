#include "registry/credentials.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "base/file.h"

namespace wisp::registry {
namespace {

namespace fs = std::filesystem;

class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::create("wisp-credentials-test");
    ASSERT_TRUE(dir);
    m_dir.emplace(std::move(*dir));
    m_config = m_dir->path() / "config.json";
  }

  void write_config(const std::string& text) { ASSERT_TRUE(write_file_atomic(m_config, text)); }

  CredentialStore load() {
    auto store = CredentialStore::load(m_config, false);
    EXPECT_TRUE(store) << store.error().message;
    return std::move(*store);
  }

  /// A docker-credential-NAME that answers `get` with a fixed credential for one server and
  /// records store/erase input.
  void make_helper(const std::string& name, const std::string& server, const std::string& user, const std::string& secret) {
    fs::path bin = m_dir->path() / "bin";
    fs::create_directories(bin);
    fs::path script = bin / ("docker-credential-" + name);
    std::ofstream out(script);
    out << "#!/bin/sh\n"
        << "log=" << (m_dir->path() / (name + ".log")).string() << "\n"
        << "input=$(cat); echo \"$1 $input\" >>\"$log\"\n"
        << "case $1 in get) if [ \"$input\" = '" << server << "' ]; then printf '{\"ServerURL\":\"%s\",\"Username\":\"" << user
        << "\",\"Secret\":\"" << secret << "\"}' \"$input\"; else echo 'credentials not found in native keychain'; exit 1; fi ;;\n"
        << "store|erase) ;; esac\n";
    out.close();
    fs::permissions(script, fs::perms::owner_all);
    const char* path = std::getenv("PATH");
    m_saved_path = path ? path : "";
    ::setenv("PATH", (bin.string() + ":" + m_saved_path).c_str(), 1);
  }
  void TearDown() override {
    if (!m_saved_path.empty()) ::setenv("PATH", m_saved_path.c_str(), 1);
  }
  std::string helper_log(const std::string& name) {
    auto text = read_file(m_dir->path() / (name + ".log"));
    return text ? *text : "";
  }

  std::optional<TempDir> m_dir;
  fs::path m_config;
  std::string m_saved_path;
};

TEST_F(CredentialsTest, AuthsInEveryForm) {
  write_config(R"({"auths":{
    "reg.example:5000":{"auth":")" + base64_encode("alice:pa:ss") + R"("},
    "https://other.example/v2/":{"username":"bob","password":"pw"},
    "https://index.docker.io/v1/":{"auth":")" + base64_encode("hub:user") + R"("},
    "tok.example":{"identitytoken":"refresh-me"},
    "empty.example":{}
  }})");
  CredentialStore store = load();
  auto alice = store.get("reg.example:5000");
  ASSERT_TRUE(alice && *alice);
  EXPECT_EQ((*alice)->username, "alice");
  EXPECT_EQ((*alice)->password, "pa:ss");
  auto bob = store.get("other.example");
  ASSERT_TRUE(bob && *bob);
  EXPECT_EQ((*bob)->username, "bob");
  auto hub = store.get("docker.io");
  ASSERT_TRUE(hub && *hub);
  EXPECT_EQ((*hub)->username, "hub");
  EXPECT_EQ(credential_key("registry-1.docker.io"), "https://index.docker.io/v1/");
  auto tok = store.get("tok.example");
  ASSERT_TRUE(tok && *tok);
  EXPECT_EQ((*tok)->identity_token, "refresh-me");
  EXPECT_FALSE(*store.get("empty.example"));
  EXPECT_FALSE(*store.get("reg.example"));  // the port is part of the key
  EXPECT_FALSE(*store.get("unknown.example"));
}

TEST_F(CredentialsTest, MissingFileIsEmptyAndJunkIsAnError) {
  EXPECT_FALSE(*load().get("reg.example"));
  write_config("not json");
  auto bad = CredentialStore::load(m_config, false);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::bad_format);
  write_config(R"({"auths":{"r":{"auth":"!!!"}}})");
  auto junk = load().get("r");
  ASSERT_FALSE(junk);
  EXPECT_EQ(junk.error().code, Errc::bad_format);
}

TEST_F(CredentialsTest, StoreKeepsOtherSettingsAndIsPrivate) {
  write_config(R"({"auths":{"a.example":{"auth":")" + base64_encode("a:1") + R"("}},"psFormat":"table"})");
  CredentialStore store = load();
  ASSERT_TRUE(store.store("127.0.0.1:5000", Credential{"tester", "s3cret", ""}));
  struct stat st {};
  ASSERT_EQ(::stat(m_config.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto doc = nlohmann::json::parse(*read_file(m_config));
  EXPECT_EQ(doc["psFormat"], "table");
  EXPECT_EQ(doc["auths"]["127.0.0.1:5000"]["auth"], base64_encode("tester:s3cret"));
  auto again = load().get("127.0.0.1:5000");
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->password, "s3cret");
  EXPECT_TRUE(*load().get("a.example"));
  ASSERT_TRUE(store.erase("127.0.0.1:5000"));
  EXPECT_FALSE(*load().get("127.0.0.1:5000"));
  EXPECT_TRUE(*load().get("a.example"));
}

TEST_F(CredentialsTest, HelpersFromCredHelpersAndCredsStore) {
  make_helper("wisp-unit", "reg.example", "helper-user", "helper-secret");
  write_config(R"({"credHelpers":{"reg.example":"wisp-unit"},"auths":{"reg.example":{"auth":")" + base64_encode("file:pw") +
               R"("}}})");
  auto c = load().get("reg.example");
  ASSERT_TRUE(c && *c) << (c ? "none" : c.error().message);
  EXPECT_EQ((*c)->username, "helper-user");
  EXPECT_EQ((*c)->password, "helper-secret");
  // credsStore for everything; a helper's "not found" falls back to auths.
  write_config(R"({"credsStore":"wisp-unit","auths":{"other.example":{"auth":")" + base64_encode("file:pw") + R"("}}})");
  CredentialStore store = load();
  EXPECT_EQ((*store.get("reg.example"))->username, "helper-user");
  EXPECT_EQ((*store.get("other.example"))->username, "file");
  // store goes to the helper, and config.json keeps only an empty entry.
  ASSERT_TRUE(store.store("new.example", Credential{"n", "secret-n", ""}));
  EXPECT_NE(helper_log("wisp-unit").find(R"(store {"ServerURL":"new.example","Username":"n","Secret":"secret-n"})"),
            std::string::npos)
      << helper_log("wisp-unit");
  auto doc = nlohmann::json::parse(*read_file(m_config));
  EXPECT_TRUE(doc["auths"]["new.example"].empty());
  EXPECT_EQ(read_file(m_config)->find("secret-n"), std::string::npos);
}

TEST_F(CredentialsTest, MissingHelperIsAnError) {
  write_config(R"({"credsStore":"no-such-helper-wisp"})");
  auto c = load().get("reg.example");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::not_found);
  EXPECT_NE(c.error().message.find("docker-credential-no-such-helper-wisp"), std::string::npos);
}

}  // namespace
}  // namespace wisp::registry
