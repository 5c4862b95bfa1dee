#include "pkg/deb/resolver.h"

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "pkg/deb/control.h"
#include "pkg/deb/dependency_order.h"
#include "pkg/deb/packages_index.h"

namespace wisp::pkg::deb {
namespace {

Relation rel(std::string name, RelOp op = RelOp::any, std::string version = {}, std::string qualifier = {}) {
  Relation relation;
  relation.name = std::move(name);
  relation.op = op;
  relation.version = std::move(version);
  relation.arch_qualifier = std::move(qualifier);
  return relation;
}

// Entries are built field by field, so these tests do not depend on the Packages parser.
class DebResolver : public ::testing::Test {
 protected:
  PackageEntry& package(std::string name, std::string version, std::string arch = "amd64") {
    PackageEntry& entry = m_entries.emplace_back();
    entry.name = std::move(name);
    entry.version = std::move(version);
    entry.architecture = std::move(arch);
    entry.priority = "optional";
    return entry;
  }

  Result<Resolved> run(std::vector<std::string> packages, std::vector<std::string> exclude = {},
                       std::string arch = "amd64") {
    PackagePool pool(std::move(arch));
    for (const PackageEntry& entry : m_entries) pool.add(&entry);
    return resolve(pool, ResolveRequest{std::move(packages), std::move(exclude)});
  }

  // "name=version" of every resolved package, in install order.
  std::vector<std::string> installed(std::vector<std::string> packages, std::vector<std::string> exclude = {}) {
    auto resolved = run(std::move(packages), std::move(exclude));
    EXPECT_TRUE(resolved) << resolved.error().message;
    if (!resolved) return {};
    return names(*resolved);
  }

  static std::vector<std::string> names(const Resolved& resolved) {
    std::vector<std::string> out;
    for (const PackageEntry* entry : resolved.packages) out.push_back(entry->name + "=" + entry->version);
    return out;
  }

  std::string error(std::vector<std::string> packages, Errc code = Errc::unsatisfiable,
                    std::vector<std::string> exclude = {}, std::string arch = "amd64") {
    auto resolved = run(std::move(packages), std::move(exclude), std::move(arch));
    EXPECT_FALSE(resolved);
    if (resolved) return {};
    EXPECT_EQ(resolved.error().code, code) << resolved.error().message;
    return resolved.error().message;
  }

