// Tests for IPv4 addresses, CIDR blocks, protocols and port ranges (topology/ip.h).
#include "topology/ip.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/addresses.h"

namespace vpcsim::topology {
namespace {

using test_support::ip;
using test_support::cidr;

// ---- Ipv4 ------------------------------------------------------------------

TEST_CASE("Ipv4::parse accepts dotted quads and yields the host-order value", "[ip]") {
  auto [text, expected] = GENERATE(table<std::string, uint32_t>({
      {"0.0.0.0", 0x00000000U},
      {"10.0.0.1", 0x0A000001U},
      {"192.168.1.254", 0xC0A801FEU},
      {"172.16.0.0", 0xAC100000U},
      {"8.8.8.8", 0x08080808U},
      {"255.255.255.255", 0xFFFFFFFFU},
      {"1.2.3.4", 0x01020304U},
      {"100.64.0.0", 0x64400000U},
  }));
  CAPTURE(text);
  auto parsed = Ipv4::parse(text);
  REQUIRE(parsed.ok());
  CHECK(parsed->value() == expected);
}

TEST_CASE("Ipv4::parse rejects malformed text with a message naming the input", "[ip]") {
  auto text = GENERATE(as<std::string>{},
                       "010.0.0.1",         // leading zero
                       "10.00.0.1",         // leading zero
                       "10.0.0.01",         // leading zero in the last octet
                       "256.0.0.1",         // octet above 255
                       "10.0.0.256",        // last octet above 255
                       "10.0.0",            // three octets
                       "10.0.0.1.5",        // five octets
                       "",                  // empty
                       " 10.0.0.1",         // leading space
                       "10.0.0.1 ",         // trailing space
                       "10. 0.0.1",         // inner space
                       "10.0.0.1.",         // trailing dot
                       ".10.0.0.1",         // leading dot
                       "10..0.1",           // empty octet
                       "a.b.c.d",           // not digits
                       "-1.0.0.0",          // sign
                       "+1.0.0.0",          // sign
                       "4294967296.0.0.0",  // overflowing octet
                       "10.0.0.0/8");       // a CIDR is not an address
  CAPTURE(text);
  auto parsed = Ipv4::parse(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == "'" + text + "' is not an IPv4 address");
}

TEST_CASE("Ipv4::str prints what parse read", "[ip]") {
  auto text = GENERATE(as<std::string>{}, "0.0.0.0", "10.0.0.1", "172.31.255.255", "192.168.100.7",
                       "255.255.255.255", "52.95.110.1");
  CAPTURE(text);
  CHECK(ip(text).str() == text);
  CHECK(Ipv4(ip(text).value()) == ip(text));
}

TEST_CASE("Ipv4::isPublic is false for special-purpose ranges and true elsewhere", "[ip]") {
  auto [text, expected] = GENERATE(table<std::string, bool>({
      // RFC 1918 private ranges and their edges
      {"10.0.0.0", false},
      {"10.255.255.255", false},
      {"9.255.255.255", true},
      {"11.0.0.0", true},
      {"172.16.0.0", false},
      {"172.31.255.255", false},
      {"172.15.255.255", true},
      {"172.32.0.0", true},
      {"192.168.0.1", false},
      {"192.168.255.255", false},
      {"192.167.255.255", true},
      {"192.169.0.0", true},
      // RFC 6598 shared address space (CGNAT)
      {"100.64.0.0", false},
      {"100.127.255.255", false},
      {"100.63.255.255", true},
      {"100.128.0.0", true},
      // link-local, including the instance metadata service
      {"169.254.0.1", false},
      {"169.254.169.254", false},
      {"169.253.255.255", true},
      // loopback
      {"127.0.0.1", false},
      {"127.255.255.255", false},
      // "this network", multicast, reserved, broadcast
      {"0.0.0.0", false},
      {"224.0.0.1", false},
      {"240.0.0.1", false},
      {"255.255.255.255", false},
      // documentation ranges
      {"192.0.2.1", false},
      {"198.51.100.1", false},
      {"203.0.113.1", false},
      // public internet and AWS addresses
      {"8.8.8.8", true},
      {"1.1.1.1", true},
      {"52.95.110.1", true},
      {"52.216.0.1", true},
      {"54.239.28.85", true},
  }));
  CAPTURE(text);
  CHECK(ip(text).isPublic() == expected);
}

TEST_CASE("Ipv4 orders numerically, not as text", "[ip]") {
  CHECK(ip("9.0.0.0") < ip("10.0.0.0"));
  CHECK(ip("10.0.0.2") < ip("10.0.0.10"));
  CHECK(ip("10.0.0.255") < ip("10.0.1.0"));
  CHECK(ip("255.255.255.255") > ip("0.0.0.0"));
  CHECK(ip("10.0.0.1") == Ipv4(0x0A000001U));
  std::vector<Ipv4> sorted = {ip("10.0.0.10"), ip("9.9.9.9"), ip("10.0.0.2"), ip("192.168.0.1")};
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<Ipv4>{ip("9.9.9.9"), ip("10.0.0.2"), ip("10.0.0.10"), ip("192.168.0.1")});
}

// ---- Cidr ------------------------------------------------------------------

TEST_CASE("Cidr::parse handles the boundary prefixes /0 /16 /28 /32", "[ip][cidr]") {
  auto [text, prefix, first, last, size, mask] =
      GENERATE(table<std::string, int, std::string, std::string, uint64_t, uint32_t>({
          {"0.0.0.0/0", 0, "0.0.0.0", "255.255.255.255", 4294967296ULL, 0x00000000U},
          {"10.0.0.0/8", 8, "10.0.0.0", "10.255.255.255", 16777216ULL, 0xFF000000U},
          {"10.0.0.0/16", 16, "10.0.0.0", "10.0.255.255", 65536ULL, 0xFFFF0000U},
          {"10.0.0.16/28", 28, "10.0.0.16", "10.0.0.31", 16ULL, 0xFFFFFFF0U},
          {"10.0.0.5/32", 32, "10.0.0.5", "10.0.0.5", 1ULL, 0xFFFFFFFFU},
          {"10.0.0.5", 32, "10.0.0.5", "10.0.0.5", 1ULL, 0xFFFFFFFFU},  // a bare address is a /32
          {"128.0.0.0/1", 1, "128.0.0.0", "255.255.255.255", 2147483648ULL, 0x80000000U},
          {"10.0.0.0/31", 31, "10.0.0.0", "10.0.0.1", 2ULL, 0xFFFFFFFEU},
      }));
  CAPTURE(text);
  auto parsed = Cidr::parse(text);
  REQUIRE(parsed.ok());
  CHECK(parsed->prefix() == prefix);
  CHECK(parsed->first() == ip(first));
  CHECK(parsed->base() == ip(first));
  CHECK(parsed->last() == ip(last));
  CHECK(parsed->size() == size);
  CHECK(parsed->mask() == mask);
}

TEST_CASE("Cidr::size counts a /0 in 64 bits as 4294967296 addresses", "[ip][cidr]") {
  Cidr all = cidr("0.0.0.0/0");
  STATIC_REQUIRE(std::is_same_v<decltype(all.size()), uint64_t>);
  CHECK(all.size() == 4294967296ULL);
  CHECK(all.size() == (uint64_t{1} << 32));
}

TEST_CASE("Cidr::str prints the normalised block and round trips through parse", "[ip][cidr]") {
  auto text = GENERATE(as<std::string>{}, "0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/16", "172.31.0.0/20",
                       "10.0.0.16/28", "192.168.1.7/32");
  CAPTURE(text);
  CHECK(cidr(text).str() == text);
  CHECK(cidr(cidr(text).str()) == cidr(text));
}

TEST_CASE("Cidr::parse rejects a prefix above 32 with the range in the message", "[ip][cidr]") {
  auto parsed = Cidr::parse("10.0.0.0/33");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == "prefix length 33 is out of range (0-32)");

