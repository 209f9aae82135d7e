// CloudFormation loader: reads each stack's template and runs its phases (parameters to outputs) in order.
#include "formats/cloudformation.h"

#include "formats/cloudformation_loader.h"
#include "formats/input_file.h"
#include "formats/yaml_document.h"
#include "topology/validate.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace vpcsim::formats {

using namespace vpcsim::topology;  // the model this format fills

namespace cfn {
namespace {

/// The tag and block indicator of a line that holds only them
/// (`^[ \t]*(![A-Za-z]+[ \t]+[|>][-+0-9]*)[ \t]*\r?$`), or empty.
std::string_view taggedBlockIndicator(std::string_view line) {
  auto is = [&](std::size_t i, std::string_view set) { return i < line.size() && set.find(line[i]) != std::string_view::npos; };
  auto letter = [&](std::size_t i) {
    return i < line.size() && ((line[i] >= 'A' && line[i] <= 'Z') || (line[i] >= 'a' && line[i] <= 'z'));
  };
  std::size_t i = 0;
  while (is(i, " \t")) ++i;
  std::size_t start = i;
  if (!is(i++, "!") || !letter(i)) return {};
  while (letter(i)) ++i;
  if (!is(i, " \t")) return {};
  while (is(i, " \t")) ++i;
  if (!is(i++, "|>")) return {};
  while (is(i, "-+0123456789")) ++i;
  std::size_t end = i;
  while (is(i, " \t")) ++i;
  if (is(i, "\r")) ++i;
  return i == line.size() ? line.substr(start, end - start) : std::string_view();
}

// yaml-cpp rejects a tagged block scalar that starts on the line after its
// key ("PolicyDocument:\n  !Sub |"), which is valid YAML and common in
// templates. Move the tag and indicator up to the key's line and leave the
// line empty, so line numbers stay put.
std::string joinTaggedBlockScalars(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string_view indicator = taggedBlockIndicator(lines[i]);
    if (indicator.empty()) continue;
    std::string& previous = lines[i - 1];
    std::size_t end = previous.find_last_not_of(" \t\r");
    if (end == std::string::npos || previous[end] != ':') continue;
    previous = previous.substr(0, end + 1) + " " + std::string(indicator);
    lines[i].clear();
  }
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace

bool CfnLoader::loadStack(const StackSpec& spec) {
  auto text = readInputFile(spec.file);
  if (!text) {
    add(text.diagnostic());
    return false;
  }
  YAML::Node root;
  YamlLoadError problem;
  if (!loadYaml(joinTaggedBlockScalars(text.value()), root, problem)) {
    error(problem.mark, problem.code, problem.message);
    return false;
  }
  try {
    if (!root.IsMap()) fail(root.Mark(), "a template must be a mapping", "cfn-syntax");
    stack_->root = fromYaml(root);
  } catch (const YAML::Exception& e) {
    error(e.mark, "yaml-syntax", "invalid yaml: " + e.msg);
    return false;
  } catch (const CfnError& e) {
    report(e);
    return false;
  }
  if (const Value* transform = stack_->root.find("Transform")) {
    std::vector<Value> names = transform->kind == Value::Kind::kList ? transform->items : std::vector<Value>{*transform};
    for (const auto& n : names) {
      if (n.isScalar() && n.text == "AWS::LanguageExtensions") continue;
      error(n.mark, "cfn-unsupported",
            fmt::format("transform {} cannot be expanded offline", n.isScalar() ? n.text : "(macro)"));
    }
  }
  std::size_t before = pending_.size();
  resolveParameters(spec);
  if (pending_.size() != before) return false;
  if (const Value* conditions = stack_->root.find("Conditions")) {
    for (const auto& [name, expr] : conditions->fields) stack_->condition_nodes.emplace(name, &expr);
    for (const auto& [name, expr] : conditions->fields) {
      try {
        condition(name, expr.mark);
      } catch (const CfnError& e) {
        report(e);
      }
    }
  }
  checkRules();
  // CloudFormation deploys nothing when a parameter or rule fails.
  if (pending_.size() != before) return false;
  if (!registerResources()) return false;
  buildResources();
  evaluateOutputs();
  return pending_.size() == before;
}

bool CfnLoader::run(const std::vector<StackSpec>& stacks, std::vector<Diagnostic>& errors) {
  region_ = options_.region;
  account_ = options_.account;
  std::vector<std::unique_ptr<StackState>> states;
  for (const auto& spec : stacks) {
    auto state = std::make_unique<StackState>();
    state->label = spec.file.string();
    state->name = spec.stack_name.empty() ? spec.file.stem().string() : spec.stack_name;
    stack_ = state.get();
    if (stack_outputs_.count(state->name) != 0) {
      error(YAML::Mark::null_mark(), "duplicate-stack", fmt::format("stack name {} is used twice", state->name));
      continue;
    }
    loadStack(spec);
    stack_outputs_[state->name];
    states.push_back(std::move(state));
  }
  assignDefaultAcls();

  into_.absorb(std::move(out_));
  into_.default_region = region_;
  into_.default_account = account_;

  // Report per stack in file order; unplaced diagnostics of a stack last.
  std::stable_sort(pending_.begin(), pending_.end(), [&](const Pending& a, const Pending& b) {
    auto rank = [&](const Pending& p) {
      std::size_t index = 0;
      for (std::size_t i = 0; i < states.size(); ++i) {
        if (states[i]->label == p.label) index = i;
      }
      return std::make_tuple(index, p.line < 0 ? std::numeric_limits<int>::max() : p.line, p.column);
    };
    return rank(a) < rank(b);
  });
  for (auto& p : pending_) errors.push_back(std::move(p.diagnostic));
  return pending_.empty();
}

}  // namespace cfn

bool loadStacks(const std::vector<StackSpec>& stacks, const LoadOptions& options, Topology& into,
                std::vector<Diagnostic>& errors) {
  const topology::TopologyMark mark = topology::markOf(into);
  cfn::CfnLoader loader(options, into);
  // The loader checks values as it reads them; the shared checks back it up.
  return loader.run(stacks, errors) && topology::checkTopology(into, mark, {}, errors);
}

}  // namespace vpcsim::formats
