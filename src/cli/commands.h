// Entry points of the commands in the table (cli/commands.cc).
#pragma once

#include <string>
#include <vector>

namespace wisp::cli {

int cmd_keygen(const std::string& prog, std::vector<std::string> args);
int cmd_pkg_create(const std::string& prog, std::vector<std::string> args);
int cmd_pkg_info(const std::string& prog, std::vector<std::string> args);
int cmd_pkg_verify(const std::string& prog, std::vector<std::string> args);
int cmd_pkg_vercmp(const std::string& prog, std::vector<std::string> args);
int cmd_index_create(const std::string& prog, std::vector<std::string> args);
int cmd_index_show(const std::string& prog, std::vector<std::string> args);
int cmd_index_verify(const std::string& prog, std::vector<std::string> args);
int cmd_resolve(const std::string& prog, std::vector<std::string> args);
int cmd_lock(const std::string& prog, std::vector<std::string> args);
int cmd_build(const std::string& prog, std::vector<std::string> args);
int cmd_publish(const std::string& prog, std::vector<std::string> args);
int cmd_push(const std::string& prog, std::vector<std::string> args);
int cmd_pull(const std::string& prog, std::vector<std::string> args);
int cmd_copy(const std::string& prog, std::vector<std::string> args);
int cmd_manifest(const std::string& prog, std::vector<std::string> args);
int cmd_digest(const std::string& prog, std::vector<std::string> args);
int cmd_tags(const std::string& prog, std::vector<std::string> args);
int cmd_login(const std::string& prog, std::vector<std::string> args);
int cmd_diff(const std::string& prog, std::vector<std::string> args);
int cmd_sbom(const std::string& prog, std::vector<std::string> args);
int cmd_scan(const std::string& prog, std::vector<std::string> args);
int cmd_sign(const std::string& prog, std::vector<std::string> args);
int cmd_verify(const std::string& prog, std::vector<std::string> args);
int cmd_attest(const std::string& prog, std::vector<std::string> args);
int cmd_verify_attestation(const std::string& prog, std::vector<std::string> args);

}  // namespace wisp::cli
