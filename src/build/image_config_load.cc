// Loading a configuration file with its includes, and the lockfile checksum over their bytes.
#include <system_error>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/file.h"
#include "base/strings.h"
#include "build/image_config_internal.h"

namespace wisp::build {
namespace {

namespace fs = std::filesystem;

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

fs::path identity(const fs::path& path) {
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : canonical;
}

Result<fs::path> find_include(const std::string& name, const fs::path& including_dir,
                              const LoadOptions& options, const SourceLoc& loc) {
  fs::path wanted(name);
  std::vector<fs::path> candidates;
  if (wanted.is_absolute()) {
    candidates.push_back(wanted);
  } else {
    candidates.push_back(including_dir / wanted);
    for (const fs::path& dir : options.include_paths) candidates.push_back(dir / wanted);
    candidates.push_back(wanted);  // the working directory, where apko looks first
  }
  for (const fs::path& candidate : candidates)
    if (is_file(candidate)) return candidate;
  std::vector<std::string> tried;
  for (const fs::path& candidate : candidates) tried.push_back(candidate.string());
  return fail(Errc::not_found, "{}: include '{}' not found (looked for {})", loc.str(), name,
              join(tried, ", "));
}

struct Loader {
  const LoadOptions& options;
  Hasher hasher{DigestAlg::sha256};
  std::vector<fs::path> chain;       // identities of the files being loaded, outermost first
  std::vector<std::string> display;  // the same, as opened, for messages

  Result<ImageConfig> load(const fs::path& path) {
    fs::path id = identity(path);
    for (size_t i = 0; i < chain.size(); ++i) {
      if (chain[i] != id) continue;
      std::vector<std::string> cycle(display.begin() + static_cast<ptrdiff_t>(i), display.end());
      cycle.push_back(path.string());
      return fail(Errc::usage, "include cycle: {}", join(cycle, " -> "));
    }
    if (static_cast<int>(chain.size()) > options.max_include_depth)
      return fail(Errc::usage, "{}: includes nest more than {} deep", path.string(),
                  options.max_include_depth);
    TRY_ASSIGN_CTX(std::string bytes, read_file(path, options.max_file_size), "reading {}",
                   path.string());
    // apko feeds each file to the hasher before parsing it, then recurses into its include.
    hasher.update(bytes);
    TRY_ASSIGN(detail::ParsedDocument doc, detail::parse_document(bytes, path.string()));
    if (doc.config.include.empty()) return std::move(doc.config);

    TRY_ASSIGN(fs::path base_path,
               find_include(doc.config.include, path.parent_path(), options, doc.include_loc));
    chain.push_back(id);
    display.push_back(path.string());
    auto base = load(base_path);
    chain.pop_back();
    display.pop_back();
    if (!base) {
      if (base.error().message.starts_with("include cycle")) return std::unexpected(base.error());
      return std::unexpected(base.error().wrap(fmt::format("included from {}", doc.include_loc.str())));
    }
    merge_base_into(*base, doc.config);
    return std::move(doc.config);
  }
};

}  // namespace

Result<ImageConfig> load_image_config(const std::filesystem::path& path, const LoadOptions& options) {
  Loader loader{options};
  TRY_ASSIGN(ImageConfig config, loader.load(path));
  detail::normalize(config);
  config.config_file = path.string();
  config.config_checksum = "sha256-" + base64_encode(loader.hasher.finish());
  TRY(validate_image_config(config));
  return config;
}

}  // namespace wisp::build
