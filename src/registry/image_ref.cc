#include "registry/image_ref.h"

namespace wisp::registry {

std::string_view transport_name(TransportKind kind) {
  switch (kind) {
    case TransportKind::docker: return "docker";
    case TransportKind::oci: return "oci";
    case TransportKind::oci_archive: return "oci-archive";
    case TransportKind::docker_archive: return "docker-archive";
  }
  return "?";
}

Result<ImageLocation> parse_image_location(std::string_view text) {
  ImageLocation loc;
  loc.text = std::string(text);
  auto with_prefix = [&](std::string_view prefix) { return text.starts_with(prefix); };
  if (with_prefix("docker://") || !(with_prefix("oci:") || with_prefix("oci-archive:") || with_prefix("docker-archive:"))) {
    if (with_prefix("docker:") && !with_prefix("docker://"))
      return fail(Errc::usage, "'{}': the docker transport is written docker://REFERENCE", text);
    std::string_view rest = with_prefix("docker://") ? text.substr(9) : text;
    TRY_ASSIGN(loc.reference, parse_reference(rest));
    loc.kind = TransportKind::docker;
    return loc;
  }
  size_t colon = text.find(':');
  std::string_view transport = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 1);
  loc.kind = transport == "oci" ? TransportKind::oci
             : transport == "oci-archive" ? TransportKind::oci_archive
                                          : TransportKind::docker_archive;
  // PATH[:REF]: the path ends at the first ':' (as in skopeo); docker-archive's REF is
  // NAME:TAG, so everything after that colon belongs to it.
  size_t split = rest.find(':');
  loc.path = std::string(rest.substr(0, split));
  if (split != std::string_view::npos) loc.tag = std::string(rest.substr(split + 1));
  if (loc.path.empty()) return fail(Errc::usage, "'{}': no path after '{}:'", text, transport);
  if (split != std::string_view::npos && loc.tag.empty())
    return fail(Errc::usage, "'{}': empty reference after the path", text);
  if (loc.kind == TransportKind::docker_archive && !loc.tag.empty()) {
    auto ref = parse_reference(loc.tag);
    if (!ref || !ref->digest.empty())
      return fail(Errc::usage, "'{}': a docker-archive reference is NAME:TAG", text);
  }
  return loc;
}

}  // namespace wisp::registry
