// Address helpers for tests: parse or fail the test.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "topology/ip.h"

namespace vpcsim::test_support {

/// The address `text` names; the test fails when it does not parse.
inline topology::Ipv4 ip(const std::string& text) {
  auto parsed = topology::Ipv4::parse(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

/// The block `text` names; the test fails when it does not parse.
inline topology::Cidr cidr(const std::string& text) {
  auto parsed = topology::Cidr::parse(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

/// The IPv6 address `text` names; the test fails when it does not parse.
inline topology::Ipv6 ip6(const std::string& text) {
  auto parsed = topology::Ipv6::parse(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

/// The IPv6 block `text` names; the test fails when it does not parse.
inline topology::Cidr6 cidr6(const std::string& text) {
  auto parsed = topology::Cidr6::parse(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

}  // namespace vpcsim::test_support
