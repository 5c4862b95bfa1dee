#include "registry/copy.h"

#include <sys/utsname.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include <fmt/ranges.h>

#include "base/log.h"
#include "base/strings.h"
#include "base/thread_pool.h"
#include "oci/objects.h"

namespace wisp::registry {

namespace {

/// Every manifest below and including `top` (children first) and the distinct blobs they use.
struct ImageGraph {
  std::vector<ManifestBlob> manifests;
  std::vector<oci::Descriptor> blobs;
  std::map<std::string, size_t> blob_index;  // digest -> position in blobs
};

Status walk(ImageSource& source, ManifestBlob top, ImageGraph& graph, int depth) {
  if (depth > 8) return fail(Errc::bad_format, "{}: indexes nested deeper than 8 levels", source.describe());
  const std::string& type = top.descriptor.media_type;
  if (is_index_media_type(type)) {
    TRY_ASSIGN_CTX(oci::Index index, oci::parse_index(top.bytes), "{}: index {}", source.describe(), top.descriptor.digest);
    for (const auto& child : index.manifests) {
      bool known = std::any_of(graph.manifests.begin(), graph.manifests.end(),
                               [&](const ManifestBlob& m) { return m.descriptor.digest == child.digest; });
      if (known) continue;
      TRY_ASSIGN(ManifestBlob blob, source.manifest(child));
      TRY(walk(source, std::move(blob), graph, depth + 1));
    }
  } else {
    TRY_ASSIGN_CTX(oci::Manifest manifest, oci::parse_manifest(top.bytes), "{}: manifest {}", source.describe(),
                   top.descriptor.digest);
    std::vector<oci::Descriptor> used = {manifest.config};
    used.insert(used.end(), manifest.layers.begin(), manifest.layers.end());
    for (auto& d : used) {
      if (!d.urls.empty()) continue;  // foreign layers stay where their URLs say
      if (graph.blob_index.count(d.digest)) continue;
      graph.blob_index[d.digest] = graph.blobs.size();
      graph.blobs.push_back(plain_descriptor(d));
    }
  }
  graph.manifests.push_back(std::move(top));
  return {};
}

Result<ManifestBlob> select_platform(ImageSource& source, const ManifestBlob& root, const oci::Platform& wanted) {
  TRY_ASSIGN_CTX(oci::Index index, oci::parse_index(root.bytes), "{}", source.describe());
  std::vector<std::string> offered;
  for (const auto& entry : index.manifests) {
    if (!entry.platform) continue;
    if (platform_matches(*entry.platform, wanted)) return source.manifest(entry);
    offered.push_back(platform_string(*entry.platform));
  }
  return fail(Errc::not_found, "{}: no image for {} (the index has {})", source.describe(), platform_string(wanted),
              offered.empty() ? std::string("no platforms") : fmt::format("{}", fmt::join(offered, ", ")));
}

}  // namespace

Result<ManifestBlob> resolve_image(ImageSource& source, const std::optional<oci::Platform>& platform) {
  TRY_ASSIGN(ManifestBlob root, source.root());
  if (platform && is_index_media_type(root.descriptor.media_type)) return select_platform(source, root, *platform);
  return root;
}

Result<CopyResult> copy_image(ImageSource& source, ImageDestination& destination, const CopyOptions& options) {
  std::optional<oci::Platform> platform = options.platform;
  if (!platform && destination.single_platform()) platform = host_platform();
  TRY_ASSIGN(ManifestBlob root, resolve_image(source, platform));
  ImageGraph graph;
  TRY(walk(source, root, graph, 0));
  CopyResult result;
  result.root = graph.manifests.back();
  result.manifests = graph.manifests.size();
  result.blobs = graph.blobs.size();
  for (const auto& b : graph.blobs) result.bytes += b.size;

  // A destination that has the root by digest has everything below it (manifests are stored
  // after what they reference, by us and by every other client): only the name is missing.
  TRY_ASSIGN(bool complete, destination.has_manifest(result.root.descriptor));
  if (complete) {
    result.present = result.blobs;
    TRY(destination.commit(result.root));
    return result;
  }

  // Largest first: the long transfers start early and the small ones fill in around them.
  std::vector<const oci::Descriptor*> order;
  for (const auto& b : graph.blobs) order.push_back(&b);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->size > b->size; });
  if (options.observer) options.observer->begin(graph.blobs.size(), result.bytes);

  std::mutex mutex;
  std::optional<Error> first_error;
  std::atomic<bool> stop{false};
  parallel_for(
      order.size(),
      [&](size_t i) {
        if (stop.load()) return;
        const oci::Descriptor& blob = *order[i];
        ProgressFn progress;
        if (options.observer) progress = [&](uint64_t n) { options.observer->progress(blob, n); };
        auto moved = destination.put_blob(blob, source, progress);
        std::lock_guard lock(mutex);
        if (!moved) {
          if (!first_error) first_error = std::move(moved).error();
          stop = true;
          return;
        }
        switch (*moved) {
          case BlobTransfer::copied:
            ++result.copied;
            result.bytes_copied += blob.size;
            break;
          case BlobTransfer::present: ++result.present; break;
          case BlobTransfer::mounted: ++result.mounted; break;
        }
        if (options.observer) options.observer->done(blob, *moved);
      },
      std::max<size_t>(options.jobs, 1));
  if (options.observer) options.observer->end();
  if (first_error) return std::unexpected(std::move(*first_error));

  for (const ManifestBlob& m : graph.manifests) {
    TRY_ASSIGN(bool there, destination.has_manifest(m.descriptor));
    if (!there) TRY(destination.put_manifest(m));
  }
  TRY(destination.commit(result.root));
  log::debug("{} -> {}: {} manifests, {} blobs ({} copied, {} present, {} mounted)", source.describe(),
             destination.describe(), result.manifests, result.blobs, result.copied, result.present, result.mounted);
  return result;
}

