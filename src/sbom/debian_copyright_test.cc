#include "sbom/debian_copyright.h"

#include <gtest/gtest.h>

#include "sbom/license.h"

namespace wisp::sbom {

// Shaped like bookworm's libssl3 and nginx copyright files.
TEST(DebianCopyright, Dep5LicencesBecomeOneSpdxExpression) {
  constexpr std::string_view k_libssl = R"(Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Source: https://www.openssl.org/source/

Files: *
Copyright: 1998-2023 The OpenSSL Project
License: Apache-2.0

Files: crypto/perlasm/*
Copyright: Andy Polyakov
License: Artistic or GPL-1+

License: Apache-2.0
 Licensed under the Apache License, Version 2.0 (the "License");
 .
 See /usr/share/common-licenses/Apache-2.0.
)";
  std::string expr = debian_copyright_license(k_libssl);
  EXPECT_EQ(expr, "Apache-2.0 AND (Artistic-1.0 OR GPL-1.0-or-later)");
  EXPECT_TRUE(is_valid_license_expression(expr)) << expr;

  constexpr std::string_view k_nginx = R"(Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

Files: *
License: BSD-2-clause

Files: debian/modules/http-echo/*
License: BSD-2-clause

Files: src/http/modules/ngx_http_upstream_keepalive_module.c
License: Expat

Files: debian/*
License: GPL-2+

Files: contrib/*
License: public-domain
)";
  std::string nginx = debian_copyright_license(k_nginx);
  EXPECT_EQ(nginx, "BSD-2-clause AND GPL-2.0-or-later AND MIT AND public-domain");
  NormalizedLicense n = normalize_license(nginx);
  EXPECT_EQ(n.expression, "BSD-2-Clause AND GPL-2.0-or-later AND MIT AND LicenseRef-public-domain");
  ASSERT_EQ(n.refs.size(), 1u);
}

TEST(DebianCopyright, VersionsExceptionsAndOddNames) {
  auto one = [](std::string_view license) {
    return debian_copyright_license("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
                                    "Files: *\nLicense: " + std::string(license) + "\n");
  };
  EXPECT_EQ(one("LGPL-2.1"), "LGPL-2.1-only");
  EXPECT_EQ(one("LGPL-2+"), "LGPL-2.0-or-later");
  EXPECT_EQ(one("GFDL-1.3+"), "GFDL-1.3-or-later");
  EXPECT_EQ(one("AGPL-3"), "AGPL-3.0-only");
  EXPECT_EQ(one("Zlib"), "Zlib");
  EXPECT_EQ(one("GPL-2+ with OpenSSL exception"), "GPL-2+-with-OpenSSL-exception");
  EXPECT_EQ(one("__AUTO_PERMISSIVE__"), "AUTO-PERMISSIVE");
  EXPECT_EQ(one("or GPL-2"), "or-GPL-2");
  // Whatever comes out, the writers can always make a valid expression of it.
  for (std::string_view odd : {"GPL-2+ with OpenSSL exception", "__AUTO_PERMISSIVE__", "or GPL-2", "a b c"}) {
    NormalizedLicense n = normalize_license(one(odd));
    EXPECT_TRUE(is_valid_license_expression(n.expression)) << odd << " -> " << n.expression;
  }
}

TEST(DebianCopyright, FreeTextFilesAssertNothing) {
  EXPECT_EQ(debian_copyright_license("This is the Debian prepackaged version of the GNU C Library.\n"
                                     "License: LGPL-2.1\n"),
            "");
  EXPECT_EQ(debian_copyright_license(""), "");
  EXPECT_EQ(debian_copyright_license("Format: https://example/\n\nFiles: *\nCopyright: me\n"), "");
}

}  // namespace wisp::sbom
