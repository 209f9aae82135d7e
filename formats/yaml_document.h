// Parses YAML text with bounds: nesting depth, alias expansion and alias cycles, checked before any loader walks it.
#pragma once

#include <cstddef>
#include <string>

#include <yaml-cpp/yaml.h>

namespace vpcsim::formats {

/// yaml-cpp's own parser stops at about 500 levels of nesting (its
/// DepthGuard, four calls a level); vpcsim says so in its own words.
inline constexpr int kMaxYamlParserDepth = 500;

/// The deepest a document may be once aliases are followed: an alias of a
/// nested node nests it again, so a chain of aliases can go deeper than the
/// parser allows, and the loaders walk documents recursively.
inline constexpr std::size_t kMaxYamlDepth = 1000;

/// How many nodes aliases may add to a document, over the nodes written in
/// it. yaml-cpp shares an aliased node instead of copying it, but every
/// loader walks (and the CloudFormation loader copies) each use, so a
/// "billion laughs" document of 1.4 KB would grow to gigabytes.
inline constexpr std::size_t kMaxYamlAliasNodes = 1'000'000;

/// Why a YAML text was not loaded: where (yaml-cpp's 0-based mark), a code and a message.
struct YamlLoadError {
  YAML::Mark mark;
  std::string code;
  std::string message;
};

/// Parses `text` and checks the document with one bounded walk before anyone
/// else walks it: a syntax error is "invalid yaml: ..." (yaml-cpp's
/// message); nesting past kMaxYamlParserDepth or, through aliases, past
/// kMaxYamlDepth is "too large: ..."; an alias inside the node it names
/// (`&a [*a]`) is "recursive alias ..."; aliases that expand the document by
/// more than kMaxYamlAliasNodes nodes are "too large: ...". Returns false
/// and fills `error` on any of these. `max_alias_nodes` is for tests.
bool loadYaml(const std::string& text, YAML::Node& root, YamlLoadError& error,
              std::size_t max_alias_nodes = kMaxYamlAliasNodes);

}  // namespace vpcsim::formats