  auto loose = Cidr::parseLoose("10.0.0.0/64");
  REQUIRE_FALSE(loose.ok());
  CHECK(loose.error() == "prefix length 64 is out of range (0-32)");
}

TEST_CASE("Cidr::parse rejects host bits and suggests the normalised block", "[ip][cidr]") {
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"10.0.0.1/8", "'10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)"},
      {"10.0.5.0/16", "'10.0.5.0/16' has host bits set (did you mean 10.0.0.0/16?)"},
      {"10.0.0.17/28", "'10.0.0.17/28' has host bits set (did you mean 10.0.0.16/28?)"},
      {"0.0.0.1/0", "'0.0.0.1/0' has host bits set (did you mean 0.0.0.0/0?)"},
      {"192.168.1.77/24", "'192.168.1.77/24' has host bits set (did you mean 192.168.1.0/24?)"},
  }));
  CAPTURE(text);
  auto parsed = Cidr::parse(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == message);
}

TEST_CASE("Cidr::parse rejects malformed blocks with a message naming the input", "[ip][cidr]") {
  auto text = GENERATE(as<std::string>{}, "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/8 ", "10.0.0/8",
                       "10.0.0.0.0/8", "/8", "", "10.0.0.0/x", "256.0.0.0/8", "10.0.0.0//8");
  CAPTURE(text);
  auto parsed = Cidr::parse(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == "'" + text + "' is not an IPv4 CIDR block");
  auto loose = Cidr::parseLoose(text);
  REQUIRE_FALSE(loose.ok());
  CHECK(loose.error() == "'" + text + "' is not an IPv4 CIDR block");
}

