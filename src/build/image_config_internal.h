// Pieces of the image configuration reader shared between its source files (not a public API).
#pragma once

#include <string_view>

#include "base/result.h"
#include "build/image_config.h"

namespace wisp::build::detail {

/// One parsed file, before includes are followed, normalised or validated.
struct ParsedDocument {
  ImageConfig config;
  SourceLoc include_loc;  // where `include` was written, for messages about it
};

/// Parses one YAML document strictly (see image_config.h). Never throws.
Result<ParsedDocument> parse_document(std::string_view yaml, std::string_view file_name);

/// apko's post-merge normalisation: trailing '/' trimmed from the three repository lists, and
/// homedir defaulted to /home/<username>.
void normalize(ImageConfig& config);

}  // namespace wisp::build::detail
