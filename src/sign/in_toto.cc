// in-toto Statements as cosign attest writes them (signing-sbom.md §3.2).
#include <nlohmann/json.hpp>

#include "sign/dsse.h"
#include "sign/strict_json.h"

namespace wisp::sign {

namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view k_what = "in-toto statement";

bool is_sha256_hex(std::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Result<InTotoSubject> parse_subject(const json& value, size_t index) {
  std::string where = fmt::format("{}: subject[{}]", k_what, index);
  TRY(expect_members(value, {"name", "digest"}, where));
  const json& name = value.at("name");
  if (!name.is_string()) return fail(Errc::bad_format, "{}.name: expected a string, got {}", where, name.type_name());
  const json& digest = value.at("digest");
  TRY(expect_members(digest, {"sha256"}, where + ".digest"));
  const json& hex = digest.at("sha256");
  if (!hex.is_string() || !is_sha256_hex(hex.get<std::string>()))
    return fail(Errc::bad_format, "{}.digest.sha256: expected 64 lowercase hex digits", where);
  return InTotoSubject{name.get<std::string>(), hex.get<std::string>()};
}

}  // namespace

std::string serialize(const InTotoStatement& statement) {
  json root = json::object();
  root["_type"] = statement.type;
  json subjects = json::array();
  for (const InTotoSubject& subject : statement.subjects) {
    json entry = json::object();
    entry["name"] = subject.name;
    entry["digest"] = json{{"sha256", subject.sha256_hex}};
    subjects.push_back(std::move(entry));
  }
  root["subject"] = std::move(subjects);
  root["predicateType"] = statement.predicate_type;
  // The predicate goes in as a JSON value. Text that is not JSON (a caller bug) becomes a
  // string rather than an exception; an empty predicate is {}.
  json predicate = json::object();
  if (!statement.predicate_json.empty()) {
    predicate = json::parse(statement.predicate_json, nullptr, /*allow_exceptions=*/false);
    if (predicate.is_discarded()) predicate = statement.predicate_json;
  }
  root["predicate"] = std::move(predicate);
  return dump_go(root);
}

Result<InTotoStatement> parse_statement(std::string_view text) {
  TRY_ASSIGN(json root, parse_strict_json(text, k_what));
  TRY(expect_members(root, {"_type", "subject", "predicateType", "predicate"}, k_what));
  InTotoStatement statement;
  const json& type = root.at("_type");
  if (!type.is_string() || (type.get<std::string>() != k_statement_v01 && type.get<std::string>() != k_statement_v1))
    return fail(Errc::bad_format, "{}: _type: expected \"{}\" or \"{}\"", k_what, k_statement_v01, k_statement_v1);
  statement.type = type.get<std::string>();

  const json& subjects = root.at("subject");
  if (!subjects.is_array() || subjects.empty())
    return fail(Errc::bad_format, "{}: subject: expected a non-empty array", k_what);
  for (size_t i = 0; i < subjects.size(); ++i) {
    TRY_ASSIGN(InTotoSubject subject, parse_subject(subjects[i], i));
    statement.subjects.push_back(std::move(subject));
  }

  const json& predicate_type = root.at("predicateType");
  if (!predicate_type.is_string() || predicate_type.get<std::string>().empty())
    return fail(Errc::bad_format, "{}: predicateType: expected a non-empty string", k_what);
  statement.predicate_type = predicate_type.get<std::string>();

  const json& predicate = root.at("predicate");
  if (!predicate.is_object() && !predicate.is_string())
    return fail(Errc::bad_format, "{}: predicate: expected an object or a string, got {}", k_what, predicate.type_name());
  statement.predicate_json = dump_compact(predicate);
  return statement;
}

}  // namespace wisp::sign
