#include "pkg/deb/control.h"

#include <string>

#include <gtest/gtest.h>

namespace wisp::pkg::deb {
namespace {

TEST(DebControl, ReadsFieldsContinuationsAndParagraphs) {
  std::string text =
      "# a comment before the first paragraph\n"
      "Package: tzdata\n"
      "Version:   2024a-0+deb12u1  \n"
      "Depends: debconf (>= 0.5) | debconf-2.0\n"
      "Description: time zone and daylight-saving time data\n"
      " This package contains data   \n"
      " .\n"
      "\tTabbed line\n"
      "\n"
      "\n"
      "Package: base-files\n"
      "# a comment between fields\n"
      "essential: yes\n"
      "Conffiles:\n"
      " /etc/debian_version 1234\n"
      " /etc/issue 5678";
  auto paragraphs = parse_paragraphs(text);
  ASSERT_TRUE(paragraphs) << paragraphs.error().message;
  ASSERT_EQ(paragraphs->size(), 2u);
  const Paragraph& tz = (*paragraphs)[0];
  ASSERT_EQ(tz.fields.size(), 4u);
  EXPECT_EQ(tz.fields[1].name, "Version");
  EXPECT_EQ(tz.fields[1].value, "2024a-0+deb12u1");
  EXPECT_EQ(tz.get("description"),
            "time zone and daylight-saving time data\n This package contains data\n .\n\tTabbed line");
  const Paragraph& bf = (*paragraphs)[1];
  ASSERT_NE(bf.find("ESSENTIAL"), nullptr);
  EXPECT_EQ(*bf.find("Essential"), "yes");
  EXPECT_EQ(bf.fields[1].name, "essential");  // as written
  EXPECT_EQ(bf.get("Conffiles"), "\n /etc/debian_version 1234\n /etc/issue 5678");
  EXPECT_EQ(bf.find("Missing"), nullptr);
  EXPECT_EQ(bf.get("Missing"), "");
}

TEST(DebControl, BlankOnlyLinesSeparateParagraphs) {
  auto paragraphs = parse_paragraphs("A: 1\n \t\nB: 2\n");
  ASSERT_TRUE(paragraphs) << paragraphs.error().message;
  EXPECT_EQ(paragraphs->size(), 2u);
  paragraphs = parse_paragraphs("\n\n# only a comment\n\n");
  ASSERT_TRUE(paragraphs);
  EXPECT_TRUE(paragraphs->empty());
}

TEST(DebControl, FormatRoundTrips) {
  std::string text =
      "Package: base-files\n"
      "Conffiles:\n"
      " /etc/issue 5678\n"
      "Empty:\n"
      "Description: x\n"
      " more\n";
  auto p = parse_paragraph(text);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(format_paragraph(*p), text);
  auto again = parse_paragraph(format_paragraph(*p));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->fields.size(), p->fields.size());
  for (size_t i = 0; i < p->fields.size(); ++i) {
    EXPECT_EQ(again->fields[i].name, p->fields[i].name);
    EXPECT_EQ(again->fields[i].value, p->fields[i].value);
  }
}

TEST(DebControl, RefusesMalformedLinesWithTheLineNumber) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"A: 1\nno colon here\n", "line 2: expected 'Field: value', got 'no colon here'"},
           Case{" leading continuation\n", "line 1: continuation line before any field"},
           Case{"\nA: 1\nB: 2\na: 3\n", "line 4: duplicate field a"},
           Case{"A: 1\n: 2\n", "line 2: empty field name"},
           Case{"A B: 1\n", "line 1: bad field name 'A B'"},
           Case{"-A: 1\n", "line 1: bad field name '-A'"},
           Case{"A: 1\r\nB: 2\r\n", "line 1: carriage return (CRLF line ends are not supported)"},
       }) {
    SCOPED_TRACE(c.text);
    auto r = parse_paragraphs(c.text);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::bad_format);
    EXPECT_EQ(r.error().message, c.message);
  }
}

TEST(DebControl, SameFieldInTwoParagraphsIsFine) {
  auto r = parse_paragraphs("A: 1\n\nA: 2\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[1].get("A"), "2");
}

TEST(DebControl, LimitsParagraphs) {
  auto r = parse_paragraphs("A: 1\n\nA: 2\n\nA: 3\n", 2);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_large);
  EXPECT_TRUE(parse_paragraphs("A: 1\n\nA: 2\n", 2));
}

TEST(DebControl, ParseParagraphWantsExactlyOne) {
  EXPECT_TRUE(parse_paragraph("Package: a\n\n\n"));
  auto none = parse_paragraph("\n# nothing\n");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::bad_format);
  auto two = parse_paragraph("Package: a\n\nPackage: b\n\nPackage: c\n");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().code, Errc::bad_format);
}

}  // namespace
}  // namespace wisp::pkg::deb
