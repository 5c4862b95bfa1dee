#include "pkg/repo/fetcher.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"

namespace wisp::pkg::repo {

namespace fs = std::filesystem;

namespace {

/// Serves a map of URL -> body with ETag = hex sha256 and honours If-None-Match, like the e2e
/// test server; records every request.
class FakeServer final : public io::HttpClient {
 public:
  std::map<std::string, std::string> files;
  bool down = false;

  Result<io::HttpResponse> get(const io::HttpRequest& request) override {
    std::lock_guard lock(m_mutex);
    log.push_back(request);
    if (down) return fail(Errc::network, "{}: Connection refused", request.url);
    auto it = files.find(request.url);
    if (it == files.end()) return fail(Errc::not_found, "{}: HTTP 404 Not Found", request.url);
    io::HttpResponse response;
    std::string etag = "\"" + hex_encode(sha256(it->second)) + "\"";
    response.headers.emplace_back("etag", etag);
    for (const auto& [name, value] : request.headers) {
      if (name == "If-None-Match" && value == etag) {
        response.status = 304;
        return response;
      }
    }
    response.status = 200;
    response.body = it->second;
    return response;
  }

  std::vector<io::HttpRequest> log;

 private:
  std::mutex m_mutex;
};

struct Fixture {
  TempDir dir = std::move(*TempDir::create());
  std::shared_ptr<FakeServer> server = std::make_shared<FakeServer>();

  std::unique_ptr<Fetcher> fetcher(bool offline = false) {
    FetcherOptions options;
    options.cache_dir = dir.path() / "cache";
    options.offline = offline;
    options.client = server;
    auto f = Fetcher::create(options);
    EXPECT_TRUE(f);
    return std::move(*f);
  }
};

constexpr const char* k_index = "https://repo.example/os/x86_64/APKINDEX.tar.gz";
constexpr const char* k_package = "https://repo.example/os/x86_64/a-1.0-r0.apk";

}  // namespace

TEST(RepoFetcher, IndexIsRevalidatedWithItsEtag) {
  Fixture fx;
  fx.server->files[k_index] = "index v1";
  auto fetcher = fx.fetcher();
  auto first = fetcher->fetch(k_index);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, "index v1");
  ASSERT_EQ(fx.server->log.size(), 1u);
  EXPECT_TRUE(fx.server->log[0].headers.empty());

  auto second = fetcher->fetch(k_index);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, "index v1");
  ASSERT_EQ(fx.server->log.size(), 2u);
  ASSERT_EQ(fx.server->log[1].headers.size(), 1u);
  EXPECT_EQ(fx.server->log[1].headers[0].first, "If-None-Match");
  EXPECT_EQ(fx.server->log[1].headers[0].second, "\"" + hex_encode(sha256("index v1")) + "\"");
  EXPECT_EQ(fetcher->stats().not_modified, 1u);

  // The index changes on the server: the new content replaces the cached one.
  fx.server->files[k_index] = "index v2";
  auto third = fetcher->fetch(k_index);
  ASSERT_TRUE(third);
  EXPECT_EQ(*third, "index v2");
  auto record = fetcher->cache().find_record(k_index);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->sha256, hex_encode(sha256("index v2")));
  EXPECT_EQ(record->etag, "\"" + hex_encode(sha256("index v2")) + "\"");
}

TEST(RepoFetcher, ImmutableContentIsServedFromTheCacheWithoutARequest) {
  Fixture fx;
  fx.server->files[k_package] = "package bytes";
  auto fetcher = fx.fetcher();
  ASSERT_TRUE(fetcher->fetch(k_package, Freshness::immutable));
  ASSERT_EQ(fx.server->log.size(), 1u);
  fx.server->down = true;
  auto again = fetcher->fetch(k_package, Freshness::immutable);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, "package bytes");
  EXPECT_EQ(fx.server->log.size(), 1u);
  EXPECT_EQ(fetcher->stats().cache_hits, 1u);
}

TEST(RepoFetcher, CachedCopyFailingVerificationIsFetchedAgain) {
  Fixture fx;
  fx.server->files[k_package] = "old build";
  auto fetcher = fx.fetcher();
  ASSERT_TRUE(fetcher->fetch(k_package, Freshness::immutable));
  fx.server->files[k_package] = "new build";
  FetchRequest request{k_package, Freshness::immutable,
                       [](std::string_view bytes) -> Status {
                         if (bytes != "new build") return fail(Errc::digest_mismatch, "wrong identity");
                         return {};
                       }};
  auto got = fetcher->fetch(request);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(*got, "new build");
  EXPECT_EQ(fx.server->log.size(), 2u);
  // Downloaded content that fails the check is an error and is not cached.
  fx.server->files[k_package] = "tampered";
  request.freshness = Freshness::revalidate;
  auto bad = fetcher->fetch(request);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::digest_mismatch);
  EXPECT_NE(bad.error().message.find(k_package), std::string::npos) << bad.error().message;
  EXPECT_EQ(fetcher->cache().find_record(k_package)->sha256, hex_encode(sha256("new build")));
}

