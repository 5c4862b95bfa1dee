#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/file.h"
#include "oci/file_io.h"
#include "oci/layout.h"
#include "oci/media_types.h"

namespace wisp::oci {

namespace fs = std::filesystem;

namespace {

/// `dir` as an absolute path without a trailing slash, so that it has a name and a parent.
Result<fs::path> normalize(const fs::path& dir) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (ec) return fail(Errc::io, "{}: {}", dir.string(), ec.message());
  if (p.filename().empty()) p = p.parent_path();
  if (p == p.root_path() || p.filename() == "." || p.filename() == "..")
    return fail(Errc::usage, "{}: not a usable image layout path", dir.string());
  return p;
}

/// What is at the target: nothing, something commit() may replace, or something it must not.
enum class Target { absent, replaceable };

Result<Target> inspect_target(const fs::path& dir) {
  struct stat st{};
  if (::lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return Target::absent;
    return os_error("stat", dir, errno);
  }
  auto refuse = [&](std::string_view what) {
    return fail(Errc::usage, "{}: {}; refusing to replace it with an image layout", dir.string(), what);
  };
  if (S_ISLNK(st.st_mode)) return refuse("is a symbolic link");
  if (!S_ISDIR(st.st_mode)) return refuse("exists and is not a directory");
  struct stat layout{};
  if (::lstat((dir / "oci-layout").c_str(), &layout) == 0 && S_ISREG(layout.st_mode))
    return Target::replaceable;
  std::error_code ec;
  bool empty = fs::is_empty(dir, ec);
  if (ec) return fail(Errc::io, "{}: {}", dir.string(), ec.message());
  if (!empty) return refuse("is a directory that is neither empty nor an OCI image layout");
  return Target::replaceable;
}

void remove_tree(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

}  // namespace

Result<LayoutWriter> LayoutWriter::create(const fs::path& dir) {
  TRY_ASSIGN(fs::path target, normalize(dir));
  fs::path parent = target.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) return fail(Errc::io, "{}: cannot create directory: {}", parent.string(), ec.message());
  std::string tmpl = (parent / ("." + target.filename().string() + ".staging.XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) return os_error("create staging directory", parent, errno);
  LayoutWriter writer(target, fs::path(tmpl));  // owns the staging dir from here on
  if (::chmod(tmpl.c_str(), 0755) != 0) return os_error("chmod", tmpl, errno);
  fs::create_directories(writer.blobs_dir(), ec);
  if (ec) return fail(Errc::io, "{}: cannot create directory: {}", writer.blobs_dir().string(), ec.message());
  return writer;
}

LayoutWriter::LayoutWriter(LayoutWriter&& other) noexcept
    : m_dir(std::move(other.m_dir)), m_staging(std::move(other.m_staging)), m_committed(other.m_committed) {
  other.m_staging.clear();
}

LayoutWriter::~LayoutWriter() {
  if (!m_committed && !m_staging.empty()) remove_tree(m_staging);
}

Status LayoutWriter::check_open() const {
  if (m_committed) return fail(Errc::internal, "{}: layout already committed", m_dir.string());
  if (m_staging.empty()) return fail(Errc::internal, "use of a moved-from LayoutWriter");
  return {};
}

Result<Descriptor> LayoutWriter::add_blob(std::string_view bytes, std::string media_type) {
  TRY_ASSIGN(auto sink, begin_blob());
  TRY(sink->write(bytes));
  return sink->finish(std::move(media_type));
}

Result<std::unique_ptr<BlobSink>> LayoutWriter::begin_blob() {
  TRY(check_open());
  return BlobSink::create(blobs_dir());
}

Result<LayerResult> LayoutWriter::write_layer(const std::function<Status(io::Sink&)>& produce,
                                              const LayerOptions& options) {
  TRY_ASSIGN(auto sink, begin_blob());
  LayerWriter layer(*sink, options);
  TRY(produce(layer));
  TRY_ASSIGN(LayerResult result, layer.finish());
  TRY_ASSIGN(Descriptor blob, sink->finish(result.blob.media_type));
  if (blob.digest != result.blob.digest || blob.size != result.blob.size)
    return fail(Errc::internal, "layer blob {} ({} bytes) was stored as {} ({} bytes)", result.blob.digest,
                result.blob.size, blob.digest, blob.size);
  return result;
}

Status LayoutWriter::commit(const Index& index) {
  TRY(check_open());
  TRY(write_file_atomic(m_staging / "oci-layout",
                        fmt::format("{{\"imageLayoutVersion\":\"{}\"}}", k_layout_version)));
  TRY(write_file_atomic(m_staging / "index.json", serialize(index)));
  TRY(fsync_dir(blobs_dir()));
  TRY(fsync_dir(m_staging / "blobs"));
  TRY(fsync_dir(m_staging));

  TRY_ASSIGN(Target target, inspect_target(m_dir));
  if (target == Target::absent) {
    if (::rename(m_staging.c_str(), m_dir.c_str()) != 0) return os_error("rename into place", m_dir, errno);
  } else {
    TRY(replace_dir(m_staging, m_dir));
  }
  m_committed = true;
  m_staging = m_dir;
  return fsync_dir(m_dir.parent_path());
}

}  // namespace wisp::oci
