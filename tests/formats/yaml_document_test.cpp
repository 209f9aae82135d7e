// Tests for bounded YAML loading: nesting, alias bombs and recursive aliases (formats/yaml_document.h).
#include "formats/yaml_document.h"

#include <string>

#include <catch2/catch.hpp>

namespace vpcsim::formats {
namespace {

/// "LINE:COLUMN: MESSAGE" of the load error (1-based), or "(loaded)".
std::string loadError(const std::string& text, std::size_t max_alias_nodes = kMaxYamlAliasNodes) {
  YAML::Node root;
  YamlLoadError error;
  if (loadYaml(text, root, error, max_alias_nodes)) return "(loaded)";
  return std::to_string(error.mark.line + 1) + ":" + std::to_string(error.mark.column + 1) + ": " + error.message;
}

/// A "billion laughs" document: `levels` anchors, each a list of ten aliases of the one before.
std::string aliasBomb(int levels) {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < levels; ++i) {
    std::string name = std::to_string(i);
    std::string previous = std::to_string(i - 1);
    text.append("a").append(name).append(": &a").append(name).append(" [");
    for (int k = 0; k < 10; ++k) text.append(k == 0 ? "*a" : ", *a").append(previous);
    text.append("]\n");
  }
  return text;
}

TEST_CASE("ordinary YAML, aliases included, loads", "[yaml]") {
  CHECK(loadError("a: 1\nb: [x, {c: d}]\n") == "(loaded)");
  CHECK(loadError("base: &b {port: 443}\nuse: [*b, *b]\n") == "(loaded)");
  CHECK(loadError("") == "(loaded)");
}

TEST_CASE("a syntax error keeps yaml-cpp's message and place", "[yaml]") {
  CHECK(loadError("a: [1, 2\n") == "2:1: invalid yaml: end of sequence flow not found");
}

TEST_CASE("a recursive alias is an error, not a stack overflow", "[yaml]") {
  CHECK(loadError("a: &a [*a]\n") == "1:4: recursive alias: this node contains an alias of itself");
  CHECK(loadError("a: &a {k: [1, *a]}\n") == "1:4: recursive alias: this node contains an alias of itself");
}

TEST_CASE("an alias bomb is too large, found in a bounded walk", "[yaml]") {
  // Nine levels of ten: 10^9 nodes once expanded, from 1.4 KB of text; the error points at
  // the first entry that passes the limit (a5, 10^6 nodes).
  std::string bomb = aliasBomb(9);
  CHECK(bomb.size() < 1500);
  CHECK(loadError(bomb) == "6:5: too large: aliases (*name) expand the document by more than 1000000 nodes");
  // Inside a mapping no loader reads (CloudFormation Metadata) it is found all the same.
  CHECK(loadError(aliasBomb(9) + "Metadata:\n  x: [*a8, *a8]\n").find("too large: aliases") !=
        std::string::npos);
  // Three levels (1,000 nodes) load; with a cap of 100 added nodes they do not.
  CHECK(loadError(aliasBomb(3)) == "(loaded)");
  CHECK(loadError(aliasBomb(3), 100).find("too large: aliases (*name) expand the document by more than 100 nodes") !=
        std::string::npos);
}

TEST_CASE("nesting past the parser's limit is too large, at the place it passes it", "[yaml]") {
  // yaml-cpp refuses about 500 levels itself (no stack overflow at 100,000);
  // the flow case gets its place from the text.
  CHECK(loadError(std::string(100000, '[') + std::string(100000, ']')) == "1:501: too large: nested more than 500 levels deep");
  std::string block;
  for (int i = 0; i < 3000; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "- \n";
  CHECK(loadError(block) == "500:501: too large: nested more than 500 levels deep");
  CHECK(loadError(std::string(400, '[') + std::string(400, ']')) == "(loaded)");
}

TEST_CASE("nesting built by a chain of aliases is bounded too", "[yaml]") {
  // Each anchor nests the one before: 1,200 levels deep once expanded, each line shallow.
  std::string text = "a0: &a0 [x]\n";
  for (int i = 1; i < 1200; ++i) {
    std::string name = std::to_string(i);
    text.append("a").append(name).append(": &a").append(name).append(" [*a").append(std::to_string(i - 1)).append("]\n");
  }
  CHECK(loadError(text).find("too large: nested more than 1000 levels deep (counting what aliases repeat)") !=
        std::string::npos);
}

}  // namespace
}  // namespace vpcsim::formats
