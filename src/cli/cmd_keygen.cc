// wisp keygen: create a signing key pair. apk RSA keys (--apk NAME), written the way abuild
// and melange write them: NAME.rsa (PKCS#1 PEM, 0600) and NAME.rsa.pub (PKIX PEM); or cosign
// keys (--cosign), written the way `cosign generate-key-pair` writes them: cosign.key
// (encrypted, 0600) and cosign.pub (PEM, 0644).
#include <filesystem>
#include <system_error>

#include <sodium.h>

#include "base/file.h"
#include "base/log.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "pkg/apk/keys.h"
#include "sign/cosign_key.h"

namespace wisp::cli {
namespace {

namespace fs = std::filesystem;

struct KeygenOptions {
  std::string apk_name;
  bool cosign = false;
  bool legacy = false;
  std::string out_dir = ".";
  int bits = 4096;
  bool force = false;
};

Status check_key_name(std::string_view name) {
  if (name.empty()) return fail(Errc::usage, "--apk: the key name is empty");
  if (name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos)
    return fail(Errc::usage, "--apk: key name '{}' must be a file name, not a path (use -o DIR)", name);
  if (name[0] == '.')
    return fail(Errc::usage, "--apk: key name '{}' starts with '.'; apk ignores hidden key files", name);
  return {};
}

Status refuse_overwrite(const fs::path& path, bool force) {
  std::error_code ec;
  if (!force && fs::symlink_status(path, ec).type() != fs::file_type::not_found && !ec)
    return fail(Errc::usage, "{}: already exists (use --force to replace it)", path.string());
  return {};
}

Result<std::pair<fs::path, fs::path>> write_apk_key(const KeygenOptions& opts) {
  std::string name = opts.apk_name;
  // "melange.rsa" and "melange" both mean the key pair melange.rsa / melange.rsa.pub.
  if (name.ends_with(".rsa")) name.resize(name.size() - 4);
  TRY(check_key_name(name));

  fs::path dir = opts.out_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(Errc::io, "{}: cannot create directory: {}", dir.string(), ec.message());
  fs::path private_path = dir / (name + ".rsa");
  fs::path public_path = dir / (name + ".rsa.pub");
  TRY(refuse_overwrite(private_path, opts.force));
  TRY(refuse_overwrite(public_path, opts.force));

  log::info("generating a {}-bit RSA key", opts.bits);
  TRY_ASSIGN(auto key, pkg::apk::PrivateKey::generate(public_path.filename().string(), opts.bits));
  std::string private_pem = key.private_pem();
  std::string public_pem = key.public_pem();
  if (private_pem.empty() || public_pem.empty())
    return fail(Errc::internal, "could not encode the generated key as PEM");
  TRY(write_file_atomic(private_path, private_pem, 0600));
  TRY(write_file_atomic(public_path, public_pem, 0644));
  return std::pair{private_path, public_path};
}

Result<std::pair<fs::path, fs::path>> write_cosign_key(const KeygenOptions& opts) {
  fs::path dir = opts.out_dir;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(Errc::io, "{}: cannot create directory: {}", dir.string(), ec.message());
  // cosign prints bare names for the current directory.
  fs::path private_path = opts.out_dir == "." ? fs::path("cosign.key") : dir / "cosign.key";
  fs::path public_path = opts.out_dir == "." ? fs::path("cosign.pub") : dir / "cosign.pub";
  TRY(refuse_overwrite(private_path, opts.force));
  TRY(refuse_overwrite(public_path, opts.force));

  TRY_ASSIGN(std::string password, sign::read_key_password(/*confirm=*/true));
  TRY_ASSIGN(sign::PrivateKey key, sign::PrivateKey::generate());
  auto format = opts.legacy ? sign::KeyFileFormat::legacy : sign::KeyFileFormat::current;
  auto private_pem = key.to_encrypted_pem(password, format);
  sodium_memzero(password.data(), password.size());
  if (!private_pem) return std::unexpected(private_pem.error());
  TRY(write_file_atomic(private_path, *private_pem, 0600));
  TRY(write_file_atomic(public_path, key.public_key().to_pem(), 0644));
  return std::pair{private_path, public_path};
}

}  // namespace

int cmd_keygen(const std::string& prog, std::vector<std::string> args) {
  CLI::App app("Create a signing key pair.\n"
               "  --apk NAME writes NAME.rsa (private, PKCS#1 PEM, mode 0600) and NAME.rsa.pub\n"
               "  (public, PEM). Put NAME.rsa.pub in /etc/apk/keys; packages and indexes signed\n"
               "  with NAME.rsa carry a .SIGN.RSA256.NAME.rsa.pub entry.\n"
               "  --cosign writes cosign.key (ECDSA P-256, encrypted with a password from\n"
               "  $COSIGN_PASSWORD, the terminal or stdin; mode 0600) and cosign.pub, as\n"
               "  `cosign generate-key-pair` does. --legacy writes the older key file flavour\n"
               "  (COSIGN label, scrypt N=32768) that cosign <= 2.1 and skopeo/podman can read.",
               prog);
  KeygenOptions opts;
  auto* apk = app.add_option("--apk", opts.apk_name, "Create an apk RSA key pair NAME.rsa / NAME.rsa.pub");
  auto* cosign = app.add_flag("--cosign", opts.cosign, "Create a cosign key pair cosign.key / cosign.pub");
  auto* legacy = app.add_flag("--legacy", opts.legacy,
                              "With --cosign: write the key file old cosign and containers/image read");
  apk->excludes(cosign);
  legacy->needs(cosign);
  app.add_option("-o,--output-dir", opts.out_dir, "Directory to write the keys to")
      ->capture_default_str();
  app.add_option("--bits", opts.bits, "RSA key size")->capture_default_str()->check(CLI::Range(2048, 16384));
  app.add_flag("--force", opts.force, "Replace existing key files");
  if (auto code = parse(app, std::move(args))) return *code;

  if (opts.cosign) {
    auto written = write_cosign_key(opts);
    if (!written) return report(written.error());
    // cosign reports on stderr, keeping stdout free; -q silences it.
    if (log::level() >= log::Level::warn)
      fmt::print(stderr, "Private key written to {}\nPublic key written to {}\n", written->first.string(),
                 written->second.string());
    return k_exit_ok;
  }
  if (apk->count() == 0) {
    log::error("{}: say which kind of key to create: --apk NAME or --cosign", prog);
    return k_exit_usage;
  }
  auto written = write_apk_key(opts);
  if (!written) return report(written.error());
  fmt::print("{}\n{}\n", written->first.string(), written->second.string());
  return k_exit_ok;
}

}  // namespace wisp::cli
