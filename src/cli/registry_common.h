// What the registry commands share (push, pull, copy, manifest, tags, digest, login, publish):
// the connection flags, a client pool built from them, parsing locations (with the shorthands
// `push DIR` and `pull ... DIR` for layouts), running a copy with a progress line on a
// terminal, and printing its outcome as text or JSON.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "registry/copy.h"
#include "registry/image_ref.h"
#include "registry/store.h"

namespace CLI {
class App;
}

namespace wisp::cli {

struct RegistryFlags {
  std::string ca_cert;
  bool insecure = false;
  size_t jobs = 4;
  int retries = 4;
  uint64_t chunk_size = uint64_t{64} << 20;
  bool json = false;

  /// --ca-cert, --insecure, --retries, --chunk-size, --json, and -j/--jobs unless `jobs_flag`
  /// is empty (publish's -j is the build's) or names another flag.
  void add_to(CLI::App& app, const std::string& jobs_flag = "-j,--jobs");
  registry::ClientOptions client_options() const;
};

/// --platform / --all, for commands that copy or show one image of an index.
struct PlatformFlags {
  std::string platform;
  bool all = false;
  void add_to(CLI::App& app, bool with_all);
  /// The selected platform, or nullopt for the whole index.
  Result<std::optional<oci::Platform>> selected() const;
};

/// A pool of registry clients over the libcurl transport.
std::unique_ptr<registry::ClientPool> make_clients(const RegistryFlags& flags);

/// The manifest (or index) `reference` names, through any transport, narrowed to one platform
/// when --platform was given: what `wisp digest` and `wisp manifest` print.
Result<registry::ManifestBlob> fetch_image_manifest(const std::string& reference, const RegistryFlags& flags,
                                                    const PlatformFlags& platform);

enum class Shorthand { none, layout };

/// Parses a location; with Shorthand::layout a plain existing directory (or a path that does
/// not parse as a reference, for destinations) is read as oci:PATH.
Result<registry::ImageLocation> parse_location(const std::string& text, Shorthand shorthand = Shorthand::none);

/// Copies with a progress line on stderr when it is a terminal (and not --json / -q).
Result<registry::CopyResult> run_copy(const registry::ImageLocation& from, const registry::ImageLocation& to,
                                      registry::ClientPool& clients, const RegistryFlags& flags,
                                      const std::optional<oci::Platform>& platform, std::string_view verb);

/// The JSON object describing a finished copy.
std::string copy_json(const registry::ImageLocation& from, const registry::ImageLocation& to,
                      const registry::CopyResult& result);

/// "REGISTRY/REPO:TAG@DIGEST" for registry locations; the location text + "@" + digest otherwise.
std::string pinned_name(const registry::ImageLocation& location, const std::string& digest);

}  // namespace wisp::cli
