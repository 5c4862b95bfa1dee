#include "pkg/deb/release.h"

#include <filesystem>

#include "base/encoding.h"
#include "base/file.h"
#include "base/process.h"
#include "base/strings.h"
#include "pkg/deb/control.h"

namespace wisp::pkg::deb {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> words(const std::string& value) {
  std::vector<std::string> out;
  for (std::string_view w : split_whitespace(value)) out.emplace_back(w);
  return out;
}

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

/// gpgv takes binary keyrings; an ASCII-armored key ("-----BEGIN PGP PUBLIC KEY BLOCK-----") is
/// decoded the way `gpg --dearmor` would (base64 body; the "=XXXX" CRC line dropped).
Result<std::string> dearmor(std::string_view text, const std::string& path) {
  size_t begin = text.find("-----BEGIN PGP PUBLIC KEY BLOCK-----");
  size_t end = text.find("-----END PGP PUBLIC KEY BLOCK-----");
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin)
    return fail(Errc::bad_format, "{}: not an armored public key block", path);
  std::string_view body = text.substr(begin, end - begin);
  body.remove_prefix(body.find('\n') == std::string_view::npos ? body.size() : body.find('\n') + 1);
  // Armor headers ("Comment: ...") end at the first empty line.
  size_t blank = body.find("\n\n");
  bool has_headers = body.find(':') != std::string_view::npos && blank != std::string_view::npos &&
                     body.find(':') < blank;
  if (has_headers) body.remove_prefix(blank + 2);
  std::string b64;
  for (std::string_view line : split(body, '\n')) {
    line = trim(line);
    if (line.empty() || line.starts_with('=')) continue;
    b64.append(line);
  }
  TRY_ASSIGN_CTX(std::string binary, base64_decode(b64), "{}", path);
  return binary;
}

}  // namespace

Result<Release> parse_release(std::string_view text) {
  TRY_ASSIGN(std::vector<Paragraph> paragraphs, parse_paragraphs(text));
  if (paragraphs.empty()) return fail(Errc::bad_format, "empty Release file");
  const Paragraph& p = paragraphs.front();
  Release out;
  out.suite = p.get("Suite");
  out.codename = p.get("Codename");
  out.architectures = words(p.get("Architectures"));
  out.components = words(p.get("Components"));
  const std::string* sums = p.find("SHA256");
  if (!sums) return fail(Errc::bad_format, "Release has no SHA256 field (MD5Sum/SHA1 alone are not trusted)");
  for (std::string_view line : split(*sums, '\n')) {
    auto w = split_whitespace(line);
    if (w.empty()) continue;
    auto size = w.size() == 3 ? parse_u64(w[1]) : std::nullopt;
    if (w.size() != 3 || !is_hex64(w[0]) || !size)
      return fail(Errc::bad_format, "Release: malformed SHA256 line '{}'", trim(line));
    out.files[std::string(w[2])] = ReleaseFile{std::string(w[0]), *size};
  }
  return out;
}

Result<std::string> clearsigned_text(std::string_view message) {
  constexpr std::string_view k_begin = "-----BEGIN PGP SIGNED MESSAGE-----\n";
  constexpr std::string_view k_sig = "\n-----BEGIN PGP SIGNATURE-----";
  size_t start = message.find(k_begin);
  if (start == std::string_view::npos) return fail(Errc::bad_format, "InRelease is not a clearsigned message");
  std::string_view rest = message.substr(start + k_begin.size());
  size_t blank = rest.find("\n\n");  // armor headers (Hash: ...) end at an empty line
  if (blank == std::string_view::npos) return fail(Errc::bad_format, "InRelease: no end of the armor headers");
  rest.remove_prefix(blank + 2);
  size_t sig = rest.find(k_sig);
  if (sig == std::string_view::npos) return fail(Errc::bad_format, "InRelease: no signature block");
  std::string out;
  for (std::string_view line : split(rest.substr(0, sig), '\n')) {
    if (line.starts_with("- ")) line.remove_prefix(2);  // dash-escaping (RFC 4880 §7.1)
    out.append(line);
    out.push_back('\n');
  }
  return out;
}

Result<std::string> verify_with_gpgv(std::string_view data, std::string_view detached_signature,
                                     const std::vector<std::string>& keyrings) {
  if (keyrings.empty()) return fail(Errc::bad_signature, "no keyring to check the signature with");
  TRY_ASSIGN(TempDir dir, TempDir::create("wisp-gpgv"));
  std::vector<std::string> argv{"gpgv", "--quiet"};
  int index = 0;
  for (const std::string& keyring : keyrings) {
    TRY_ASSIGN(std::string bytes, read_file(keyring));
    if (std::string_view(bytes).find("-----BEGIN PGP PUBLIC KEY BLOCK-----") != std::string_view::npos) {
      TRY_ASSIGN(bytes, dearmor(bytes, keyring));
    }
    fs::path copy = dir.path() / fmt::format("keyring{}.gpg", index++);
    TRY(write_file_atomic(copy, bytes));
    argv.push_back("--keyring");
    argv.push_back(copy.string());
  }
  fs::path data_path = dir.path() / "data";
  TRY(write_file_atomic(data_path, data));
  fs::path output = dir.path() / "verified";
  if (detached_signature.empty()) {
    argv.insert(argv.end(), {"--output", output.string(), data_path.string()});
  } else {
    fs::path sig_path = dir.path() / "data.gpg";
    TRY(write_file_atomic(sig_path, detached_signature));
    argv.insert(argv.end(), {sig_path.string(), data_path.string()});
  }
  TRY_ASSIGN(ProcessOutput run, run_process(argv));
  if (run.exit_code != 0) {
    // gpgv's last line says why ("Can't check signature: No public key", "BAD signature").
    std::string reason = std::string(trim(run.err));
    size_t nl = reason.rfind('\n');
    if (nl != std::string::npos) reason = reason.substr(nl + 1);
    if (reason.starts_with("gpgv: ")) reason = reason.substr(6);
    return fail(Errc::bad_signature, "signature check failed: {}", reason.empty() ? "gpgv refused it" : reason);
  }
  if (!detached_signature.empty()) return std::string(data);
  return read_file(output);
}

}  // namespace wisp::pkg::deb
