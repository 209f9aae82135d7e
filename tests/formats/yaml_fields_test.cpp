// Tests for the shared YAML field reader (topology/yaml_fields.cpp).
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include "formats/yaml_fields.h"

// The modules under test, by their short names (tests mirror the folders).
using namespace vpcsim::formats;  // NOLINT(google-build-using-namespace)

namespace vpcsim::topology {
namespace {

std::vector<std::string> texts(YamlReader& reader, ErrorOrder order = ErrorOrder::kAsReported) {
  std::vector<Diagnostic> errors;
  reader.moveErrorsTo(errors, order);
  std::vector<std::string> out;
  for (const auto& error : errors) out.push_back(error.str());
  return out;
}

}  // namespace

TEST_CASE("fields reports unknown, duplicate and non-string keys and keeps the rest", "[yaml]") {
  YamlReader reader("f.yaml");
  YAML::Node node = YAML::Load("name: a\nnam: b\nname: c\n[x]: d\n");
  auto f = reader.fields(node, "thing", {"name", "kind"});
  REQUIRE(f.has_value());
  CHECK(f->items.size() == 1);
  CHECK(f->items.at("name").value.Scalar() == "a");
  CHECK_FALSE(f->all_known);
  CHECK(texts(reader) == std::vector<std::string>{
                             "f.yaml:2:1: error: unknown key 'nam' in thing (did you mean 'name'?)",
                             "f.yaml:3:1: error: duplicate key 'name' in thing",
                             "f.yaml:4:1: error: keys in thing must be plain strings",
                         });
  CHECK(reader.ok());
}

TEST_CASE("fields takes the dialect's code for a node that is not a mapping", "[yaml]") {
  YamlReader scenario("f.yaml");
  CHECK_FALSE(scenario.fields(YAML::Load("[1, 2]"), "the plan", {}).has_value());
  std::vector<Diagnostic> errors;
  scenario.moveErrorsTo(errors, ErrorOrder::kAsReported);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "bad-shape");
  CHECK(errors[0].str() == "f.yaml:1:1: error: the plan must be a mapping");

  YamlReader plan("f.yaml", YamlDialect{.shape_code = "bad-type"});
  CHECK_FALSE(plan.fields(YAML::Load("[1, 2]"), "the plan", {}).has_value());
  errors.clear();
  plan.moveErrorsTo(errors, ErrorOrder::kAsReported);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].code == "bad-type");
}

TEST_CASE("a dialect without duplicate checks keeps the first of a repeated key silently", "[yaml]") {
  YamlReader reader("f.yaml", YamlDialect{.plain_keys = false, .duplicate_keys = false});
  auto f = reader.fields(YAML::Load("a: 1\na: 2\n"), "x", {"a"});
  REQUIRE(f.has_value());
  CHECK(f->all_known);
  CHECK(f->items.at("a").value.Scalar() == "1");
  CHECK(reader.ok());
}

TEST_CASE("a key written without a value is absent only where the dialect says so", "[yaml]") {
  YAML::Node node = YAML::Load("a:\nb: 1\n");
  YamlReader keeps("f.yaml");
  auto kept = keeps.fields(node, "x", {"a", "b"});
  REQUIRE(kept.has_value());
  CHECK(kept->find("a") != nullptr);
  YamlReader drops("f.yaml", YamlDialect{.null_is_absent = true});
  auto dropped = drops.fields(node, "x", {"a", "b"});
  REQUIRE(dropped.has_value());
  CHECK(dropped->find("a") == nullptr);
  CHECK(dropped->has("a"));
  // Either way text() sees no value, and `required` names the key.
  CHECK_FALSE(keeps.text(*kept, "a", true).has_value());
  CHECK(texts(keeps) == std::vector<std::string>{"f.yaml:1:1: error: missing key 'a' in x"});
}

