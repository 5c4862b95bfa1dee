// deb822 control text and Packages stanzas: every parse either fails cleanly or yields
// paragraphs that format_paragraph writes back to text which parses to the same fields; the
// stanzas go through package_from_paragraph and every field value through the relation parsers.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "pkg/deb/control.h"
#include "pkg/deb/packages_index.h"
#include "pkg/deb/relation.h"

namespace {

using namespace wisp::pkg::deb;

void check(bool ok) {
  if (!ok) std::abort();
}

bool same_fields(const Paragraph& a, const Paragraph& b) {
  if (a.fields.size() != b.fields.size()) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (a.fields[i].name != b.fields[i].name || a.fields[i].value != b.fields[i].value) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto paragraphs = parse_paragraphs(input, 1000);
  (void)parse_packages_index(input);
  (void)parse_paragraph(input);
  if (!paragraphs) return 0;
  for (const Paragraph& paragraph : *paragraphs) {
    check(!paragraph.fields.empty());
    auto again = parse_paragraph(format_paragraph(paragraph));
    check(again.has_value() && same_fields(*again, paragraph));
    for (const Field& field : paragraph.fields) {
      check(paragraph.find(field.name) != nullptr);
      (void)parse_relations(field.value);
      (void)parse_provides(field.value);
    }
    auto entry = package_from_paragraph(paragraph, false);
    if (entry) check(!entry->name.empty() && !entry->version.empty() && same_fields(entry->paragraph, paragraph));
  }
  return 0;
}
