// Parses YAML text with bounds: nesting depth, alias expansion and alias cycles, checked before any loader walks it.
#include "formats/yaml_document.h"

#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>

namespace vpcsim::formats {

namespace {

/// Where flow collections (`[` `{`) first nest past kMaxYamlParserDepth (or,
/// short of that, first reach their deepest): the place to point at when
/// yaml-cpp gives up on nesting without a useful mark.
YAML::Mark deepestFlow(const std::string& text) {
  YAML::Mark mark;
  mark.pos = 0;
  mark.line = 0;
  mark.column = 0;
  int depth = 0;
  int deepest = 0;
  int line = 0;
  int column = 0;
  for (std::size_t i = 0; i < text.size(); ++i, ++column) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      column = -1;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && deepest <= kMaxYamlParserDepth) {
        deepest = depth;
        mark.pos = static_cast<int>(i);
        mark.line = line;
        mark.column = column;
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return mark;
}

/// One node on the walk's path, with the children not yet visited.
struct Frame {
  YAML::Node node;
  YAML::const_iterator next;
  YAML::const_iterator end;
  bool map = false;
  bool key_done = false;  ///< for a map: the current entry's key was visited, its value is next
};

class BoundedWalk {
 public:
  BoundedWalk(std::size_t max_nodes, std::size_t max_alias_nodes)
      : max_nodes_(max_nodes), max_alias_nodes_(max_alias_nodes) {}

  bool run(const YAML::Node& root, YamlLoadError& error) {
    if (!enter(root, error)) return false;
    while (!path_.empty()) {
      Frame& top = path_.back();
      if (top.next == top.end) {
        leave();
        continue;
      }
      if (!enter(nextChild(top), error)) return false;
    }
    return true;
  }

 private:
  /// The next child of `top` (for a mapping: a key, then its value), copied
  /// out before `path_` grows. Nodes are copy-constructed, never assigned:
  /// assigning to a YAML::Node rebinds the node it refers to.
  static YAML::Node nextChild(Frame& top) {
    if (!top.map) {
      YAML::Node child(*top.next);
      ++top.next;
      return child;
    }
    if (!top.key_done) {
      top.key_done = true;
      return YAML::Node(top.next->first);
    }
    top.key_done = false;
    YAML::Node value(top.next->second);
    ++top.next;
    return value;
  }

  bool enter(const YAML::Node& node, YamlLoadError& error) {
    if (++visited_ > max_nodes_) {
      // Point at the entry of the top-level collection that grew too large
      // (the place of the node itself is inside some anchor's definition).
      error = {path_.size() > 1 ? path_[1].node.Mark() : node.Mark(), "too-large",
               fmt::format("too large: aliases (*name) expand the document by more than {} nodes", max_alias_nodes_)};
      return false;
    }
    int pos = node.Mark().pos;
    if (auto it = on_path_.find(pos); it != on_path_.end() && it->second > 0) {
      for (const Frame& frame : path_) {
        if (frame.node.is(node)) {
          error = {node.Mark(), "recursive-alias", "recursive alias: this node contains an alias of itself"};
          return false;
        }
      }
    }
    if (!node.IsSequence() && !node.IsMap()) return true;
    if (path_.size() >= kMaxYamlDepth) {
      error = {node.Mark(), "too-large",
               fmt::format("too large: nested more than {} levels deep (counting what aliases repeat)",
                           kMaxYamlDepth)};
      return false;
    }
    ++on_path_[pos];
    path_.push_back(Frame{node, node.begin(), node.end(), node.IsMap(), false});
    return true;
  }

  void leave() {
    int pos = path_.back().node.Mark().pos;
    --on_path_[pos];
    path_.pop_back();
  }

  std::size_t max_nodes_;
  std::size_t max_alias_nodes_;
  std::size_t visited_ = 0;
  std::vector<Frame> path_;
  std::unordered_map<int, int> on_path_;  ///< mark positions of the nodes on the path, to find cycles fast
};

}  // namespace

bool loadYaml(const std::string& text, YAML::Node& root, YamlLoadError& error, std::size_t max_alias_nodes) {
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    YAML::Mark mark = e.mark.line > 0 || e.mark.column > 0 ? e.mark : deepestFlow(text);
    error = {mark, "too-large", fmt::format("too large: nested more than {} levels deep", kMaxYamlParserDepth)};
    return false;
  } catch (const YAML::Exception& e) {
    error = {e.mark, "yaml-syntax", "invalid yaml: " + e.msg};
    return false;
  }
  // A document without aliases has at most about one node per byte of text
  // ("[1,2]" is three nodes in five bytes); the margin keeps any plain file
  // clear of the limit, so only what aliases add can reach it.
  std::size_t written = 2 * text.size() + 16;
  return BoundedWalk(written + max_alias_nodes, max_alias_nodes).run(root, error);
}

}  // namespace vpcsim::formats
