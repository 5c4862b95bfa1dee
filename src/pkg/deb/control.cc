// Carriage returns are refused wherever they occur: dpkg treats '\r' as part of the value, so
// a CRLF file would silently carry "\r" into names and versions; failing says what is wrong.
#include "pkg/deb/control.h"

#include <fmt/format.h>

namespace wisp::pkg::deb {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view trim_trailing_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// deb822 field names: printable ASCII without ':' and not starting with '-' ('#' starts a comment).
bool is_valid_field_name(std::string_view name) {
  if (name.empty() || name.front() == '-') return false;
  for (char c : name) {
    if (c <= ' ' || c > '~' || c == ':') return false;
  }
  return true;
}

}  // namespace

const std::string* Paragraph::find(std::string_view name) const {
  for (const Field& field : fields) {
    if (equals_ignoring_case(field.name, name)) return &field.value;
  }
  return nullptr;
}

std::string Paragraph::get(std::string_view name) const {
  const std::string* value = find(name);
  return value ? *value : std::string();
}

Result<std::vector<Paragraph>> parse_paragraphs(std::string_view text, size_t max_paragraphs) {
  std::vector<Paragraph> out;
  Paragraph current;
  auto finish_paragraph = [&]() -> Status {
    if (current.fields.empty()) return {};
    if (out.size() >= max_paragraphs)
      return fail(Errc::too_large, "more than {} paragraphs", max_paragraphs);
    out.push_back(std::move(current));
    current = Paragraph();
    return {};
  };

  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);

    if (line.find('\r') != std::string_view::npos)
      return fail(Errc::bad_format, "line {}: carriage return (CRLF line ends are not supported)",
                  line_no);
    if (trim_blanks(line).empty()) {
      TRY(finish_paragraph());
      continue;
    }
    if (line.front() == '#') continue;
    if (is_blank(line.front())) {
      if (current.fields.empty())
        return fail(Errc::bad_format, "line {}: continuation line before any field", line_no);
      std::string& value = current.fields.back().value;
      value += '\n';
      value += trim_trailing_blanks(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      return fail(Errc::bad_format, "line {}: expected 'Field: value', got '{}'", line_no, line);
    std::string_view name = line.substr(0, colon);
    if (name.empty()) return fail(Errc::bad_format, "line {}: empty field name", line_no);
    if (!is_valid_field_name(name))
      return fail(Errc::bad_format, "line {}: bad field name '{}'", line_no, name);
    if (current.find(name))
      return fail(Errc::bad_format, "line {}: duplicate field {}", line_no, name);
    current.fields.push_back(
        Field{std::string(name), std::string(trim_blanks(line.substr(colon + 1)))});
  }
  TRY(finish_paragraph());
  return out;
}

Result<Paragraph> parse_paragraph(std::string_view text) {
  auto paragraphs = parse_paragraphs(text, 1);
  if (!paragraphs && paragraphs.error().code == Errc::too_large)
    return fail(Errc::bad_format, "expected one paragraph, found more");
  if (!paragraphs) return std::unexpected(std::move(paragraphs).error());
  if (paragraphs->size() != 1)
    return fail(Errc::bad_format, "expected one paragraph, found {}", paragraphs->size());
  return std::move(paragraphs->front());
}

std::string format_paragraph(const Paragraph& paragraph) {
  std::string out;
  for (const Field& field : paragraph.fields) {
    out += field.name;
    out += ':';
    // An empty first line (a value that starts with its continuation lines) gets no space,
    // as dpkg writes Conffiles and Description-less multi-line fields.
    if (!field.value.empty() && field.value.front() != '\n') out += ' ';
    out += field.value;
    out += '\n';
  }
  return out;
}

}  // namespace wisp::pkg::deb
