// Precompiled header of the CLI: CLI11 and nlohmann-json are large header-only libraries that
// every command includes; compiling them once per build instead of once per command file
// roughly halves the CLI's build time.
#pragma once

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <nlohmann/json.hpp>
