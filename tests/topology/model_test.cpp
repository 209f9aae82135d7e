// Tests for the topology model's lookups (topology/model.h): an instance's interfaces.
#include "topology/model.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace vpcsim::topology {
namespace {

Eni attached(const std::string& id, const std::string& instance, int device) {
  Eni eni;
  eni.meta.id = id;
  eni.instance_id = instance;
  eni.device_index = device;
  return eni;
}

std::vector<std::string> ids(const std::vector<const Eni*>& enis) {
  std::vector<std::string> out;
  for (const Eni* eni : enis) out.push_back(eni->meta.id);
  return out;
}

TEST_CASE("an instance's interfaces come from describe-instances, else from the attachments that name it",
          "[model]") {
  Topology topo;
  topo.enis = {attached("eni-1", "i-a", 1), attached("eni-2", "i-a", 0), attached("eni-3", "i-a", -1),
               attached("eni-0", "i-a", -1), attached("eni-4", "i-b", 0), attached("eni-5", "", -1)};
  topo.finalize();
  SECTION("attachments only: by device index, unknown last, then by ID") {
    CHECK(ids(topo.instanceInterfaces("i-a")) == std::vector<std::string>{"eni-2", "eni-1", "eni-0", "eni-3"});
    CHECK(ids(topo.instanceInterfaces("i-b")) == std::vector<std::string>{"eni-4"});
    CHECK(topo.instanceInterfaces("i-c").empty());
    CHECK(topo.instanceInterfaces("").empty());
    CHECK(topo.attachedInstanceIds() == std::vector<std::string>{"i-a", "i-b"});
  }
  SECTION("a describe-instances record wins, in its own order, where it names interfaces of the input") {
    Instance a;
    a.meta.id = "i-a";
    a.eni_ids = {"eni-3", "eni-gone", "eni-1"};
    Instance b;
    b.meta.id = "i-b";
    b.eni_ids = {"eni-gone"};
    topo.instances = {a, b};
    topo.finalize();
    CHECK(ids(topo.instanceInterfaces("i-a")) == std::vector<std::string>{"eni-3", "eni-1"});
    // None of i-b's listed interfaces is in the input: its attachments stand in.
    CHECK(ids(topo.instanceInterfaces("i-b")) == std::vector<std::string>{"eni-4"});
    CHECK(topo.attachedInstanceIds().empty());
  }
}

}  // namespace
}  // namespace vpcsim::topology