  std::deque<PackageEntry> m_entries;
};

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

TEST_F(DebResolver, FollowsDependsAndPreDependsButNotRecommends) {
  PackageEntry& app = package("app", "1.0");
  app.pre_depends = {{rel("pre")}};
  app.depends = {{rel("lib", RelOp::ge, "2")}};
  app.paragraph.fields.push_back({"Recommends", "extra"});
  package("pre", "1");
  package("lib", "2.1");
  package("extra", "1");
  EXPECT_EQ(installed({"app"}), (std::vector<std::string>{"lib=2.1", "pre=1", "app=1.0"}));
}

TEST_F(DebResolver, AlternativesTakeTheFirstThatCanBeInstalled) {
  PackageEntry& app = package("app", "1");
  app.depends = {{rel("absent"), rel("old", RelOp::ge, "2"), rel("good"), rel("other")}};
  package("old", "1");
  package("good", "1");
  package("other", "1");
  EXPECT_EQ(installed({"app"}), (std::vector<std::string>{"good=1", "app=1"}));
}

TEST_F(DebResolver, AlreadyChosenAlternativeWins) {
  PackageEntry& app = package("app", "1");
  app.depends = {{rel("first"), rel("second")}};
  package("first", "1");
  package("second", "1");
  // Requested packages are all marked before any dependency is followed (apt-get install).
  EXPECT_EQ(installed({"app", "second"}), (std::vector<std::string>{"second=1", "app=1"}));

  // One chosen earlier in the depth-first walk counts too.
  PackageEntry& top = package("top", "1");
  top.depends = {{rel("left")}, {rel("right")}};
  package("left", "1").depends = {{rel("second")}};
  package("right", "1").depends = {{rel("first"), rel("second")}};
  EXPECT_EQ(installed({"top"}), (std::vector<std::string>{"second=1", "left=1", "right=1", "top=1"}));
}

TEST_F(DebResolver, AFailingAlternativeFallsThroughAndLeavesWhatItPulledIn) {
  PackageEntry& app = package("app", "1");
  app.depends = {{rel("broken"), rel("fine")}};
  package("broken", "1").depends = {{rel("helper")}, {rel("missing")}};
  package("helper", "1");
  package("fine", "1");
  // apt discards "broken" but keeps "helper", which it had marked already.
  EXPECT_EQ(installed({"app"}), (std::vector<std::string>{"fine=1", "app=1", "helper=1"}));
}

TEST_F(DebResolver, VersionedProvidesSatisfyVersionedDependencies) {
  PackageEntry& gcc = package("libgcc-s1", "12.2.0-14");
  gcc.provides = {rel("libgcc1", RelOp::eq, "1:12.2.0-14")};
  gcc.multi_arch = MultiArch::same;
  package("old-user", "1").depends = {{rel("libgcc1", RelOp::ge, "1:4.2")}};
  EXPECT_EQ(installed({"old-user"}), (std::vector<std::string>{"libgcc-s1=12.2.0-14", "old-user=1"}));

  package("too-new", "1").depends = {{rel("libgcc1", RelOp::ge, "1:13")}};
  EXPECT_NE(error({"too-new"}).find("libgcc-s1 12.2.0-14 providing libgcc1 (= 1:12.2.0-14)"), std::string::npos);
}

TEST_F(DebResolver, UnversionedProvidesNeverSatisfyVersionedDependencies) {
  package("mawk", "1.3.4").provides = {rel("awk")};
  package("plain", "1").depends = {{rel("awk")}};
  package("versioned", "1").depends = {{rel("awk", RelOp::ge, "1")}};
  EXPECT_EQ(installed({"plain"}), (std::vector<std::string>{"mawk=1.3.4", "plain=1"}));
  std::string message = error({"versioned"});
  EXPECT_EQ(message.substr(0, message.find('\n')),
            "unable to satisfy versioned: depends on awk (>= 1), but only mawk 1.3.4 providing awk is available for amd64");
}

TEST_F(DebResolver, AnyQualifierNeedsMultiArchAllowed) {
  package("perl", "5.36").multi_arch = MultiArch::allowed;
  package("python3", "3.11").multi_arch = MultiArch::foreign;
  package("uses-perl", "1").depends = {{rel("perl", RelOp::ge, "5", "any")}};
  package("uses-python", "1").depends = {{rel("python3", RelOp::any, "", "any")}};
  EXPECT_EQ(installed({"uses-perl"}), (std::vector<std::string>{"perl=5.36", "uses-perl=1"}));
  EXPECT_NE(error({"uses-python"}).find("only 3.11 (not Multi-Arch: allowed) is available"), std::string::npos);
}

TEST_F(DebResolver, AnyQualifierThroughProvidersNeedsAllowedProviders) {
  PackageEntry& allowed = package("gawk", "5.2");
  allowed.provides = {rel("awk")};
  allowed.multi_arch = MultiArch::allowed;
  PackageEntry& foreign = package("mawk", "1.3.4");
  foreign.provides = {rel("awk")};
  foreign.multi_arch = MultiArch::foreign;
  foreign.priority = "required";  // would win on priority if it qualified
  package("script", "1").depends = {{rel("awk", RelOp::any, "", "any")}};
  EXPECT_EQ(installed({"script"}), (std::vector<std::string>{"gawk=5.2", "script=1"}));
  // A chosen provider that is not Multi-Arch: allowed does not meet awk:any either.
  EXPECT_EQ(sorted(installed({"mawk", "script"})), (std::vector<std::string>{"gawk=5.2", "mawk=1.3.4", "script=1"}));
}

TEST_F(DebResolver, NativeAndOwnArchQualifiersActLikePlainNames) {
  package("libc6", "2.36");
  package("a", "1").depends = {{rel("libc6", RelOp::any, "", "native")}};
  package("b", "1").depends = {{rel("libc6", RelOp::any, "", "amd64")}};
  package("c", "1").depends = {{rel("libc6", RelOp::any, "", "arm64")}};
  EXPECT_EQ(installed({"a", "b"}), (std::vector<std::string>{"libc6=2.36", "a=1", "b=1"}));
  EXPECT_NE(error({"c"}).find("but the pool holds only amd64 packages"), std::string::npos);
}

TEST_F(DebResolver, OtherArchitecturesAreIgnoredAndAllIsAccepted) {
  package("libc6", "2.36");
  package("libc6", "2.99", "arm64");  // higher, but not for this pool
  package("tzdata", "2024a", "all").depends = {{rel("libc6")}};
  EXPECT_EQ(installed({"tzdata"}), (std::vector<std::string>{"libc6=2.36", "tzdata=2024a"}));
  auto on_arm = run({"tzdata"}, {}, "arm64");
  ASSERT_TRUE(on_arm) << on_arm.error().message;
  EXPECT_EQ(names(*on_arm), (std::vector<std::string>{"libc6=2.99", "tzdata=2024a"}));
  EXPECT_NE(error({"tzdata"}, Errc::unsatisfiable, {}, "riscv64").find("there is no package libc6 for riscv64"),
            std::string::npos);
}

TEST_F(DebResolver, CandidateIsTheHighestVersion) {
  package("libc6", "2.36-9+deb12u4");
  package("libc6", "2.36-9+deb12u10");
  package("libc6", "2.36-9");
  EXPECT_EQ(installed({"libc6"}), (std::vector<std::string>{"libc6=2.36-9+deb12u10"}));
  // A dependency needing an older version is not met: apt only installs candidates.
  package("pinned", "1").depends = {{rel("libc6", RelOp::le, "2.36-9+deb12u4")}};
  EXPECT_NE(error({"pinned"}).find("only 2.36-9+deb12u10 is available"), std::string::npos);
}

TEST_F(DebResolver, RequestsCanChooseAVersion) {
  package("libc6", "2.36-9");
  package("libc6", "2.36-9+deb12u10");
  package("app", "1").depends = {{rel("libc6")}};
  EXPECT_EQ(installed({"libc6=2.36-9", "app"}), (std::vector<std::string>{"libc6=2.36-9", "app=1"}));
  EXPECT_EQ(installed({"libc6 (<< 2.36-9+deb12u1)"}), (std::vector<std::string>{"libc6=2.36-9"}));
  EXPECT_NE(error({"libc6=3"}).find("only 2.36-9+deb12u10, 2.36-9 are available"), std::string::npos);
  error({"libc6 ((("}, Errc::usage);
  error({"libc6=2.36-9", "libc6=2.36-9+deb12u10"}, Errc::usage);
  error({"="}, Errc::usage);
}

TEST_F(DebResolver, AVirtualRequestTakesItsOnlyProvider) {
  package("mawk", "1.3.4").provides = {rel("awk")};
  auto resolved = run({"awk"});
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(names(*resolved), (std::vector<std::string>{"mawk=1.3.4"}));
  EXPECT_EQ(resolved->notes, (std::vector<std::string>{"selected mawk for the virtual package awk"}));
  package("gawk", "5.2").provides = {rel("awk")};
  EXPECT_NE(error({"awk"}).find("awk is a virtual package provided by gawk, mawk"), std::string::npos);
}

TEST_F(DebResolver, ExcludedPackagesSatisfyWithoutBeingInstalled) {
  PackageEntry& tzdata = package("tzdata", "2024a", "all");
  tzdata.depends = {{rel("debconf", RelOp::ge, "0.5"), rel("debconf-2.0")}};
  PackageEntry& debconf = package("debconf", "1.5.82", "all");
  debconf.provides = {rel("debconf-2.0")};
  debconf.depends = {{rel("perl-base")}};
  package("perl-base", "5.36");
  auto resolved = run({"tzdata"}, {"debconf"});
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(names(*resolved), (std::vector<std::string>{"tzdata=2024a"}));
  EXPECT_EQ(resolved->notes,
            (std::vector<std::string>{"excluded debconf (wanted by tzdata: debconf (>= 0.5) | debconf-2.0)"}));
  // Through its Provides as well.
  package("uses-virtual", "1").depends = {{rel("debconf-2.0")}};
  auto virtual_use = run({"uses-virtual"}, {"debconf"});
  ASSERT_TRUE(virtual_use) << virtual_use.error().message;
  EXPECT_EQ(names(*virtual_use), (std::vector<std::string>{"uses-virtual=1"}));
  EXPECT_EQ(virtual_use->notes, (std::vector<std::string>{"excluded debconf (wanted by uses-virtual: debconf-2.0)"}));
  // Unused exclusions leave no note; requesting an excluded package is a usage error.
  auto unused = run({"perl-base"}, {"debconf"});
  ASSERT_TRUE(unused);
  EXPECT_TRUE(unused->notes.empty());
  EXPECT_NE(error({"tzdata", "debconf"}, Errc::usage, {"debconf"}).find("both requested and excluded"),
            std::string::npos);
}

TEST_F(DebResolver, ExcludedPackagesOnlySatisfyWhatTheirVersionSatisfies) {
  package("libc6", "2.36");
  package("app", "1").depends = {{rel("libc6", RelOp::ge, "2.38")}};
  error({"app"}, Errc::unsatisfiable, {"libc6"});
}

TEST_F(DebResolver, MissingDependencyNamesTheChain) {
  package("nginx-light", "1.22.1-9", "arm64").depends = {{rel("libc6", RelOp::ge, "2.38")}};
  package("libc6", "2.36-9", "arm64");
  EXPECT_EQ(error({"nginx-light"}, Errc::unsatisfiable, {}, "arm64"),
            "unable to satisfy nginx-light: depends on libc6 (>= 2.38), but only 2.36-9 is available for arm64\n"
            "  nginx-light -> libc6 (>= 2.38)");

  package("app", "1", "arm64").depends = {{rel("libc6")}, {rel("lib")}};
  package("lib", "1", "arm64").pre_depends = {{rel("missing")}};
  EXPECT_EQ(error({"app"}, Errc::unsatisfiable, {}, "arm64"),
            "unable to satisfy app: lib pre-depends on missing, but there is no package missing for arm64\n"
            "  app -> lib -> missing");

  package("choosy", "1", "arm64").depends = {{rel("gone"), rel("libc6", RelOp::gt, "3")}};
  EXPECT_EQ(error({"choosy"}, Errc::unsatisfiable, {}, "arm64"),
            "unable to satisfy choosy: depends on gone | libc6 (>> 3), but no alternative can be installed (gone: there "
            "is no package gone for arm64; libc6 (>> 3): only 2.36-9 is available for arm64)\n"
            "  choosy -> gone | libc6 (>> 3)");
  EXPECT_NE(error({"nothing-here"}).find("there is no package nothing-here for amd64"), std::string::npos);
}

TEST_F(DebResolver, ConflictsBetweenChosenPackagesAreErrors) {
  package("nginx-light", "1.22").conflicts = {{rel("nginx-full")}};
  package("nginx-full", "1.22");
  std::string message = error({"nginx-light", "nginx-full"});
  EXPECT_NE(message.find("nginx-light 1.22 conflicts with nginx-full"), std::string::npos) << message;
  EXPECT_NE(message.find("nginx-full 1.22 is needed too"), std::string::npos) << message;

  // Versions count: Breaks on an older version only.
  package("new", "2").breaks = {{rel("old-tool", RelOp::lt, "2")}};
  package("old-tool", "2");
  EXPECT_EQ(sorted(installed({"new", "old-tool"})), (std::vector<std::string>{"new=2", "old-tool=2"}));
}

TEST_F(DebResolver, ConflictsReachProvidersButNeverThePackageItself) {
  PackageEntry& exim = package("exim4", "4.96");
  exim.provides = {rel("mail-transport-agent")};
  exim.conflicts = {{rel("mail-transport-agent")}};
  PackageEntry& postfix = package("postfix", "3.7");
  postfix.provides = {rel("mail-transport-agent")};
  EXPECT_EQ(installed({"exim4"}), (std::vector<std::string>{"exim4=4.96"}));
  std::string message = error({"exim4", "postfix"});
  EXPECT_NE(message.find("exim4 4.96 conflicts with mail-transport-agent, and postfix 3.7 is needed too"),
            std::string::npos)
      << message;
}

TEST_F(DebResolver, AnAlternativeThatWouldConflictIsSkipped) {
  package("app", "1").depends = {{rel("clashing"), rel("calm")}};
  package("clashing", "1").conflicts = {{rel("tool")}};
  package("calm", "1");
  package("tool", "1").breaks = {{rel("other-clash")}};
  package("other", "1").depends = {{rel("other-clash"), rel("calm")}};
  package("other-clash", "1");
  EXPECT_EQ(installed({"tool", "app"}), (std::vector<std::string>{"calm=1", "app=1", "tool=1"}));
  EXPECT_EQ(installed({"tool", "other"}), (std::vector<std::string>{"calm=1", "other=1", "tool=1"}));
  package("stuck", "1").depends = {{rel("clashing")}};
  EXPECT_NE(error({"tool", "stuck"}).find("but clashing 1 conflicts with tool, which tool 1 satisfies"),
            std::string::npos);
}

TEST_F(DebResolver, AConflictUnmarksAChoiceThatIsNotProtectedAsAptDoes) {
  // libreoffice-writer's shape in bookworm: base-core picks nogui first, then writer's own
  // dependency on core (its only solution) makes apt unmark nogui, which core conflicts with.
  package("writer", "1").depends = {{rel("base-core")}, {rel("core")}};
  package("base-core", "1").depends = {{rel("nogui"), rel("core")}};
  PackageEntry& core = package("core", "1");
  core.conflicts = {{rel("nogui")}};
  PackageEntry& nogui = package("nogui", "1");
  nogui.conflicts = {{rel("core")}};
  nogui.depends = {{rel("common")}};
  package("common", "1");
  // What nogui pulled in stays, as in apt.
  EXPECT_EQ(installed({"writer"}), (std::vector<std::string>{"common=1", "core=1", "base-core=1", "writer=1"}));
  // A requested package is never unmarked.
  EXPECT_NE(error({"writer", "nogui"}).find("but core 1 conflicts with nogui, which nogui 1 satisfies"),
            std::string::npos);
}

TEST_F(DebResolver, EssentialPackagesAreNotAddedImplicitly) {
  PackageEntry& base = package("base-files", "12.4");
  base.essential = true;
  base.priority = "required";
  package("dpkg", "1.21").essential = true;
  package("busybox-static", "1.35");
  EXPECT_EQ(installed({"busybox-static"}), (std::vector<std::string>{"busybox-static=1.35"}));
}

TEST_F(DebResolver, ProviderChoiceFollowsApt) {
  // Priority first (required before optional), whatever the order in the pool.
  package("gawk", "5.2").provides = {rel("awk")};
  PackageEntry& mawk = package("mawk", "1.3.4");
  mawk.provides = {rel("awk")};
  mawk.priority = "required";
  package("script", "1").depends = {{rel("awk")}};
  EXPECT_EQ(installed({"script"}), (std::vector<std::string>{"mawk=1.3.4", "script=1"}));

  // Essential beats priority; the real package named like the target beats both.
  PackageEntry& busybox = package("busybox", "1.35");
  busybox.provides = {rel("awk")};
  busybox.essential = true;
  EXPECT_EQ(installed({"script"}), (std::vector<std::string>{"busybox=1.35", "script=1"}));
  package("awk", "0.1");
  EXPECT_EQ(installed({"script"}), (std::vector<std::string>{"awk=0.1", "script=1"}));
}

TEST_F(DebResolver, ProviderTieGoesToThePackageAptNumberedLater) {
  package("alpha", "1").provides = {rel("shell")};
  package("zeta", "1").provides = {rel("shell")};
  package("user", "1").depends = {{rel("shell")}};
  EXPECT_EQ(installed({"user"}), (std::vector<std::string>{"zeta=1", "user=1"}));
  std::swap(m_entries[0], m_entries[1]);
  EXPECT_EQ(installed({"user"}), (std::vector<std::string>{"alpha=1", "user=1"}));
}

TEST_F(DebResolver, OrderPutsDependenciesFirstAndIsDeterministic) {
  package("app", "1").depends = {{rel("zlib")}, {rel("libc6")}};
  package("zlib", "1").depends = {{rel("libc6")}};
  PackageEntry& libc = package("libc6", "2.36");
  libc.depends = {{rel("libgcc-s1")}};
  package("libgcc-s1", "12").depends = {{rel("libc6")}, {rel("gcc-12-base")}};  // a cycle, as in bookworm
  package("gcc-12-base", "12");
  package("aaa-tool", "1").depends = {{rel("libc6")}};
  // The libc6/libgcc-s1 cycle comes out whole, libc6 first (the smaller name), then by name.
  std::vector<std::string> expected{"gcc-12-base=12", "libc6=2.36", "libgcc-s1=12", "aaa-tool=1", "zlib=1", "app=1"};
  EXPECT_EQ(installed({"app", "aaa-tool"}), expected);
  EXPECT_EQ(installed({"aaa-tool", "app"}), expected);
  std::reverse(m_entries.begin(), m_entries.end());
  EXPECT_EQ(installed({"app", "aaa-tool"}), expected);
}

TEST_F(DebResolver, BookwormStaticSet) {
  // The shapes of bookworm's base-files, netbase, tzdata and ca-certificates closure (spec §1-2).
  PackageEntry& base = package("base-files", "12.4+deb12u15");
  base.essential = true;
  base.priority = "required";
  base.pre_depends = {{rel("awk")}};
  base.provides = {rel("base")};
  base.multi_arch = MultiArch::foreign;
  PackageEntry& gawk = package("gawk", "1:5.2.1-2");
  gawk.provides = {rel("awk")};
  gawk.pre_depends = {{rel("libc6", RelOp::ge, "2.34")}, {rel("libmpfr6", RelOp::ge, "3.1.3")}};
  PackageEntry& mawk = package("mawk", "1.3.4.20200120-3.1");
  mawk.provides = {rel("awk")};
  mawk.priority = "required";
  mawk.pre_depends = {{rel("libc6", RelOp::ge, "2.34")}};
  package("netbase", "6.4", "all");
  PackageEntry& tzdata = package("tzdata", "2025b-0+deb12u2", "all");
  tzdata.depends = {{rel("debconf", RelOp::ge, "0.5"), rel("debconf-2.0")}};
  PackageEntry& debconf = package("debconf", "1.5.82", "all");
  debconf.provides = {rel("debconf-2.0")};
  debconf.priority = "required";
  PackageEntry& cdebconf = package("cdebconf", "0.270");
  cdebconf.provides = {rel("debconf-2.0")};
  PackageEntry& certs = package("ca-certificates", "20230311+deb12u1", "all");
  certs.depends = {{rel("openssl", RelOp::ge, "1.1.1")}, {rel("debconf", RelOp::ge, "0.5"), rel("debconf-2.0")}};
  package("openssl", "3.0.17-1~deb12u2").depends = {{rel("libc6", RelOp::ge, "2.34")},
                                                     {rel("libssl3", RelOp::ge, "3.0.9")}};
  package("libssl3", "3.0.17-1~deb12u2").depends = {{rel("libc6", RelOp::ge, "2.34")}};
  PackageEntry& libc = package("libc6", "2.36-9+deb12u10");
  libc.depends = {{rel("libgcc-s1")}};
  libc.multi_arch = MultiArch::same;
  PackageEntry& gcc = package("libgcc-s1", "12.2.0-14+deb12u1");
  gcc.depends = {{rel("gcc-12-base", RelOp::eq, "12.2.0-14+deb12u1")}, {rel("libc6", RelOp::ge, "2.35")}};
  gcc.provides = {rel("libgcc1", RelOp::eq, "1:12.2.0-14+deb12u1")};
  gcc.multi_arch = MultiArch::same;
  package("gcc-12-base", "12.2.0-14+deb12u1");
  PackageEntry& perl = package("perl-base", "5.36.0-7+deb12u2");
  perl.essential = true;

  auto resolved = run({"base-files", "netbase", "tzdata", "ca-certificates"});
  ASSERT_TRUE(resolved) << resolved.error().message;
  EXPECT_EQ(sorted(names(*resolved)),
            (std::vector<std::string>{"base-files=12.4+deb12u15", "ca-certificates=20230311+deb12u1",
                                      "debconf=1.5.82", "gcc-12-base=12.2.0-14+deb12u1", "libc6=2.36-9+deb12u10",
                                      "libgcc-s1=12.2.0-14+deb12u1", "libssl3=3.0.17-1~deb12u2",
                                      "mawk=1.3.4.20200120-3.1", "netbase=6.4", "openssl=3.0.17-1~deb12u2",
                                      "tzdata=2025b-0+deb12u2"}));
  EXPECT_TRUE(resolved->notes.empty());
  // Every package comes after what it depends on, the libc6/libgcc-s1 cycle aside.
  auto position = [&](std::string_view name) {
    for (size_t i = 0; i < resolved->packages.size(); ++i)
      if (resolved->packages[i]->name == name) return i;
    return resolved->packages.size();
  };
  EXPECT_LT(position("mawk"), position("base-files"));
  EXPECT_LT(position("libc6"), position("mawk"));
  EXPECT_LT(position("gcc-12-base"), position("libgcc-s1"));
  EXPECT_LT(position("libssl3"), position("openssl"));
  EXPECT_LT(position("openssl"), position("ca-certificates"));
  EXPECT_LT(position("debconf"), position("tzdata"));

  // The distroless choice: no debconf.
  auto without = run({"tzdata", "ca-certificates"}, {"debconf"});
  ASSERT_TRUE(without) << without.error().message;
  EXPECT_EQ(without->notes,
            (std::vector<std::string>{
                "excluded debconf (wanted by tzdata: debconf (>= 0.5) | debconf-2.0)",
                "excluded debconf (wanted by ca-certificates: debconf (>= 0.5) | debconf-2.0)"}));
}

// Real-looking stanzas through the Packages parser (fields shortened).
constexpr std::string_view kStanzas = R"(Package: libgcc-s1
Version: 12.2.0-14+deb12u1
Architecture: arm64
Multi-Arch: same
Priority: optional
Depends: gcc-12-base (= 12.2.0-14+deb12u1), libc6 (>= 2.35)
Provides: libgcc1 (= 1:12.2.0-14+deb12u1)
Filename: pool/main/g/gcc-12/libgcc-s1_12.2.0-14+deb12u1_arm64.deb
Size: 36296
SHA256: 1111111111111111111111111111111111111111111111111111111111111111

Package: gcc-12-base
Version: 12.2.0-14+deb12u1
Architecture: arm64
Multi-Arch: same
Priority: required
Filename: pool/main/g/gcc-12/gcc-12-base_12.2.0-14+deb12u1_arm64.deb
Size: 37436
SHA256: 2222222222222222222222222222222222222222222222222222222222222222

Package: libc6
Version: 2.36-9+deb12u10
Architecture: arm64
Multi-Arch: same
Priority: optional
Depends: libgcc-s1, libgcc1
Recommends: libidn2-0
Filename: pool/main/g/glibc/libc6_2.36-9+deb12u10_arm64.deb
Size: 2321640
SHA256: 3333333333333333333333333333333333333333333333333333333333333333

Package: libc6
Version: 2.36-9+deb12u10
Architecture: amd64
Multi-Arch: same
Priority: optional
Depends: libgcc-s1
Filename: pool/main/g/glibc/libc6_2.36-9+deb12u10_amd64.deb
Size: 2757936
SHA256: 4444444444444444444444444444444444444444444444444444444444444444

Package: libidn2-0
Version: 2.3.3-1+b1
Architecture: arm64
Filename: pool/main/libi/libidn2/libidn2-0_2.3.3-1+b1_arm64.deb
Size: 1
SHA256: 5555555555555555555555555555555555555555555555555555555555555555

Package: perl-base
Version: 5.36.0-7+deb12u2
Architecture: arm64
Essential: yes
Priority: required
Filename: pool/main/p/perl/perl-base_5.36.0-7+deb12u2_arm64.deb
Size: 1
SHA256: 6666666666666666666666666666666666666666666666666666666666666666

Package: perl
Version: 5.36.0-7+deb12u2
Architecture: arm64
Multi-Arch: allowed
Priority: standard
Depends: perl-base (= 5.36.0-7+deb12u2)
Filename: pool/main/p/perl/perl_5.36.0-7+deb12u2_arm64.deb
Size: 1
SHA256: 7777777777777777777777777777777777777777777777777777777777777777
)";

TEST(DebResolverParsed, BookwormStanzas) {
  auto entries = parse_packages_index(kStanzas);
  ASSERT_TRUE(entries) << entries.error().message;
  PackagePool pool("arm64");
  for (const PackageEntry& entry : *entries) pool.add(&entry);
  EXPECT_EQ(pool.versions("libc6").size(), 1u);  // the amd64 stanza is not for this pool

  auto control = parse_paragraph(
      "Package: app\nVersion: 1.0\nArchitecture: arm64\nPre-Depends: libc6 (>= 2.34)\n"
      "Depends: libgcc1 (>= 1:3.0), perl:any (>= 5.30)\n");
  ASSERT_TRUE(control) << control.error().message;
  auto app = package_from_paragraph(std::move(*control), false);
  ASSERT_TRUE(app) << app.error().message;
  pool.add(&*app);

  auto resolved = resolve(pool, ResolveRequest{{"app"}, {}});
  ASSERT_TRUE(resolved) << resolved.error().message;
  std::vector<std::string> order;
  for (const PackageEntry* entry : resolved->packages) order.push_back(entry->name);
  // perl-base only because perl depends on it, never for being Essential; no Recommends.
  EXPECT_EQ(order, (std::vector<std::string>{"gcc-12-base", "perl-base", "perl", "libc6", "libgcc-s1", "app"}));
  for (const PackageEntry* entry : resolved->packages) EXPECT_EQ(entry->architecture, "arm64");
}

TEST(DebResolverOrder, BreaksCyclesWithoutPromotingTheirDependents) {
  // 0 depends on 1, 1 on 2, 2 on 1 (a cycle), 3 on nothing.
  EXPECT_EQ(dependency_order({{1}, {2}, {1}, {}}), (std::vector<size_t>{3, 1, 2, 0}));
  // Self edges and out-of-range indexes are ignored.
  EXPECT_EQ(dependency_order({{0, 7}, {0}}), (std::vector<size_t>{0, 1}));
  // A long chain needs no deep recursion.
  std::vector<std::vector<size_t>> chain(100000);
  for (size_t i = 0; i + 1 < chain.size(); ++i) chain[i] = {i + 1};
  chain.back() = {0};
  auto order = dependency_order(chain);
  ASSERT_EQ(order.size(), chain.size());
  EXPECT_EQ(order.front(), 0u);
  EXPECT_EQ(order[1], chain.size() - 1);
}

}  // namespace
}  // namespace wisp::pkg::deb