TEST_CASE("Cidr::parseLoose clears host bits instead of failing", "[ip][cidr]") {
  auto [text, expected] = GENERATE(table<std::string, std::string>({
      {"10.0.0.1/8", "10.0.0.0/8"},
      {"192.168.1.77/24", "192.168.1.0/24"},
      {"10.0.0.17/28", "10.0.0.16/28"},
      {"255.255.255.255/0", "0.0.0.0/0"},
      {"10.0.0.5/32", "10.0.0.5/32"},
      {"10.0.0.5", "10.0.0.5/32"},
      {"172.31.0.0/16", "172.31.0.0/16"},
  }));
  CAPTURE(text);
  auto parsed = Cidr::parseLoose(text);
  REQUIRE(parsed.ok());
  CHECK(parsed->str() == expected);
}

TEST_CASE("Cidr::of builds the block around an address", "[ip][cidr]") {
  CHECK(Cidr::of(ip("10.1.2.3"), 16) == cidr("10.1.0.0/16"));
  CHECK(Cidr::of(ip("10.1.2.3"), 32) == cidr("10.1.2.3/32"));
  CHECK(Cidr::of(ip("10.1.2.3"), 0) == cidr("0.0.0.0/0"));
  CHECK(Cidr::of(ip("10.1.2.31"), 28) == cidr("10.1.2.16/28"));
}

TEST_CASE("Cidr::contains an address exactly between first and last", "[ip][cidr]") {
  auto [block, address, expected] = GENERATE(table<std::string, std::string, bool>({
      {"0.0.0.0/0", "0.0.0.0", true},
      {"0.0.0.0/0", "255.255.255.255", true},
      {"10.0.0.0/16", "10.0.0.0", true},
      {"10.0.0.0/16", "10.0.255.255", true},
      {"10.0.0.0/16", "10.1.0.0", false},
      {"10.0.0.0/16", "9.255.255.255", false},
      {"10.0.0.16/28", "10.0.0.15", false},
      {"10.0.0.16/28", "10.0.0.16", true},
      {"10.0.0.16/28", "10.0.0.31", true},
      {"10.0.0.16/28", "10.0.0.32", false},
      {"10.0.0.5/32", "10.0.0.5", true},
      {"10.0.0.5/32", "10.0.0.4", false},
      {"10.0.0.5/32", "10.0.0.6", false},
  }));
  CAPTURE(block, address);
  CHECK(cidr(block).contains(ip(address)) == expected);
}

TEST_CASE("Cidr::contains and overlaps tell nested, equal, overlapping and adjacent blocks apart", "[ip][cidr]") {
  auto [a, b, a_contains_b, b_contains_a, overlap] = GENERATE(table<std::string, std::string, bool, bool, bool>({
      {"10.0.0.0/16", "10.0.1.0/24", true, false, true},    // nested
      {"10.0.0.0/16", "10.0.0.0/16", true, true, true},     // equal
      {"10.0.0.0/16", "10.0.0.0/17", true, false, true},    // same base, longer prefix
      {"0.0.0.0/0", "10.0.0.0/8", true, false, true},       // /0 holds everything
      {"0.0.0.0/0", "255.255.255.255/32", true, false, true},
      {"10.0.0.0/24", "10.0.1.0/24", false, false, false},  // adjacent
      {"10.0.0.0/25", "10.0.0.128/25", false, false, false},  // adjacent halves
      {"10.0.0.0/8", "11.0.0.0/8", false, false, false},    // adjacent /8s
      {"10.0.0.0/28", "10.0.0.15/32", true, false, true},   // last address of the /28
      {"10.0.0.0/28", "10.0.0.16/32", false, false, false},  // first address after it
      {"10.0.0.0/28", "10.0.0.16/28", false, false, false},  // adjacent /28s
      {"172.16.0.0/12", "172.31.255.0/24", true, false, true},
      {"192.168.0.0/16", "10.0.0.0/8", false, false, false},  // disjoint
  }));
  CAPTURE(a, b);
  CHECK(cidr(a).contains(cidr(b)) == a_contains_b);
  CHECK(cidr(b).contains(cidr(a)) == b_contains_a);
  CHECK(cidr(a).overlaps(cidr(b)) == overlap);
  CHECK(cidr(b).overlaps(cidr(a)) == overlap);
}