TEST(RepoFetcher, OfflineUsesOnlyTheCache) {
  Fixture fx;
  fx.server->files[k_index] = "index";
  ASSERT_TRUE(fx.fetcher()->fetch(k_index));
  size_t requests = fx.server->log.size();
  auto offline = fx.fetcher(/*offline=*/true);
  auto hit = offline->fetch(k_index);
  ASSERT_TRUE(hit) << hit.error().message;
  EXPECT_EQ(*hit, "index");
  auto miss = offline->fetch(k_package, Freshness::immutable);
  ASSERT_FALSE(miss);
  EXPECT_EQ(miss.error().code, Errc::not_found);
  EXPECT_EQ(miss.error().message, std::string("offline and not cached: ") + k_package);
  EXPECT_EQ(fx.server->log.size(), requests);
}

TEST(RepoFetcher, OfflineMissWhenTheBlobIsGone) {
  Fixture fx;
  fx.server->files[k_index] = "index";
  auto online = fx.fetcher();
  ASSERT_TRUE(online->fetch(k_index));
  fs::remove(online->cache().blob_path(hex_encode(sha256("index"))));
  auto miss = fx.fetcher(true)->fetch(k_index);
  ASSERT_FALSE(miss);
  EXPECT_NE(miss.error().message.find("offline and not cached"), std::string::npos);
}

TEST(RepoFetcher, NetworkErrorsMentionTheCachedCopyAndHideCredentials) {
  Fixture fx;
  const std::string url = "https://me:hunter2@repo.example/os/x86_64/APKINDEX.tar.gz";
  fx.server->files[url] = "index";
  auto fetcher = fx.fetcher();
  ASSERT_TRUE(fetcher->fetch(url));
  // Cached under the redacted URL: the password never reaches the disk.
  EXPECT_TRUE(fetcher->cache().find_record("https://me:***@repo.example/os/x86_64/APKINDEX.tar.gz"));
  fx.server->down = true;
  auto failed = fetcher->fetch(url);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::network);
  EXPECT_NE(failed.error().message.find("--offline"), std::string::npos) << failed.error().message;
}

TEST(RepoFetcher, LocalPathsAndFileUrls) {
  Fixture fx;
  fs::path file = fx.dir.path() / "dir with space" / "k.pub";
  fs::create_directories(file.parent_path());
  ASSERT_TRUE(write_file_atomic(file, "key"));
  auto fetcher = fx.fetcher(/*offline=*/true);  // local files need no network, offline or not
  EXPECT_EQ(*fetcher->fetch(file.string()), "key");
  std::string encoded = "file://" + fx.dir.path().string() + "/dir%20with%20space/k.pub";
  auto via_url = fetcher->fetch(encoded);
  ASSERT_TRUE(via_url) << via_url.error().message;
  EXPECT_EQ(*via_url, "key");
  auto missing = fetcher->fetch((fx.dir.path() / "nope").string());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_TRUE(fx.server->log.empty());
}

TEST(RepoFetcher, LocationSchemes) {
  EXPECT_EQ(**local_path("./packages"), fs::path("./packages"));
  EXPECT_EQ(**local_path("file:///srv/repo"), fs::path("/srv/repo"));
  EXPECT_EQ(**local_path("file://localhost/srv/repo"), fs::path("/srv/repo"));
  EXPECT_FALSE(*local_path("https://x/y"));
  for (std::string_view bad : {"ftp://x/y", "file://other.host/x", "file://", "file:///a%2", "file:///a%00b"}) {
    auto r = local_path(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::usage);
  }
}

TEST(RepoFetcher, FetchAllReportsEveryResult) {
  Fixture fx;
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 20; ++i) {
    std::string url = fmt::format("https://repo.example/os/x86_64/p{}-1-r0.apk", i);
    if (i != 7) fx.server->files[url] = fmt::format("content {}", i);
    requests.push_back({url, Freshness::immutable, nullptr});
  }
  auto fetcher = fx.fetcher();
  std::vector<std::optional<Result<std::string>>> results(requests.size());
  std::set<size_t> seen;
  fetch_all(*fetcher, requests, [&](size_t i, Result<std::string> r) {
    EXPECT_TRUE(seen.insert(i).second);
    results[i] = std::move(r);
  }, 4);
  ASSERT_EQ(seen.size(), requests.size());
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i]);
    if (i == 7) {
      ASSERT_FALSE(*results[i]);
      EXPECT_EQ(results[i]->error().code, Errc::not_found);
    } else {
      ASSERT_TRUE(*results[i]);
      EXPECT_EQ(**results[i], fmt::format("content {}", i));
    }
  }
}

}  // namespace wisp::pkg::repo