Result<oci::Platform> parse_platform(std::string_view text) {
  auto parts = split(text, '/');
  oci::Platform p;
  if (parts.size() == 1) {
    p.architecture = std::string(parts[0]);
  } else if (parts.size() == 2 || parts.size() == 3) {
    p.os = std::string(parts[0]);
    p.architecture = std::string(parts[1]);
    if (parts.size() == 3) p.variant = std::string(parts[2]);
  } else {
    return fail(Errc::usage, "'{}' is not a platform (OS/ARCH[/VARIANT], e.g. linux/arm64)", text);
  }
  if (p.architecture.empty() || p.os.empty() || (parts.size() == 3 && p.variant.empty()))
    return fail(Errc::usage, "'{}' is not a platform (OS/ARCH[/VARIANT], e.g. linux/arm64)", text);
  // apk names for convenience: x86_64, aarch64.
  if (p.architecture == "x86_64") p.architecture = "amd64";
  if (p.architecture == "aarch64") p.architecture = "arm64";
  return p;
}

std::string platform_string(const oci::Platform& p) {
  std::string out = p.os + "/" + p.architecture;
  if (!p.variant.empty()) out += "/" + p.variant;
  return out;
}

oci::Platform host_platform() {
  utsname u{};
  ::uname(&u);
  std::string_view m = u.machine;
  oci::Platform p;
  if (m == "x86_64") p.architecture = "amd64";
  else if (m == "aarch64" || m == "arm64") p.architecture = "arm64";
  else if (m == "i686" || m == "i386") p.architecture = "386";
  else if (m.starts_with("armv7")) p.architecture = "arm", p.variant = "v7";
  else if (m.starts_with("armv6")) p.architecture = "arm", p.variant = "v6";
  else p.architecture = std::string(m);  // ppc64le, s390x, riscv64 are spelt alike
  return p;
}

bool platform_matches(const oci::Platform& entry, const oci::Platform& wanted) {
  if (entry.architecture != wanted.architecture || entry.os != wanted.os) return false;
  if (wanted.variant.empty()) return true;
  auto norm = [&](const std::string& v) { return entry.architecture == "arm64" && v.empty() ? std::string("v8") : v; };
  return norm(entry.variant) == norm(wanted.variant);
}

}  // namespace wisp::registry
