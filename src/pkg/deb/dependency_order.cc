#include "pkg/deb/dependency_order.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

namespace wisp::pkg::deb {
namespace {

constexpr size_t kUnset = SIZE_MAX;

// Tarjan's strongly connected components, iterative so that long chains cannot exhaust the
// stack. Returns the component of every node.
std::vector<size_t> components(const std::vector<std::vector<size_t>>& edges) {
  const size_t n = edges.size();
  std::vector<size_t> index(n, kUnset), low(n, 0), component(n, kUnset);
  std::vector<bool> on_stack(n, false);
  std::vector<size_t> stack;
  std::vector<std::pair<size_t, size_t>> work;  // node, next edge to look at
  size_t counter = 0;
  size_t count = 0;
  for (size_t root = 0; root < n; ++root) {
    if (index[root] != kUnset) continue;
    work.emplace_back(root, 0);
    while (!work.empty()) {
      const size_t v = work.back().first;
      if (index[v] == kUnset) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
      }
      size_t& next = work.back().second;
      if (next < edges[v].size()) {
        const size_t w = edges[v][next++];
        if (index[w] == kUnset) {
          work.emplace_back(w, 0);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        size_t w = kUnset;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          component[w] = count;
        } while (w != v);
        ++count;
      }
      work.pop_back();
      if (!work.empty()) {
        const size_t parent = work.back().first;
        low[parent] = std::min(low[parent], low[v]);
      }
    }
  }
  return component;
}

}  // namespace

std::vector<size_t> dependency_order(const std::vector<std::vector<size_t>>& deps) {
  const size_t n = deps.size();
  std::vector<std::vector<size_t>> edges(n);
  std::vector<std::vector<size_t>> dependents(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<size_t> clean;
    for (size_t d : deps[i])
      if (d < n && d != i) clean.push_back(d);
    std::sort(clean.begin(), clean.end());
    clean.erase(std::unique(clean.begin(), clean.end()), clean.end());
    for (size_t d : clean) dependents[d].push_back(i);
    edges[i] = std::move(clean);
  }

  std::vector<size_t> pending(n);
  std::set<size_t> ready;
  for (size_t i = 0; i < n; ++i) {
    pending[i] = edges[i].size();
    if (pending[i] == 0) ready.insert(i);
  }
  std::vector<size_t> component;  // computed at the first cycle
  std::vector<bool> emitted(n, false);
  std::vector<size_t> order;
  order.reserve(n);
  size_t cycle = kUnset;        // the cycle being emitted
  std::set<size_t> cycle_ready;  // its members that became ready meanwhile
  auto emit = [&](size_t node) {
    ready.erase(node);
    cycle_ready.erase(node);
    emitted[node] = true;
    order.push_back(node);
    for (size_t dependent : dependents[node]) {
      if (emitted[dependent] || --pending[dependent] != 0) continue;
      ready.insert(dependent);
      if (cycle != kUnset && component[dependent] == cycle) cycle_ready.insert(dependent);
    }
  };

  while (order.size() < n) {
    if (!ready.empty()) {
      emit(*ready.begin());
      continue;
    }
    // Only cycles are left. Take the cycle (strongly connected component) with the smallest
    // member among those that wait on nothing outside themselves, and emit all of it: its
    // ready members first, else its smallest member.
    if (component.empty()) component = components(edges);
    std::vector<bool> waits_outside(n, false);
    for (size_t i = 0; i < n; ++i) {
      if (emitted[i]) continue;
      for (size_t d : edges[i])
        if (!emitted[d] && component[d] != component[i]) waits_outside[component[i]] = true;
    }
    size_t pick = 0;
    while (emitted[pick] || waits_outside[component[pick]]) ++pick;  // a DAG of components has a source
    cycle = component[pick];
    std::vector<size_t> members;  // ascending
    for (size_t i = pick; i < n; ++i)
      if (component[i] == cycle) members.push_back(i);
    size_t smallest = 0;  // members before it are emitted
    for (size_t left = members.size(); left > 0; --left) {
      if (!cycle_ready.empty()) {
        emit(*cycle_ready.begin());
        continue;
      }
      while (emitted[members[smallest]]) ++smallest;
      emit(members[smallest]);
    }
    cycle = kUnset;
  }
  return order;
}

}  // namespace wisp::pkg::deb
