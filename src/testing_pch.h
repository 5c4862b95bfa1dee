// Precompiled header of the test binary: GoogleTest and fmt are included by every test file.
#pragma once

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <expected>
#include <filesystem>
#include <map>
#include <string>
#include <vector>
