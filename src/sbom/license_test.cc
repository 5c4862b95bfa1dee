#include "sbom/license.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "sbom/license_list.h"

namespace wisp::sbom {
namespace {

std::string lowered(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

TEST(License, TablesAreSortedForBinarySearch) {
  for (auto ids : {spdx_license_ids(), spdx_exception_ids()}) {
    ASSERT_GT(ids.size(), 50u);
    for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(lowered(ids[i - 1]), lowered(ids[i])) << ids[i];
  }
  // Every id is found, in any case.
  for (std::string_view id : spdx_license_ids()) {
    EXPECT_EQ(canonical_license_id(lowered(id)), id);
    EXPECT_EQ(canonical_license_id(id), id);
  }
  for (std::string_view id : spdx_exception_ids()) EXPECT_EQ(canonical_exception_id(lowered(id)), id);
  EXPECT_EQ(canonical_license_id("Classpath-exception-2.0"), "");
  EXPECT_EQ(canonical_exception_id("MIT"), "");
}

TEST(License, ValidExpressionsPassRespelled) {
  struct Case {
    const char* in;
    const char* out;
  };
  for (const Case& c : {Case{"MIT", "MIT"}, Case{"mit", "MIT"}, Case{"GPL-2.0-only AND MIT", "GPL-2.0-only AND MIT"},
                        Case{"gpl-2.0-or-later or bsd-3-clause", "GPL-2.0-or-later OR BSD-3-Clause"},
                        Case{"(MIT OR Apache-2.0) AND BSD-2-Clause", "(MIT OR Apache-2.0) AND BSD-2-Clause"},
                        Case{"  ( MIT  OR\tApache-2.0 )  ", "(MIT OR Apache-2.0)"},
                        Case{"GPL-2.0+ WITH Linux-syscall-note", "GPL-2.0+ WITH Linux-syscall-note"},
                        Case{"GPL-3.0-or-later with gcc-exception-3.1", "GPL-3.0-or-later WITH GCC-exception-3.1"},
                        Case{"LicenseRef-wolfi-custom", "LicenseRef-wolfi-custom"},
                        Case{"DocumentRef-x:LicenseRef-y AND MIT", "DocumentRef-x:LicenseRef-y AND MIT"}}) {
    NormalizedLicense n = normalize_license(c.in);
    EXPECT_EQ(n.expression, c.out) << c.in;
    EXPECT_TRUE(n.refs.empty()) << c.in;
    EXPECT_TRUE(n.on_list) << c.in;
    EXPECT_TRUE(is_valid_license_expression(n.expression)) << n.expression;
  }
}

TEST(License, NothingSaidIsNoassertion) {
  for (const char* in : {"", "   ", "NOASSERTION", "noassertion", "unknown"})
    EXPECT_EQ(normalize_license(in).expression, "NOASSERTION") << in;
  EXPECT_EQ(normalize_license("NONE").expression, "NONE");
}

TEST(License, UnknownIdsInAnExpressionBecomeLicenseRefs) {
  NormalizedLicense n = normalize_license("GPL-2.0-or-later AND custom");
  EXPECT_EQ(n.expression, "GPL-2.0-or-later AND LicenseRef-custom");
  ASSERT_EQ(n.refs.size(), 1u);
  EXPECT_EQ(n.refs[0], (LicenseRef{"LicenseRef-custom", "custom"}));
  EXPECT_FALSE(n.on_list);
  EXPECT_TRUE(is_valid_license_expression(n.expression));

  n = normalize_license("GPL2+");
  EXPECT_EQ(n.expression, "LicenseRef-GPL2-plus");
  EXPECT_EQ(n.refs.at(0).text, "GPL2+");
}

TEST(License, SpaceSeparatedKnownIdsMeanAnd) {
  NormalizedLicense n = normalize_license("MIT BSD-2-Clause");
  EXPECT_EQ(n.expression, "MIT AND BSD-2-Clause");
  EXPECT_TRUE(n.refs.empty());
  EXPECT_FALSE(n.on_list);  // respelled, not as written
}

TEST(License, FreeTextBecomesOneLicenseRef) {
  for (const char* in : {"Public Domain", "BSD-like (see COPYING)", "MIT AND", "(MIT", "MIT WITH nothing-known",
                         "GPL, v2", "AND"}) {
    NormalizedLicense n = normalize_license(in);
    ASSERT_EQ(n.refs.size(), 1u) << in;
    EXPECT_EQ(n.expression, n.refs[0].id) << in;
    EXPECT_EQ(n.refs[0].text, in);
    EXPECT_TRUE(n.expression.starts_with("LicenseRef-")) << in;
    EXPECT_TRUE(is_valid_license_expression(n.expression)) << n.expression;
  }
  EXPECT_EQ(normalize_license("Public Domain").expression, "LicenseRef-Public-Domain");
}

TEST(License, MadeUpRefsAreValidIdstrings) {
  EXPECT_EQ(make_license_ref("a b/c"), "LicenseRef-a-b-c");
  EXPECT_EQ(make_license_ref("--x--"), "LicenseRef-x");
  EXPECT_EQ(make_license_ref("???"), "LicenseRef-unknown");
  std::string long_text(500, 'x');
  std::string ref = make_license_ref(long_text);
  EXPECT_LE(ref.size(), 80u);
  EXPECT_NE(ref, make_license_ref(long_text + "y"));  // a hash tells long texts apart
}

TEST(License, StrictValidatorRejectsWhatIsNotAsWritten) {
  EXPECT_FALSE(is_valid_license_expression("mit"));
  EXPECT_FALSE(is_valid_license_expression("MIT and BSD-2-Clause"));
  EXPECT_FALSE(is_valid_license_expression("MIT BSD-2-Clause"));
  EXPECT_FALSE(is_valid_license_expression("custom"));
  EXPECT_FALSE(is_valid_license_expression("MIT AND"));
  EXPECT_TRUE(is_valid_license_expression("NOASSERTION"));
}

}  // namespace
}  // namespace wisp::sbom
