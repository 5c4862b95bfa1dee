// Canonical bytes of the OCI objects. Field order follows go-containerregistry's structs
// (pkg/v1/config.go, manifest.go, platform.go) so wisp's JSON reads like apko's.
#include "oci/json_writer.h"
#include "oci/objects.h"

namespace wisp::oci {

namespace {

void write_platform(JsonWriter& w, const Platform& p) {
  w.begin_object();
  w.key("architecture").string(p.architecture);
  w.key("os").string(p.os);
  if (!p.os_version.empty()) w.key("os.version").string(p.os_version);
  if (!p.os_features.empty()) w.key("os.features").string_array(p.os_features);
  if (!p.variant.empty()) w.key("variant").string(p.variant);
  w.end_object();
}

void write_descriptor(JsonWriter& w, const Descriptor& d) {
  w.begin_object();
  w.key("mediaType").string(d.media_type);
  w.key("size").number(d.size);
  w.key("digest").string(d.digest);
  if (!d.urls.empty()) w.key("urls").string_array(d.urls);
  if (!d.annotations.empty()) w.key("annotations").string_map(d.annotations);
  if (d.platform) {
    w.key("platform");
    write_platform(w, *d.platform);
  }
  if (!d.artifact_type.empty()) w.key("artifactType").string(d.artifact_type);
  w.end_object();
}

void write_container_config(JsonWriter& w, const ContainerConfig& c) {
  w.begin_object();
  if (!c.cmd.empty()) w.key("Cmd").string_array(c.cmd);
  if (!c.entrypoint.empty()) w.key("Entrypoint").string_array(c.entrypoint);
  if (!c.env.empty()) w.key("Env").string_array(c.env);
  if (!c.labels.empty()) w.key("Labels").string_map(c.labels);
  if (!c.user.empty()) w.key("User").string(c.user);
  if (!c.volumes.empty()) w.key("Volumes").empty_object_set(c.volumes);
  if (!c.working_dir.empty()) w.key("WorkingDir").string(c.working_dir);
  if (!c.exposed_ports.empty()) w.key("ExposedPorts").empty_object_set(c.exposed_ports);
  if (!c.stop_signal.empty()) w.key("StopSignal").string(c.stop_signal);
  w.end_object();
}

void write_history(JsonWriter& w, const HistoryEntry& h) {
  w.begin_object();
  if (!h.author.empty()) w.key("author").string(h.author);
  if (!h.created.empty()) w.key("created").string(h.created);
  if (!h.created_by.empty()) w.key("created_by").string(h.created_by);
  if (!h.comment.empty()) w.key("comment").string(h.comment);
  if (h.empty_layer) w.key("empty_layer").boolean(true);
  w.end_object();
}

/// The members image manifests and indexes share, around their list of descriptors.
template <typename Body>
std::string write_top_level(std::string_view media_type, const Body& body,
                            const std::map<std::string, std::string>& annotations,
                            const std::optional<Descriptor>& subject, std::string_view artifact_type) {
  JsonWriter w;
  w.begin_object();
  w.key("schemaVersion").number(2);
  if (!media_type.empty()) w.key("mediaType").string(media_type);
  body(w);
  if (!annotations.empty()) w.key("annotations").string_map(annotations);
  if (subject) {
    w.key("subject");
    write_descriptor(w, *subject);
  }
  if (!artifact_type.empty()) w.key("artifactType").string(artifact_type);
  w.end_object();
  return w.take();
}

}  // namespace

std::string serialize(const ImageConfig& c) {
  JsonWriter w;
  w.begin_object();
  w.key("architecture").string(c.architecture);
  if (!c.author.empty()) w.key("author").string(c.author);
  if (!c.created.empty()) w.key("created").string(c.created);
  if (!c.history.empty()) {
    w.key("history").begin_array();
    for (const auto& h : c.history) write_history(w, h);
    w.end_array();
  }
  w.key("os").string(c.os);
  w.key("rootfs").begin_object();
  w.key("type").string("layers");
  w.key("diff_ids").string_array(c.diff_ids);
  w.end_object();
  w.key("config");
  write_container_config(w, c.config);
  if (!c.variant.empty()) w.key("variant").string(c.variant);
  w.end_object();
  return w.take();
}

std::string serialize(const Manifest& m) {
  return write_top_level(
      m.media_type,
      [&](JsonWriter& w) {
        w.key("config");
        write_descriptor(w, m.config);
        w.key("layers").begin_array();
        for (const auto& layer : m.layers) write_descriptor(w, layer);
        w.end_array();
      },
      m.annotations, m.subject, m.artifact_type);
}

std::string serialize(const Index& index) {
  return write_top_level(
      index.media_type,
      [&](JsonWriter& w) {
        w.key("manifests").begin_array();
        for (const auto& d : index.manifests) write_descriptor(w, d);
        w.end_array();
      },
      index.annotations, index.subject, index.artifact_type);
}

}  // namespace wisp::oci
