// Copying an image from any source to any destination (store.h), the way `wisp copy`, `push`,
// `pull` and `publish` do: read the root (index or manifest) and every manifest below it,
// move the distinct blobs in parallel (largest first; each one skipped when the destination
// has it), then the manifests by digest, children before parents, then commit the name. When
// the destination already has the root by digest, only the name is committed.
// Digests never change: manifests travel as their original bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "oci/descriptor.h"
#include "registry/store.h"

namespace wisp::registry {

/// Observes a copy. Calls may come from several threads at once.
class CopyObserver {
 public:
  virtual ~CopyObserver() = default;
  /// Before any blob moves: how many distinct blobs and bytes the image has.
  virtual void begin(size_t blobs, uint64_t bytes) = 0;
  /// Bytes of `blob` moved so far.
  virtual void progress(const oci::Descriptor& blob, uint64_t bytes) = 0;
  virtual void done(const oci::Descriptor& blob, BlobTransfer how) = 0;
  virtual void end() = 0;
};

struct CopyOptions {
  /// Copy only this platform's image out of an index (the result is that image's manifest).
  std::optional<oci::Platform> platform;
  size_t jobs = 4;  // blobs in flight
  CopyObserver* observer = nullptr;
};

struct CopyResult {
  ManifestBlob root;  // what the destination now names
  size_t manifests = 0;
  size_t blobs = 0;
  size_t copied = 0, present = 0, mounted = 0;
  uint64_t bytes = 0;         // every blob's size
  uint64_t bytes_copied = 0;  // of the blobs that moved
};

/// Copies; a destination that holds one platform only (docker-archive) gets the host's
/// platform unless options.platform says otherwise. Errc::not_found when the index has no
/// matching platform (the message lists those it has).
Result<CopyResult> copy_image(ImageSource& source, ImageDestination& destination, const CopyOptions& options);

/// The source's root, or with `platform` that platform's manifest out of a root index (a root
/// manifest is returned as it is). Errc::not_found as copy_image says.
Result<ManifestBlob> resolve_image(ImageSource& source, const std::optional<oci::Platform>& platform);

/// "linux/arm64/v8", "linux/amd64", "arm64" (os defaults to linux). Errc::usage otherwise.
Result<oci::Platform> parse_platform(std::string_view text);
/// "linux/arm64/v8".
std::string platform_string(const oci::Platform& platform);
/// The platform of this machine (linux/<GOARCH of uname -m>).
oci::Platform host_platform();
/// Does an index entry's platform satisfy `wanted`? Architecture and OS must be equal; a
/// wanted variant must be equal too, with arm64's "v8" the same as none.
bool platform_matches(const oci::Platform& entry, const oci::Platform& wanted);

}  // namespace wisp::registry