TEST_CASE("Cidr orders by base address, then by prefix length", "[ip][cidr]") {
  CHECK(cidr("10.0.0.0/8") < cidr("10.0.0.0/16"));
  CHECK(cidr("10.0.0.0/16") < cidr("10.1.0.0/16"));
  CHECK(cidr("9.0.0.0/8") < cidr("10.0.0.0/8"));
  CHECK(cidr("10.0.0.0/16") == cidr("10.0.0.0/16"));
  CHECK(cidr("10.0.0.0/16") != cidr("10.0.0.0/17"));
  std::vector<Cidr> sorted = {cidr("10.1.0.0/16"), cidr("10.0.0.0/16"), cidr("9.0.0.0/8"), cidr("10.0.0.0/8")};
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<Cidr>{cidr("9.0.0.0/8"), cidr("10.0.0.0/8"), cidr("10.0.0.0/16"), cidr("10.1.0.0/16")});
}

// ---- protocols and ports -----------------------------------------------------

TEST_CASE("parseProtocol reads AWS protocol names and numbers", "[ip][protocol]") {
  auto [text, expected] = GENERATE(table<std::string, int>({
      {"-1", kProtocolAll},
      {"all", kProtocolAll},
      {"any", kProtocolAll},
      {"tcp", kProtocolTcp},
      {"6", kProtocolTcp},
      {"udp", kProtocolUdp},
      {"17", kProtocolUdp},
      {"icmp", kProtocolIcmp},
      {"1", kProtocolIcmp},
      {"icmpv6", kProtocolIcmpv6},
      {"58", kProtocolIcmpv6},
      {"0", 0},
      {"47", 47},
      {"255", 255},
  }));
  CAPTURE(text);
  auto parsed = parseProtocol(text);
  REQUIRE(parsed.ok());
  CHECK(*parsed == expected);
}

TEST_CASE("parseProtocol rejects unknown names and numbers above 255", "[ip][protocol]") {
  auto text = GENERATE(as<std::string>{}, "256", "foo", "", "-2", "1000", " tcp", "6 ");
  CAPTURE(text);
  auto parsed = parseProtocol(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == "'" + text + "' is not a protocol (tcp, udp, icmp, -1 or 0-255)");
}

TEST_CASE("protocolName prints names for the common protocols and numbers otherwise", "[ip][protocol]") {
  auto [protocol, name] = GENERATE(table<int, std::string>({
      {kProtocolAll, "all"},
      {kProtocolTcp, "tcp"},
      {kProtocolUdp, "udp"},
      {kProtocolIcmp, "icmp"},
      {kProtocolIcmpv6, "icmpv6"},
      {47, "47"},
      {0, "0"},
  }));
  CAPTURE(protocol);
  CHECK(protocolName(protocol) == name);
}

TEST_CASE("PortRange contains its inclusive bounds and nothing outside them", "[ip][ports]") {
  auto [from, to, port, expected] = GENERATE(table<int, int, int, bool>({
      {0, 65535, 0, true},
      {0, 65535, 65535, true},
      {1024, 65535, 1023, false},
      {1024, 65535, 1024, true},
      {1024, 65535, 65535, true},
      {0, 1023, 1023, true},
      {0, 1023, 1024, false},
      {22, 22, 21, false},
      {22, 22, 22, true},
      {22, 22, 23, false},
      {0, 0, 0, true},
      {0, 0, 1, false},
  }));
  CAPTURE(from, to, port);
  CHECK(PortRange{from, to}.contains(port) == expected);
}

TEST_CASE("PortRange prints all ports, a single port or a span", "[ip][ports]") {
  auto [from, to, all, text] = GENERATE(table<int, int, bool, std::string>({
      {0, 65535, true, "all ports"},
      {1, 65535, false, "1-65535"},
      {0, 65534, false, "0-65534"},
      {1024, 65535, false, "1024-65535"},
      {443, 443, false, "443"},
      {0, 0, false, "0"},
      {65535, 65535, false, "65535"},
  }));
  CAPTURE(from, to);
  PortRange range{from, to};
  CHECK(range.all() == all);
  CHECK(range.str() == text);
}

TEST_CASE("A default PortRange covers every port", "[ip][ports]") {
  PortRange range;
  CHECK(range.all());
  CHECK(range == PortRange{0, 65535});
  CHECK(PortRange{22, 22} < PortRange{80, 80});
}

}  // namespace
}  // namespace vpcsim::topology
