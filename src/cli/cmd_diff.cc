// wisp diff FROM TO: what changed between two images, as `chainctl images diff` reports it —
// packages added, removed and changed, and (with --feed) vulnerabilities added and removed —
// plus size and layers. Both images are read from any location (registry, layout, archive).
#include <map>

#include <fmt/format.h>

#include "build/arch.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/feeds.h"
#include "cli/image_contents.h"
#include "cli/registry_common.h"
#include "diff/diff_output.h"
#include "diff/image_diff.h"
#include "registry/copy.h"
#include "vuln/feed.h"
#include "vuln/match.h"

namespace wisp::cli {
namespace {

/// The release Debian tracker feeds are narrowed to for `image`. For an image that is not
/// Debian, one that does not exist: the feeds are still parsed (a broken feed is an error
/// whatever the image) but keep nothing.
std::string feed_release(const sbom::ImageContents& image) {
  return image.os && image.os->id == "debian" ? debian_release(image) : std::string{"(not debian)"};
}

/// The feeds that apply to `image`: every apk secdb (match_image skips other distros' ones), and
/// Debian tracker feeds narrowed to feed_release().
/// Errors name the feed; `location` names the image when it is the image that is lacking.
Result<std::vector<vuln::Feed>> feeds_for(const std::vector<FeedText>& texts, const sbom::ImageContents& image,
                                          const std::string& location) {
  auto feeds = parse_feeds(texts, feed_release(image));
  if (!feeds && feeds.error().code == Errc::usage)
    return fail(Errc::usage, "{}, and the os-release of {} names no release codename", feeds.error().message, location);
  return feeds;
}

/// --platform OS/ARCH[/VARIANT] or --arch, as the arch read_image_contents takes; linux/amd64
/// (chainctl's default) when neither is given.
Result<std::string> selected_arch(const std::string& platform, const std::string& arch) {
  if (!platform.empty() && !arch.empty()) return fail(Errc::usage, "--platform and --arch exclude each other");
  if (!arch.empty()) {
    TRY_ASSIGN(build::Arch parsed, build::parse_arch(arch));
    return parsed.apk;
  }
  if (platform.empty()) return std::string{"x86_64"};
  TRY_ASSIGN(oci::Platform p, registry::parse_platform(platform));
  if (p.os != "linux") return fail(Errc::usage, "--platform {}: only linux images hold packages", platform);
  if (!p.variant.empty()) {
    if (auto with_variant = build::parse_arch(p.architecture + "/" + p.variant)) return with_variant->apk;
  }
  TRY_ASSIGN(build::Arch parsed, build::parse_arch(p.architecture));
  return parsed.apk;
}

Result<std::vector<std::string>> selected_types(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    if (value == "-") return std::vector<std::string>{};  // chainctl's "every type"
    if (value != "apk" && value != "deb" && value != "oci")
      return fail(Errc::usage, "--artifact-types: '{}' is not apk, deb, oci or -", value);
    out.push_back(value);
  }
  return out;
}

}  // namespace

int cmd_diff(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Compare two images: packages added, removed and changed (matched by purl without\n"
               "the version, as `chainctl images diff` does), vulnerabilities added and removed\n"
               "(with --feed: apk secdb or Debian security tracker JSON), size and layers.\n"
               "FROM and TO are registry references ([docker://]REGISTRY/REPO[:TAG|@DIGEST]),\n"
               "oci:DIR[:TAG], docker-archive:FILE or paths. JSON (chainctl's shape) by default.",
               prog};
  std::string from_text, to_text, platform, arch, format = "json";
  std::vector<std::string> types = {"apk", "deb"}, feeds;
  RegistryFlags flags;
  pkg::repo::FetcherOptions fetch_options;
  app.add_option("from", from_text, "The image compared against (the older one)")->required();
  app.add_option("to", to_text, "The image compared (the newer one)")->required();
  app.add_option("--platform", platform, "The platform of multi-arch images: OS/ARCH[/VARIANT] (default linux/amd64)");
  app.add_option("--arch", arch, "The architecture, apk or OCI spelling (instead of --platform)");
  app.add_option("-o,--output", format, "json, markdown or text")->check(CLI::IsMember({"json", "markdown", "md", "text"}));
  app.add_option("-t,--artifact-types", types, "Package types compared: apk, deb, oci (the images themselves); - for all")
      ->delimiter(',');
  app.add_option("--feed", feeds, "Security feed (apk secdb or Debian tracker JSON), path or URL; repeatable");
  app.add_option("--cache-dir", fetch_options.cache_dir, "Download cache for --feed URLs");
  app.add_flag("--offline", fetch_options.offline, "Use only cached copies of --feed URLs");
  app.add_option("--ca-cert", flags.ca_cert, "Also trust the CA certificates in this PEM file (registries)");
  app.add_flag("--insecure", flags.insecure, "Accept any TLS certificate and allow plain HTTP (registries)");
  if (auto rc = parse(app, std::move(args))) return *rc;

  auto image_arch = selected_arch(platform, arch);
  if (!image_arch) return report(image_arch.error());
  auto artifact_types = selected_types(types);
  if (!artifact_types) return report(artifact_types.error());
  diff::DiffOptions options{.artifact_types = *artifact_types};

  auto feed_texts = fetch_feeds(feeds, std::move(fetch_options));
  if (!feed_texts) return report(feed_texts.error());
  auto from = read_image_contents(from_text, *image_arch, flags);
  if (!from) return report(from.error());
  auto to = read_image_contents(to_text, *image_arch, flags);
  if (!to) return report(to.error());

  diff::ImageDiff result;
  if (feeds.empty()) {
    result = diff::diff_images(*from, *to, options);
    result.warnings.push_back("no --feed given: vulnerabilities not compared");
  } else {
    auto from_feeds = feeds_for(*feed_texts, *from, from_text);
    if (!from_feeds) return report(from_feeds.error());
    // Parsing a Debian tracker feed is the slow part: once when both images share a release.
    auto to_feeds = feed_release(*to) == feed_release(*from) ? from_feeds : feeds_for(*feed_texts, *to, to_text);
    if (!to_feeds) return report(to_feeds.error());
    result = diff::diff_images(*from, *to, vuln::match_image(*from, *from_feeds), vuln::match_image(*to, *to_feeds),
                               options);
  }
  result.from.location = from_text;
  result.to.location = to_text;

  if (format == "json")
    fmt::print("{}", diff::write_json(result));
  else if (format == "text")
    fmt::print("{}", diff::write_text(result));
  else
    fmt::print("{}", diff::write_markdown(result));
  return k_exit_ok;
}

}  // namespace wisp::cli
