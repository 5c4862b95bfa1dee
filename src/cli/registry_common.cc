#include "cli/registry_common.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "base/log.h"

namespace wisp::cli {

namespace {

std::string mib(uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

/// One status line on a terminal, redrawn at most ten times a second.
class TerminalProgress final : public registry::CopyObserver {
 public:
  explicit TerminalProgress(std::string verb) : m_verb(std::move(verb)) {}

  void begin(size_t blobs, uint64_t bytes) override {
    std::lock_guard lock(m_mutex);
    m_blobs = blobs;
    m_total = bytes;
    m_start = std::chrono::steady_clock::now();
    draw(true);
  }
  void progress(const oci::Descriptor& blob, uint64_t bytes) override {
    std::lock_guard lock(m_mutex);
    uint64_t& seen = m_moved[blob.digest];
    if (bytes > seen) m_bytes += bytes - seen;
    seen = bytes;
    draw(false);
  }
  void done(const oci::Descriptor& blob, registry::BlobTransfer) override {
    std::lock_guard lock(m_mutex);
    uint64_t& seen = m_moved[blob.digest];
    if (blob.size > seen) m_bytes += blob.size - seen;
    seen = blob.size;
    ++m_done;
    draw(true);
  }
  void end() override {
    std::lock_guard lock(m_mutex);
    draw(true);
    fmt::print(stderr, "\n");
  }

 private:
  void draw(bool force) {
    auto now = std::chrono::steady_clock::now();
    if (!force && now - m_last < std::chrono::milliseconds(100)) return;
    m_last = now;
    double seconds = std::chrono::duration<double>(now - m_start).count();
    double rate = seconds > 0 ? static_cast<double>(m_bytes) / seconds : 0;
    fmt::print(stderr, "\r\033[K{} {}/{} blobs  {} / {}  {}/s", m_verb, m_done, m_blobs, mib(m_bytes), mib(m_total),
               mib(static_cast<uint64_t>(rate)));
    std::fflush(stderr);
  }

  std::string m_verb;
  std::mutex m_mutex;
  std::map<std::string, uint64_t> m_moved;
  size_t m_blobs = 0, m_done = 0;
  uint64_t m_total = 0, m_bytes = 0;
  std::chrono::steady_clock::time_point m_start, m_last;
};

}  // namespace

void RegistryFlags::add_to(CLI::App& app, const std::string& jobs_flag) {
  app.add_option("--ca-cert", ca_cert, "Also trust the CA certificates in this PEM file");
  app.add_flag("--insecure", insecure, "Accept any TLS certificate and allow plain HTTP (loopback hosts may use HTTP anyway)");
  if (!jobs_flag.empty()) app.add_option(jobs_flag, jobs, "Blobs transferred in parallel")->check(CLI::Range(1, 64));
  app.add_option("--retries", retries, "Retries of a failed request or upload (backoff; Retry-After honoured)")
      ->check(CLI::Range(0, 20));
  app.add_option("--chunk-size", chunk_size, "Upload blobs larger than this in chunks of this many bytes")
      ->check(CLI::Range(uint64_t{1} << 10, uint64_t{1} << 40));
  app.add_flag("--json", json, "Print the outcome as JSON");
}

registry::ClientOptions RegistryFlags::client_options() const {
  registry::ClientOptions options;
  options.transport.ca_file = ca_cert;
  options.transport.verify_tls = !insecure;
  options.allow_http = insecure;
  options.retry.attempts = retries + 1;
  options.chunk_size = chunk_size;
  return options;
}

void PlatformFlags::add_to(CLI::App& app, bool with_all) {
  app.add_option("--platform", platform, "One platform of a multi-arch image: OS/ARCH[/VARIANT], e.g. linux/arm64");
  if (with_all) app.add_flag("--all", all, "Every platform of a multi-arch image (the default)");
}

Result<std::optional<oci::Platform>> PlatformFlags::selected() const {
  if (platform.empty()) return std::optional<oci::Platform>();
  if (all) return fail(Errc::usage, "--all and --platform exclude each other");
  TRY_ASSIGN(oci::Platform p, registry::parse_platform(platform));
  return std::optional<oci::Platform>(p);
}

std::unique_ptr<registry::ClientPool> make_clients(const RegistryFlags& flags) {
  registry::ClientOptions options = flags.client_options();
  std::shared_ptr<registry::Transport> transport = registry::make_curl_transport(options.transport);
  return std::make_unique<registry::ClientPool>(std::move(transport), std::move(options));
}

Result<registry::ManifestBlob> fetch_image_manifest(const std::string& reference, const RegistryFlags& flags,
                                                    const PlatformFlags& platform) {
  TRY_ASSIGN(registry::ImageLocation location, parse_location(reference));
  TRY_ASSIGN(auto selected, platform.selected());
  auto clients = make_clients(flags);
  TRY_ASSIGN(auto source, registry::open_source(location, *clients));
  return registry::resolve_image(*source, selected);
}

Result<registry::ImageLocation> parse_location(const std::string& text, Shorthand shorthand) {
  if (shorthand == Shorthand::layout) {
    std::error_code ec;
    bool has_transport = text.starts_with("docker://") || text.starts_with("oci:") || text.starts_with("oci-archive:") ||
                         text.starts_with("docker-archive:");
    if (!has_transport && std::filesystem::is_directory(text, ec)) return registry::parse_image_location("oci:" + text);
  }
  return registry::parse_image_location(text);
}

Result<registry::CopyResult> run_copy(const registry::ImageLocation& from, const registry::ImageLocation& to,
                                      registry::ClientPool& clients, const RegistryFlags& flags,
                                      const std::optional<oci::Platform>& platform, std::string_view verb) {
  TRY_ASSIGN(auto source, registry::open_source(from, clients));
  TRY_ASSIGN(auto destination, registry::open_destination(to, clients));
  registry::CopyOptions options;
  options.platform = platform;
  options.jobs = flags.jobs;
  std::optional<TerminalProgress> bar;
  if (!flags.json && ::isatty(2) && log::level() >= log::Level::warn) {
    bar.emplace(std::string(verb));
    options.observer = &*bar;
  }
  auto result = registry::copy_image(*source, *destination, options);
  if (!result) return std::unexpected(result.error().wrap(fmt::format("{} {} to {}", verb, from.text, to.text)));
  log::info("{} {} -> {}: {} ({} blobs: {} copied ({}), {} already there, {} mounted)", verb, from.text, to.text,
            result->root.descriptor.digest, result->blobs, result->copied, mib(result->bytes_copied), result->present,
            result->mounted);
  return result;
}

std::string copy_json(const registry::ImageLocation& from, const registry::ImageLocation& to,
                      const registry::CopyResult& result) {
  nlohmann::ordered_json doc;
  doc["source"] = from.text;
  doc["destination"] = to.text;
  doc["digest"] = result.root.descriptor.digest;
  doc["mediaType"] = result.root.descriptor.media_type;
  doc["size"] = result.root.descriptor.size;
  if (to.kind == registry::TransportKind::docker) doc["reference"] = pinned_name(to, result.root.descriptor.digest);
  doc["manifests"] = result.manifests;
  doc["blobs"] = {{"total", result.blobs},     {"copied", result.copied},   {"present", result.present},
                  {"mounted", result.mounted}, {"bytes", result.bytes},     {"bytesCopied", result.bytes_copied}};
  return doc.dump(2) + "\n";
}

std::string pinned_name(const registry::ImageLocation& location, const std::string& digest) {
  if (location.kind != registry::TransportKind::docker) return location.text + "@" + digest;
  registry::Reference ref = location.reference;
  ref.digest = digest;
  return ref.str();
}

}  // namespace wisp::cli