TEST_CASE("text, flag and number check the shape and range of a value", "[yaml]") {
  YamlReader reader("f.yaml");
  auto f = reader.fields(YAML::Load("t: [1]\nf: maybe\ng: yes\nn: 70000\n"), "x", {"t", "f", "g", "n"});
  REQUIRE(f.has_value());
  CHECK_FALSE(reader.text(*f, "t").has_value());
  CHECK(reader.flag(*f, "f", true));
  CHECK(reader.flag(*f, "g", false));
  CHECK_FALSE(reader.number(*f, "n", 0, 65535).has_value());
  CHECK(texts(reader) == std::vector<std::string>{
                             "f.yaml:1:4: error: 't' in x must be a single value",
                             "f.yaml:2:4: error: 'f' must be true or false, not 'maybe'",
                             "f.yaml:4:4: error: 'n' must be a whole number from 0 to 65535, not '70000'",
                         });
}

TEST_CASE("number takes a sign only in a dialect with signed numbers", "[yaml]") {
  auto [text, digits_ok, signed_ok] = GENERATE(table<std::string, bool, bool>({
      {"5", true, true},
      {"+5", false, true},
      {"-5", false, true},
      {"0005", true, true},
      {"123456789", true, true},
      {"1234567890", false, true},
      {"5x", false, false},
      {"", false, false},
  }));
  CAPTURE(text);
  YAML::Node node;
  node["n"] = text;
  YamlReader digits("f.yaml");
  YamlReader with_sign("f.yaml", YamlDialect{.signed_numbers = true});
  auto digits_fields = digits.fields(node, "x", {"n"});
  auto signed_fields = with_sign.fields(node, "x", {"n"});
  REQUIRE(digits_fields.has_value());
  REQUIRE(signed_fields.has_value());
  CHECK(digits.number(*digits_fields, "n", -10, 2000000000).has_value() == digits_ok);
  CHECK(with_sign.number(*signed_fields, "n", -10, 2000000000).has_value() == signed_ok);
}

TEST_CASE("list takes one value or a list of values, worded per dialect", "[yaml]") {
  YAML::Node node = YAML::Load("one: a\nmany: [b, {c: 1}, d]\nbad: {e: 1}\n");
  YamlReader reader("f.yaml");
  auto f = reader.fields(node, "x", {"one", "many", "bad", "none"});
  REQUIRE(f.has_value());
  CHECK(reader.list(*f, "one").size() == 1);
  auto many = reader.list(*f, "many");
  REQUIRE(many.size() == 2);
  CHECK(many[1].text == "d");
  CHECK(reader.loc(many[1].node) == "f.yaml:2:19");
  CHECK(reader.list(*f, "bad").empty());
  CHECK(reader.list(*f, "none").empty());
  CHECK(texts(reader) == std::vector<std::string>{
                             "f.yaml:2:11: error: items of 'many' in x must be single values",
                             "f.yaml:3:6: error: 'bad' in x must be a value or a list",
                         });

  YamlReader worded("f.yaml", YamlDialect{.list_shape = "'{}' in {} must be a value or a list of values",
                                          .list_entry = "each entry of '{}' in {} must be a single value"});
  auto g = worded.fields(node, "x", {"one", "many", "bad"});
  REQUIRE(g.has_value());
  worded.list(*g, "many");
  worded.list(*g, "bad");
  CHECK(texts(worded) == std::vector<std::string>{
                             "f.yaml:2:11: error: each entry of 'many' in x must be a single value",
                             "f.yaml:3:6: error: 'bad' in x must be a value or a list of values",
                         });
}

TEST_CASE("errors come out in file order with unplaced ones last, or as reported", "[yaml]") {
  YAML::Node node = YAML::Load("a: 1\nb: 2\n");
  auto fill = [&](YamlReader& reader) {
    reader.error(node["b"], "x", "second line");
    reader.add(Diagnostic{"x", "unplaced", "f.yaml"});
    reader.error(node["a"], "x", "first line");
  };
  YamlReader sorted("f.yaml");
  fill(sorted);
  CHECK(texts(sorted, ErrorOrder::kFileOrder) == std::vector<std::string>{
                                                     "f.yaml:1:4: error: first line",
                                                     "f.yaml:2:4: error: second line",
                                                     "f.yaml: error: unplaced",
                                                 });
  YamlReader as_reported("f.yaml");
  fill(as_reported);
  CHECK(texts(as_reported) == std::vector<std::string>{
                                  "f.yaml:2:4: error: second line",
                                  "f.yaml: error: unplaced",
                                  "f.yaml:1:4: error: first line",
                              });
}

}  // namespace vpcsim::topology
