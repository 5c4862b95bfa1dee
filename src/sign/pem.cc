#include "sign/pem.h"

#include "base/encoding.h"

namespace wisp::sign {

namespace {
constexpr std::string_view k_begin = "-----BEGIN ";
constexpr std::string_view k_end = "-----END ";
constexpr std::string_view k_dashes = "-----";
constexpr size_t k_line_width = 64;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
}  // namespace

Result<PemBlock> pem_decode(std::string_view text) {
  size_t begin = text.find(k_begin);
  // A BEGIN line starts a line.
  while (begin != std::string_view::npos && begin != 0 && text[begin - 1] != '\n')
    begin = text.find(k_begin, begin + 1);
  if (begin == std::string_view::npos) return fail(Errc::bad_format, "no PEM block found");
  size_t label_start = begin + k_begin.size();
  size_t label_end = text.find(k_dashes, label_start);
  size_t line_end = text.find('\n', label_start);
  if (label_end == std::string_view::npos || (line_end != std::string_view::npos && label_end > line_end))
    return fail(Errc::bad_format, "malformed PEM BEGIN line");
  PemBlock block;
  block.label = std::string(text.substr(label_start, label_end - label_start));
  if (line_end == std::string_view::npos) return fail(Errc::bad_format, "PEM block \"{}\" has no body", block.label);

  std::string end_line = std::string(k_end) + block.label + std::string(k_dashes);
  size_t end = text.find(end_line, line_end);
  if (end == std::string_view::npos)
    return fail(Errc::bad_format, "PEM block \"{}\" has no matching END line", block.label);
  std::string_view body = text.substr(line_end + 1, end - line_end - 1);
  if (body.find(':') != std::string_view::npos)
    return fail(Errc::bad_format, "PEM block \"{}\" has headers, which are not supported", block.label);
  std::string compact;
  compact.reserve(body.size());
  for (char c : body)
    if (!is_space(c)) compact.push_back(c);
  auto der = base64_decode(compact);
  if (!der) return fail(Errc::bad_format, "PEM block \"{}\": {}", block.label, der.error().message);
  block.der = std::move(*der);
  return block;
}

std::string pem_encode(std::string_view label, std::string_view der) {
  std::string body = base64_encode(der);
  std::string out = fmt::format("{}{}{}\n", k_begin, label, k_dashes);
  for (size_t i = 0; i < body.size(); i += k_line_width) {
    out.append(body, i, k_line_width);
    out.push_back('\n');
  }
  out += fmt::format("{}{}{}\n", k_end, label, k_dashes);
  return out;
}

}  // namespace wisp::sign
