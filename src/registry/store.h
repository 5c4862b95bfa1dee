// Where images are copied from and to. A source hands out the root manifest (or index), the
// manifests below it and the blobs; a destination takes blobs, then manifests by digest
// (children before the index that lists them), then commit() names the image (registry tags,
// an index.json entry, an archive file) as the very last step, so a failure part way never
// leaves a name pointing at a partial image.
//
// Implementations: registries (remote_store.cc), OCI layout directories (layout_store.cc),
// oci-archive and docker-archive tars (archive_store.cc).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "base/file.h"
#include "base/result.h"
#include "io/sink.h"
#include "oci/descriptor.h"
#include "registry/client.h"
#include "registry/image_ref.h"
#include "registry/manifest_blob.h"
#include "registry/repository.h"

namespace wisp::registry {

enum class BlobTransfer { copied, present, mounted };

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  /// The location as the user wrote it, for messages.
  virtual const std::string& describe() const = 0;
  /// The image the location names: an index or a manifest, exactly as stored.
  virtual Result<ManifestBlob> root() = 0;
  /// A manifest or index listed by one already read, checked against `descriptor`.
  virtual Result<ManifestBlob> manifest(const oci::Descriptor& descriptor) = 0;
  /// A local file holding the blob (layouts), so it can be uploaded or copied without a pass
  /// through memory; nullopt when the blob has to be streamed.
  virtual std::optional<std::filesystem::path> blob_file(const oci::Descriptor&) { return std::nullopt; }
  /// Streams a blob into `sink`, checked against its digest and size.
  virtual Status read_blob(const oci::Descriptor& blob, io::Sink& sink, const ProgressFn& progress) = 0;
  /// The repository when the source is a registry (for cross-repository mounts).
  virtual Repository* repository() { return nullptr; }
};

class ImageDestination {
 public:
  virtual ~ImageDestination() = default;
  virtual const std::string& describe() const = 0;
  /// Copies one blob from `source` unless the destination has it.
  virtual Result<BlobTransfer> put_blob(const oci::Descriptor& blob, ImageSource& source,
                                        const ProgressFn& progress) = 0;
  virtual Result<bool> has_manifest(const oci::Descriptor& manifest) = 0;
  /// Stores a manifest or index by digest (its blobs and children must be there).
  virtual Status put_manifest(const ManifestBlob& manifest) = 0;
  /// Names `root` as the location says; the last step of a copy.
  virtual Status commit(const ManifestBlob& root) = 0;
  /// True when only one platform's image fits (docker-archive).
  virtual bool single_platform() const { return false; }
};

/// Opens a source or a destination for a location. Registry clients come from `clients` (so a
/// copy within one registry authenticates once). Nothing is read or written yet, except for
/// archive sources, which are unpacked into a temp dir first. Errc::not_found / bad_format for
/// missing or malformed layouts and archives, Errc::usage for a layout path that is something
/// else.
Result<std::unique_ptr<ImageSource>> open_source(const ImageLocation& location, ClientPool& clients);
Result<std::unique_ptr<ImageDestination>> open_destination(const ImageLocation& location, ClientPool& clients);

// The implementations, for the factories above and for tests.
Result<std::unique_ptr<ImageSource>> open_registry_source(const ImageLocation& location, ClientPool& clients);
Result<std::unique_ptr<ImageDestination>> open_registry_destination(const ImageLocation& location, ClientPool& clients);
/// A layout source on `dir`, selecting `root` when given, else the index.json entry named
/// `tag` (empty: the layout's only entry, or its only index, as wisp build writes beside
/// per-arch entries).
Result<std::unique_ptr<ImageSource>> open_layout_source(const std::filesystem::path& dir, const std::string& tag,
                                                        const std::string& describe,
                                                        std::optional<oci::Descriptor> root = std::nullopt);
/// A layout destination writing into `dir` (created when missing; an existing layout keeps
/// its other images); commit() adds or replaces the index.json entry named `tag`.
Result<std::unique_ptr<ImageDestination>> open_layout_destination(const std::filesystem::path& dir,
                                                                  const std::string& tag, const std::string& describe);
Result<std::unique_ptr<ImageSource>> open_archive_source(const ImageLocation& location);
Result<std::unique_ptr<ImageDestination>> open_archive_destination(const ImageLocation& location);

/// `d` without annotations, platform or urls: how a manifest is known by itself.
oci::Descriptor plain_descriptor(const oci::Descriptor& d);

}  // namespace wisp::registry
