// Dependencies-first order of a resolved package set (what dpkg would unpack first).
#pragma once

#include <cstddef>
#include <vector>

namespace wisp::pkg::deb {

/// Orders the nodes 0..n-1 so that each one comes after the nodes in `deps[i]` (its
/// dependencies); among the nodes that are ready, the smallest index goes first. When only
/// cycles are left, the one with the smallest member among those waiting on nothing else is
/// emitted whole (its ready members first, else its smallest), so nothing that depends on a
/// cycle comes before all of it. Indexes out of range or pointing at the node itself are ignored.
std::vector<size_t> dependency_order(const std::vector<std::vector<size_t>>& deps);

}  // namespace wisp::pkg::deb
