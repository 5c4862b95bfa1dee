#include "registry/store.h"

namespace wisp::registry {

oci::Descriptor plain_descriptor(const oci::Descriptor& d) {
  oci::Descriptor out;
  out.media_type = d.media_type;
  out.digest = d.digest;
  out.size = d.size;
  out.artifact_type = d.artifact_type;
  return out;
}

Result<std::unique_ptr<ImageSource>> open_source(const ImageLocation& location, ClientPool& clients) {
  switch (location.kind) {
    case TransportKind::docker: return open_registry_source(location, clients);
    case TransportKind::oci: return open_layout_source(location.path, location.tag, location.text);
    case TransportKind::oci_archive:
    case TransportKind::docker_archive: return open_archive_source(location);
  }
  return fail(Errc::internal, "unknown transport");
}

Result<std::unique_ptr<ImageDestination>> open_destination(const ImageLocation& location, ClientPool& clients) {
  switch (location.kind) {
    case TransportKind::docker: return open_registry_destination(location, clients);
    case TransportKind::oci: return open_layout_destination(location.path, location.tag, location.text);
    case TransportKind::oci_archive:
    case TransportKind::docker_archive: return open_archive_destination(location);
  }
  return fail(Errc::internal, "unknown transport");
}

}  // namespace wisp::registry
