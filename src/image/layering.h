// apko's `origin` layering (apko-melange.md §3, oci-registries-scanners.md §7.1): packages are
// grouped by origin (subpackages change together), groups linked by `replaces` are merged, the
// largest budget-1 groups get a layer each, the other packages share one overflow layer, and a
// final layer holds everything no package owns (directories, apk database, accounts, devices).
// Package layers carry their parents' directories with mtimes taken from their children, and
// their own slice of the installed database, so identical packages give identical layers
// across images and scanners that read one layer at a time still see what it holds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "image/assemble.h"
#include "image/layer_tar.h"

namespace wisp::image {

struct PlannedLayer {
  std::vector<int> owners;  // installed-package indexes; empty for the final layer
  std::string comment;      // for the image history: "origin foo (3 packages)", ...
};

/// The layers for `budget` (>= 1): at most budget-1 group layers, an overflow layer when
/// packages remain, and the final layer. Groups are ordered by installed size, largest first
/// (ties by origin name), so the layer order is stable.
std::vector<PlannedLayer> plan_origin_layers(const std::vector<InstalledPackage>& installed, int64_t budget);

/// The view of one planned layer over the assembled tree.
LayerView layer_view(const Assembled& image, const PlannedLayer& layer);

}  // namespace wisp::image
