// wisp publish: build an image from an apko image file and push it to one or more registries;
// with --sign-key also sign every pushed digest and (--attest-sbom) attest each one's SBOM, the
// nightly-rebuild workflow in one command.
#include <map>

#include "base/file.h"
#include "base/log.h"
#include "cli/build_common.h"
#include "cli/command.h"
#include "cli/commands.h"
#include "cli/registry_common.h"
#include "cli/sign_common.h"
#include "sbom/build_sboms.h"
#include "sign/predicate.h"

namespace wisp::cli {

namespace {

constexpr uint64_t k_max_sbom = uint64_t{48} << 20;

struct SignRequest {
  std::string key_path;
  std::vector<std::string> annotations;
  bool attest_sbom = false;
};

/// The key and payload options, ready before anything is built.
struct Signer {
  sign::PrivateKey key;
  SignPayloadOptions payload;
  std::optional<std::filesystem::path> sbom_dir;  // set with --attest-sbom
};

nlohmann::ordered_json attached_json(const SignTarget& target, const Attached& attached,
                                     const std::string& predicate_type = "") {
  nlohmann::ordered_json doc;
  doc["reference"] = target.pinned();
  if (!predicate_type.empty()) doc["predicateType"] = predicate_type;
  doc["tag"] = attached.tag_reference;
  doc["added"] = attached.added;
  return doc;
}

/// Attests each SBOM file the build wrote for `target`'s digest (replacing earlier ones of the
/// same predicate type: a rebuild of the same digest must not pile them up).
Status attest_sboms(const SignTarget& target, const BuiltImage& built, const Signer& signer,
                    registry::ClientPool& clients, nlohmann::ordered_json& out) {
  for (const SbomFile& file : sbom_files_for(built, target.manifest.descriptor.digest, *signer.sbom_dir)) {
    TRY_ASSIGN(std::string type, sign::predicate_type_uri(file.type));
    TRY_ASSIGN(std::string text, read_file(file.path, k_max_sbom));
    TRY_ASSIGN_CTX(std::string predicate, sign::make_predicate(file.type, text, predicate_timestamp()), "{}",
                   file.path.string());
    TRY_ASSIGN_CTX(Attached attached, attest_digest(target, type, predicate, true, signer.key, clients),
                   "attesting {} ({})", target.pinned(), file.type);
    out.push_back(attached_json(target, attached, type));
  }
  return {};
}

/// What was attached to one digest, as JSON: its signature and attestations.
struct DigestRecord {
  nlohmann::ordered_json signature;
  nlohmann::ordered_json attestations = nlohmann::ordered_json::array();
};

/// Signs the pushed index and every platform manifest (cosign sign --recursive) and attests
/// their SBOMs. A digest handled for an earlier REF (same repository) is reported, not redone.
Status sign_pushed(const std::string& pinned, const BuiltImage& built, const Signer& signer,
                   registry::ClientPool& clients, std::map<std::string, DigestRecord>& done,
                   nlohmann::ordered_json& doc) {
  nlohmann::ordered_json signatures = nlohmann::ordered_json::array();
  nlohmann::ordered_json attestations = nlohmann::ordered_json::array();
  TRY_ASSIGN(std::vector<SignTarget> targets, resolve_targets(pinned, true, clients));
  for (const SignTarget& target : targets) {
    auto [record, fresh] = done.try_emplace(target.pinned());
    if (fresh) {
      TRY_ASSIGN_CTX(Attached attached, sign_digest(target, signer.payload, signer.key, clients), "signing {}",
                     target.pinned());
      record->second.signature = attached_json(target, attached);
      if (signer.sbom_dir) TRY(attest_sboms(target, built, signer, clients, record->second.attestations));
    }
    signatures.push_back(record->second.signature);
    for (const auto& a : record->second.attestations) attestations.push_back(a);
  }
  doc["signatures"] = std::move(signatures);
  if (signer.sbom_dir) doc["attestations"] = std::move(attestations);
  return {};
}

}  // namespace

int cmd_publish(const std::string& prog, std::vector<std::string> args) {
  CLI::App app{"Build an image from an apko image file (as 'wisp build' does) and push every\n"
               "architecture's image and the multi-arch index to each REF, tag last. Prints\n"
               "REF@sha256:... for each, the digest of the index.\n"
               "--sign-key then signs each REF's index and every platform manifest as\n"
               "'wisp sign --recursive' does (the password is read before building), and\n"
               "--attest-sbom attests each platform's SPDX and CycloneDX SBOM on its manifest and\n"
               "the index SPDX document on the index, replacing earlier SBOM attestations.",
               prog};
  BuildRequest request;
  std::vector<std::string> references;
  RegistryFlags flags;
  SignRequest sign_request;
  size_t push_jobs = 4;
  app.add_option("config", request.config_path, "The image file (IMAGE.yaml)")->required();
  app.add_option("references", references, "Where to push: [docker://]REGISTRY/REPO[:TAG] (repeatable)")->required();
  request.add_build_options(app, "Build worker threads (default: one per core)");
  app.add_option("--push-jobs", push_jobs, "Blobs uploaded in parallel")->check(CLI::Range(1, 64));
  auto* key_option = app.add_option("--sign-key", sign_request.key_path,
                                    "Sign every pushed digest with this cosign.key (or unencrypted PEM EC key)");
  app.add_option("--sign-annotations", sign_request.annotations,
                 "KEY=VALUE put into each signature's \"optional\" (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->needs(key_option);
  app.add_flag("--attest-sbom", sign_request.attest_sbom,
               "Attest each digest's SBOM (spdxjson, cyclonedx) with the --sign-key")
      ->needs(key_option);
  request.flags.add_to(app);
  flags.add_to(app, "");
  if (auto rc = parse(app, std::move(args))) return *rc;
  flags.jobs = push_jobs;

  std::vector<registry::ImageLocation> targets;
  for (const auto& text : references) {
    auto location = parse_location(text);
    if (!location) return report(location.error());
    if (location->kind != registry::TransportKind::docker)
      return report(Error{Errc::usage, fmt::format("{}: publish pushes to registries; use 'wisp build' for layouts", text)});
    targets.push_back(std::move(*location));
  }

  auto scratch = TempDir::create("wisp-publish");
  if (!scratch) return report(scratch.error());
  // The key first: a wrong password fails before anything is built or pushed.
  std::optional<Signer> signer;
  if (!sign_request.key_path.empty()) {
    auto annotations = parse_annotations(sign_request.annotations);
    if (!annotations) return report(annotations.error());
    auto key = load_private_key(sign_request.key_path);
    if (!key) return report(key.error());
    signer.emplace(Signer{std::move(*key), {std::move(*annotations), ""}, std::nullopt});
    if (sign_request.attest_sbom) signer->sbom_dir = scratch->path() / "sbom";
  }

  request.layout_dir = scratch->path() / "layout";
  request.ref_name = default_tag(request.config_path);
  std::optional<sbom::BuildSboms> sboms;
  if (signer && signer->sbom_dir) sboms.emplace(sbom::SbomOutput{*signer->sbom_dir, true, true, request.ref_name, false});
  auto hook = [&](const image::Assembled& rootfs, const BuiltArch& arch, const build::ImageConfig&, int64_t) {
    return sboms->add_arch(rootfs, arch.arch.apk, arch.manifest);
  };
  auto built = build_layout(request, sboms ? ArchHook(hook) : nullptr);
  if (!built) return report(built.error());
  if (sboms) {
    if (auto written = sboms->write(request.layout_dir, built->index_descriptor, built->index, built->created); !written)
      return report(written.error());
  }

  auto clients = make_clients(flags);
  auto source = registry::parse_image_location("oci:" + request.layout_dir.string() + ":" + request.ref_name);
  if (!source) return report(source.error());
  std::vector<nlohmann::ordered_json> published;
  std::vector<std::string> pinned;
  for (const auto& target : targets) {
    auto result = run_copy(*source, target, *clients, flags, std::nullopt, "publish");
    if (!result) return report(result.error());
    pinned.push_back(pinned_name(target, result->root.descriptor.digest));
    published.push_back(nlohmann::ordered_json::parse(copy_json(*source, target, *result)));
    if (!flags.json) fmt::print("{}\n", pinned.back());
  }
  // Every REF is pushed before anything is signed: a failed push leaves no signatures behind.
  if (signer) {
    std::map<std::string, DigestRecord> done;
    for (size_t i = 0; i < pinned.size(); ++i)
      if (auto ok = sign_pushed(pinned[i], *built, *signer, *clients, done, published[i]); !ok)
        return report(ok.error());
  }
  if (flags.json) fmt::print("{}\n", nlohmann::ordered_json(published).dump(2));
  return k_exit_ok;
}

}  // namespace wisp::cli
