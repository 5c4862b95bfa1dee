// wisp sbom: the SPDX or CycloneDX document of an existing image (OCI layout, docker archive or
// registry), read from the package databases in its layers; the same document `wisp build` writes.
#include <fmt/format.h>

#include "base/file.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/image_contents.h"
#include "sbom/cyclonedx.h"
#include "sbom/spdx.h"

namespace wisp::cli {

int cmd_sbom(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Write the SBOM of an existing image: every package its apk or dpkg database lists,\n"
               "its OS, layers and identity, as SPDX 2.3 or CycloneDX 1.6 JSON. REF is\n"
               "oci:DIR[:TAG], docker-archive:FILE, a path (a layout directory or an archive), or a\n"
               "registry image ([docker://]REGISTRY/REPO[:TAG|@DIGEST], pulled and checked first).\n"
               "--index writes the SPDX document of a multi-arch index instead.",
               prog};
  std::string ref_text, format = "spdx", arch, output;
  bool index = false;
  app.add_option("ref", ref_text, "The image: oci:DIR[:TAG], docker-archive:FILE, PATH or [docker://]REGISTRY/REPO[:TAG]")->required();
  app.add_option("--format", format, "spdx or cyclonedx")->check(CLI::IsMember({"spdx", "cyclonedx", "cdx"}));
  app.add_option("--arch", arch, "The architecture to describe (default: the only one, else this machine's)");
  app.add_flag("--index", index, "Describe the multi-arch index (SPDX) rather than one image");
  app.add_option("-o,--output", output, "Write to FILE (atomically) instead of standard output");
  RegistryFlags flags;
  flags.add_to(app);
  if (auto rc = parse(app, std::move(args))) return *rc;
  if (index && format != "spdx") return report(Error{Errc::usage, "--index writes SPDX only"});

  // --index needs the whole index; one image needs only its platform.
  auto opened = open_image(ref_text, index ? std::string() : arch, flags);
  if (!opened) return report(opened.error());
  sbom::ImageSource* source = opened->source.get();
  std::string document;
  if (index) {
    auto contents = source->read_index();
    if (!contents) return report(contents.error().wrap(ref_text));
    document = sbom::write_index_spdx(*contents);
  } else {
    auto contents = source->read_image(arch);
    if (!contents) return report(contents.error().wrap(ref_text));
    document = format == "spdx" ? sbom::write_spdx(*contents) : sbom::write_cyclonedx(*contents);
  }
  if (output.empty() || output == "-") {
    fmt::print("{}", document);
    return k_exit_ok;
  }
  if (auto written = write_file_atomic(output, document); !written) return report(written.error());
  return k_exit_ok;
}

}  // namespace wisp::cli
