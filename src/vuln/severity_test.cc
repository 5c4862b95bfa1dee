#include "vuln/severity.h"

#include <gtest/gtest.h>

namespace wisp::vuln {
namespace {

TEST(VulnSeverity, RanksAsGrypeOrdersThem) {
  EXPECT_LT(severity_rank("Unknown"), severity_rank("Negligible"));
  EXPECT_LT(severity_rank("Negligible"), severity_rank("Low"));
  EXPECT_LT(severity_rank("Low"), severity_rank("Medium"));
  EXPECT_LT(severity_rank("Medium"), severity_rank("High"));
  EXPECT_LT(severity_rank("High"), severity_rank("Critical"));
  EXPECT_EQ(severity_rank("bogus"), severity_rank("Unknown"));
  EXPECT_EQ(severity_rank("high"), 0u);  // names are case-sensitive, as feeds are mapped onto them
}

}  // namespace
}  // namespace wisp::vuln
