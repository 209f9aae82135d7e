// Tests for IPv6 addresses and CIDR blocks (topology/ip.h: Ipv6, Cidr6).
#include "topology/ip.h"

#include <cstdint>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/support/addresses.h"

namespace vpcsim::topology {
namespace {

using test_support::cidr6;
using test_support::ip6;

// ---- Ipv6 ------------------------------------------------------------------

TEST_CASE("Ipv6::parse reads full, compressed and mixed forms into their 128 bits", "[ip][ipv6]") {
  auto [text, high, low] = GENERATE(table<std::string, uint64_t, uint64_t>({
      {"::", 0, 0},
      {"::1", 0, 1},
      {"1::", 0x0001000000000000ULL, 0},
      {"2001:db8::1", 0x20010DB800000000ULL, 1},
      {"2001:DB8::1", 0x20010DB800000000ULL, 1},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", 0x20010DB800000000ULL, 1},
      {"2001:db8:0:0:0:0:0:1", 0x20010DB800000000ULL, 1},
      {"1:2:3:4:5:6:7:8", 0x0001000200030004ULL, 0x0005000600070008ULL},
      {"1:2:3:4:5:6:7::", 0x0001000200030004ULL, 0x0005000600070000ULL},  // "::" for one group
      {"::2:3:4:5:6:7:8", 0x0000000200030004ULL, 0x0005000600070008ULL},
      {"1::8", 0x0001000000000000ULL, 8},
      {"fe80::1:2", 0xFE80000000000000ULL, 0x0000000000010002ULL},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ~0ULL, ~0ULL},
      {"::ffff:1.2.3.4", 0, 0x0000FFFF01020304ULL},  // IPv4-mapped
      {"::FFFF:255.255.255.255", 0, 0x0000FFFFFFFFFFFFULL},
      {"::1.2.3.4", 0, 0x01020304ULL},  // IPv4-compatible (deprecated, still valid text)
      {"64:ff9b::192.0.2.33", 0x0064FF9B00000000ULL, 0xC0000221ULL},  // NAT64 well-known prefix
      {"1:2:3:4:5:6:1.2.3.4", 0x0001000200030004ULL, 0x0005000601020304ULL},
  }));
  CAPTURE(text);
  auto parsed = Ipv6::parse(text);
  REQUIRE(parsed.ok());
  CHECK(parsed->high() == high);
  CHECK(parsed->low() == low);
}

TEST_CASE("Ipv6::parse rejects malformed text with a message naming the input", "[ip][ipv6]") {
  auto text = GENERATE(as<std::string>{},
                       "",                         // empty
                       ":",                        // lone colon
                       ":::",                      // three colons
                       "1:::2",                    // three colons inside
                       "1::2::3",                  // two "::"
                       "::1::",                    // two "::"
                       "1:2:3:4:5:6:7",            // seven groups, no "::"
                       "1:2:3:4:5:6:7:8:9",        // nine groups
                       "1:2:3:4:5:6:7:8::",        // "::" with eight groups already
                       "::1:2:3:4:5:6:7:8",        // "::" with eight groups already
                       "1:2:3::4:5:6:7:8",         // "::" with eight groups already
                       "12345::",                  // five hex digits
                       "g::",                      // not hex
                       ":1::",                     // single leading colon
                       "1::2:",                    // single trailing colon
                       "1:2:3:4:5:6:7:8:",         // single trailing colon
                       "fe80::1%eth0",             // zone ID
                       "[::1]",                    // brackets
                       " ::1",                     // leading space
                       "::1 ",                     // trailing space
                       "1.2.3.4",                  // IPv4 alone
                       "::1.2.3",                  // short dotted quad
                       "::256.0.0.1",              // octet above 255
                       "::ffff:01.2.3.4",          // leading zero in the dotted quad
                       "::1.2.3.4:5",              // dotted quad not last
                       "1:2:3:4:5:6:7:1.2.3.4",    // dotted quad after seven groups
                       "2001:db8::/32",            // a block is not an address
                       "-1::",                     // sign
                       "0x1::");                   // hex prefix
  CAPTURE(text);
  auto parsed = Ipv6::parse(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == "'" + text + "' is not an IPv6 address");
}

TEST_CASE("Ipv6::str prints the RFC 5952 canonical form", "[ip][ipv6]") {
  auto [text, canonical] = GENERATE(table<std::string, std::string>({
      {"2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},  // lowercase, no leading zeros
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},              // the first of equal runs
      {"2001:0:0:1:0:0:0:1", "2001:0:0:1::1"},                    // the longest run
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},           // one zero group stays
      {"0:1:0:0:0:1:0:0", "0:1::1:0:0"},
      {"0:0:0:0:0:0:0:0", "::"},
      {"0:0:0:0:0:0:0:1", "::1"},
      {"1:0:0:0:0:0:0:0", "1::"},
      {"1:0:0:0:0:0:0:1", "1::1"},
      {"0:0:1:0:0:0:0:0", "0:0:1::"},
      {"2001:db8::0:1", "2001:db8::1"},
      {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
      {"FE80::ABCD", "fe80::abcd"},
      {"::ffff:102:304", "::ffff:1.2.3.4"},    // IPv4-mapped keeps a dotted quad
      {"::ffff:0.0.0.0", "::ffff:0.0.0.0"},
      {"::1.2.3.4", "::102:304"},              // IPv4-compatible does not
      {"64:ff9b::192.0.2.33", "64:ff9b::c000:221"},
      {"::fffe:1.2.3.4", "::fffe:102:304"},
      {"2600:1f18:0abc:de00::", "2600:1f18:abc:de00::"},
  }));
  CAPTURE(text);
  CHECK(ip6(text).str() == canonical);
  CHECK(ip6(canonical) == ip6(text));
  CHECK(ip6(canonical).str() == canonical);
}

TEST_CASE("Ipv6::str round trips through parse for every single-bit address", "[ip][ipv6]") {
  for (int bit = 0; bit < 128; ++bit) {
    Ipv6 address = bit < 64 ? Ipv6(0, uint64_t{1} << bit) : Ipv6(uint64_t{1} << (bit - 64), 0);
    CAPTURE(bit, address.str());
    auto back = Ipv6::parse(address.str());
    REQUIRE(back.ok());
    CHECK(*back == address);
  }
}

TEST_CASE("Ipv6 orders numerically, the high half first", "[ip][ipv6]") {
  std::vector<std::string> ascending = {"::", "::1", "::ffff:ffff", "::1:0:0:0", "0:0:0:1::", "1::", "2001:db8::",
                                        "fe80::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"};
  for (size_t i = 0; i + 1 < ascending.size(); ++i) {
    CAPTURE(ascending[i], ascending[i + 1]);
    CHECK(ip6(ascending[i]) < ip6(ascending[i + 1]));
    CHECK_FALSE(ip6(ascending[i + 1]) < ip6(ascending[i]));
  }
  CHECK(ip6("2001:db8::1") == ip6("2001:DB8:0::1"));
}

TEST_CASE("Ipv6::group returns the eight groups most significant first", "[ip][ipv6]") {
  Ipv6 address = ip6("1:2:3:4:5:6:7:8");
  for (int i = 0; i < 8; ++i) {
    CAPTURE(i);
    CHECK(address.group(i) == i + 1);
  }
}

// ---- Cidr6 -----------------------------------------------------------------

TEST_CASE("Cidr6 handles every prefix length from 0 to 128", "[ip][ipv6][cidr]") {
  Ipv6 ones(~0ULL, ~0ULL);
  for (int prefix = 0; prefix <= 128; ++prefix) {
    CAPTURE(prefix);
    Cidr6 block = Cidr6::of(ones, prefix);
    CHECK(block.prefix() == prefix);
    CHECK(block.hostBits() == 128 - prefix);
    CHECK(block.last() == ones);
    CHECK(block.contains(ones));
    // The base keeps exactly the top `prefix` bits.
    uint64_t high = prefix == 0 ? 0 : prefix >= 64 ? ~0ULL : ~0ULL << (64 - prefix);
    uint64_t low = prefix <= 64 ? 0 : prefix == 128 ? ~0ULL : ~0ULL << (128 - prefix);
    CHECK(block.base() == Ipv6(high, low));
    auto back = Cidr6::parse(block.str());
    REQUIRE(back.ok());
    CHECK(*back == block);
    // The address just below the block is outside it, except for /0.
    if (prefix > 0) {
      Ipv6 below = low != 0 ? Ipv6(high, low - 1) : Ipv6(high - 1, ~0ULL);
      CHECK_FALSE(block.contains(below));
    }
  }
}

TEST_CASE("Cidr6::parse reads blocks and reports first, last and size", "[ip][ipv6][cidr]") {
  auto [text, first, last, host_bits] = GENERATE(table<std::string, std::string, std::string, int>({
      {"::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128},
      {"2600:1f18:abc:de00::/56", "2600:1f18:abc:de00::", "2600:1f18:abc:deff:ffff:ffff:ffff:ffff", 72},
      {"2600:1f18:abc:de01::/64", "2600:1f18:abc:de01::", "2600:1f18:abc:de01:ffff:ffff:ffff:ffff", 64},
      {"2001:db8::/63", "2001:db8::", "2001:db8:0:1:ffff:ffff:ffff:ffff", 65},
      {"2001:db8::/65", "2001:db8::", "2001:db8::7fff:ffff:ffff:ffff", 63},
      {"2001:db8::1", "2001:db8::1", "2001:db8::1", 0},  // a bare address is a /128
      {"64:ff9b::/96", "64:ff9b::", "64:ff9b::ffff:ffff", 32},
      {"::ffff:0.0.0.0/96", "::ffff:0.0.0.0", "::ffff:255.255.255.255", 32},
  }));
  CAPTURE(text);
  Cidr6 block = cidr6(text);
  CHECK(block.first() == ip6(first));
  CHECK(block.base() == ip6(first));
  CHECK(block.last() == ip6(last));
  CHECK(block.hostBits() == host_bits);
}

TEST_CASE("Cidr6::str prints the normalised block and round trips through parse", "[ip][ipv6][cidr]") {
  auto [text, canonical] = GENERATE(table<std::string, std::string>({
      {"::/0", "::/0"},
      {"2600:1F18:0ABC:DE00::/56", "2600:1f18:abc:de00::/56"},
      {"2001:db8:0:0:0:0:0:0/32", "2001:db8::/32"},
      {"2001:db8::1", "2001:db8::1/128"},
      {"fe80::/10", "fe80::/10"},
  }));
  CAPTURE(text);
  CHECK(cidr6(text).str() == canonical);
  CHECK(cidr6(canonical) == cidr6(text));
}

TEST_CASE("Cidr6::parse rejects host bits and suggests the normalised block, as Cidr does", "[ip][ipv6][cidr]") {
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"2001:db8::1/64", "'2001:db8::1/64' has host bits set (did you mean 2001:db8::/64?)"},
      {"2600:1f18:abc:de01::/56", "'2600:1f18:abc:de01::/56' has host bits set (did you mean 2600:1f18:abc:de00::/56?)"},
      {"::1/0", "'::1/0' has host bits set (did you mean ::/0?)"},
      {"2001:db8::1/127", "'2001:db8::1/127' has host bits set (did you mean 2001:db8::/127?)"},
      {"2001:db8:0:1::/63", "'2001:db8:0:1::/63' has host bits set (did you mean 2001:db8::/63?)"},
  }));
  CAPTURE(text);
  auto parsed = Cidr6::parse(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == message);
}

TEST_CASE("Cidr6::parseLoose clears host bits instead of failing", "[ip][ipv6][cidr]") {
  auto [text, expected] = GENERATE(table<std::string, std::string>({
      {"2001:db8::1/64", "2001:db8::/64"},
      {"2001:db8:0:1::/63", "2001:db8::/63"},
      {"ffff::1/0", "::/0"},
      {"2001:db8::1/128", "2001:db8::1/128"},
      {"2001:db8::1", "2001:db8::1/128"},
  }));
  CAPTURE(text);
  auto parsed = Cidr6::parseLoose(text);
  REQUIRE(parsed.ok());
  CHECK(parsed->str() == expected);
}

TEST_CASE("Cidr6::parse rejects a prefix above 128 with the range in the message", "[ip][ipv6][cidr]") {
  for (const char* text : {"::/129", "2001:db8::/200"}) {
    CAPTURE(text);
    auto parsed = Cidr6::parse(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error() == "prefix length " + std::string(text).substr(std::string(text).find('/') + 1) +
                                " is out of range (0-128)");
    auto loose = Cidr6::parseLoose(text);
    REQUIRE_FALSE(loose.ok());
  }
}

TEST_CASE("Cidr6::parse rejects malformed blocks with a message naming the input", "[ip][ipv6][cidr]") {
  auto text = GENERATE(as<std::string>{}, "::/", "::/-1", "::/064", "::/64 ", "/64", "", "::/x", "2001:db8::/6/4",
                       "2001:db8:::/32", "10.0.0.0/8", "fe80::%eth0/64", "::/4294967296");
  CAPTURE(text);
  auto parsed = Cidr6::parse(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == "'" + text + "' is not an IPv6 CIDR block");
  auto loose = Cidr6::parseLoose(text);
  REQUIRE_FALSE(loose.ok());
  CHECK(loose.error() == "'" + text + "' is not an IPv6 CIDR block");
}

TEST_CASE("Cidr6::contains an address exactly between first and last", "[ip][ipv6][cidr]") {
  auto [block, address, expected] = GENERATE(table<std::string, std::string, bool>({
      {"::/0", "::", true},
      {"::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true},
      {"2600:1f18:abc:de00::/56", "2600:1f18:abc:de00::", true},
      {"2600:1f18:abc:de00::/56", "2600:1f18:abc:deff:ffff:ffff:ffff:ffff", true},
      {"2600:1f18:abc:de00::/56", "2600:1f18:abc:df00::", false},
      {"2600:1f18:abc:de00::/56", "2600:1f18:abc:ddff:ffff:ffff:ffff:ffff", false},
      {"2001:db8::/64", "2001:db8::ffff:ffff:ffff:ffff", true},
      {"2001:db8::/64", "2001:db8:0:1::", false},
      {"2001:db8::/65", "2001:db8::8000:0:0:0", false},
      {"2001:db8::/65", "2001:db8::7fff:ffff:ffff:ffff", true},
      {"2001:db8::1/128", "2001:db8::1", true},
      {"2001:db8::1/128", "2001:db8::2", false},
      {"2001:db8::1/128", "2001:db8::", false},
  }));
  CAPTURE(block, address);
  CHECK(cidr6(block).contains(ip6(address)) == expected);
}

TEST_CASE("Cidr6::contains and overlaps tell nested, equal, overlapping and adjacent blocks apart", "[ip][ipv6][cidr]") {
  auto [a, b, a_contains_b, b_contains_a, overlap] = GENERATE(table<std::string, std::string, bool, bool, bool>({
      {"2600:1f18:abc:de00::/56", "2600:1f18:abc:de01::/64", true, false, true},  // nested
      {"2001:db8::/32", "2001:db8::/32", true, true, true},                      // equal
      {"::/0", "2001:db8::/32", true, false, true},                              // /0 holds everything
      {"2001:db8::/64", "2001:db8:0:1::/64", false, false, false},               // adjacent
      {"2001:db8::/65", "2001:db8::8000:0:0:0/65", false, false, false},         // adjacent halves
      {"2001:db8::/63", "2001:db8:0:1::/64", true, false, true},                 // across the half boundary
  }));
  CAPTURE(a, b);
  CHECK(cidr6(a).contains(cidr6(b)) == a_contains_b);
  CHECK(cidr6(b).contains(cidr6(a)) == b_contains_a);
  CHECK(cidr6(a).overlaps(cidr6(b)) == overlap);
  CHECK(cidr6(b).overlaps(cidr6(a)) == overlap);
}

TEST_CASE("Cidr6 orders by base, then by prefix length", "[ip][ipv6][cidr]") {
  CHECK(cidr6("2001:db8::/32") < cidr6("2001:db8::/48"));
  CHECK(cidr6("2001:db8::/48") < cidr6("2001:db9::/32"));
  CHECK(cidr6("::/0") < cidr6("::1/128"));
}

// ---- Ipv6Block ---------------------------------------------------------------

TEST_CASE("Ipv6Block holds a known block as its CIDR", "[ip][ipv6]") {
  auto parsed = Ipv6Block::parse("2600:1f18:abc:de00::/56");
  REQUIRE(parsed.ok());
  CHECK(parsed->known());
  CHECK(parsed->cidr() == cidr6("2600:1f18:abc:de00::/56"));
  CHECK(parsed->prefix() == 56);
  CHECK(parsed->str() == "2600:1f18:abc:de00::/56");
  CHECK(*parsed == Ipv6Block(cidr6("2600:1f18:abc:de00::/56")));
  CHECK(Ipv6Block().str() == "::/0");
}

TEST_CASE("Ipv6Block keeps an Amazon-provided block unknown and numbers its parts", "[ip][ipv6]") {
  Ipv6Block pool = Ipv6Block::assigned("amazon-provided", "vpc-cidr-assoc-1", 56);
  CHECK_FALSE(pool.known());
  CHECK(pool.prefix() == 56);
  CHECK(pool.anchorPrefix() == 56);
  CHECK(pool.str() == "amazon-provided(vpc-cidr-assoc-1)/56");
  auto first = pool.subblock(0, 64);
  auto third = pool.subblock(3, 64);
  auto last = pool.subblock(255, 64);
  REQUIRE(first.ok());
  REQUIRE(third.ok());
  REQUIRE(last.ok());
  CHECK(first->str() == "amazon-provided(vpc-cidr-assoc-1)/56#0/64");
  CHECK(third->str() == "amazon-provided(vpc-cidr-assoc-1)/56#3/64");
  CHECK(last->str() == "amazon-provided(vpc-cidr-assoc-1)/56#255/64");
  CHECK(third->cidr() == cidr6("0:0:0:3::/64"));  // the offset inside the unknown /56
  CHECK_FALSE(third->known());
  CHECK(*first != *third);
  // Parts of parts keep counting from the anchor.
  auto nested = pool.subblock(1, 60);
  REQUIRE(nested.ok());
  auto inner = nested->subblock(2, 64);
  REQUIRE(inner.ok());
  CHECK(inner->str() == "amazon-provided(vpc-cidr-assoc-1)/56#18/64");
  // Another anchor is another block, even with the same offset.
  CHECK(*Ipv6Block::assigned("amazon-provided", "vpc-cidr-assoc-2", 56).subblock(3, 64) != *third);
}

TEST_CASE("Ipv6Block::subblock numbers known blocks as Fn::Cidr does", "[ip][ipv6]") {
  Ipv6Block vpc(cidr6("2600:1f18:abc:de00::/56"));
  auto [index, prefix, expected] = GENERATE(table<uint64_t, int, std::string>({
      {0, 64, "2600:1f18:abc:de00::/64"},
      {1, 64, "2600:1f18:abc:de01::/64"},
      {255, 64, "2600:1f18:abc:deff::/64"},
      {0, 56, "2600:1f18:abc:de00::/56"},
      {1, 57, "2600:1f18:abc:de80::/57"},
      {5, 128, "2600:1f18:abc:de00::5/128"},
  }));
  CAPTURE(index, prefix);
  auto part = vpc.subblock(index, prefix);
  REQUIRE(part.ok());
  CHECK(part->known());
  CHECK(part->str() == expected);
}

TEST_CASE("Ipv6Block::subblock refuses parts that do not fit", "[ip][ipv6]") {
  Ipv6Block vpc(cidr6("2600:1f18:abc:de00::/56"));
  Ipv6Block unknown = Ipv6Block::assigned("amazon-provided", "a", 56);
  auto [block, index, prefix, message] = GENERATE_COPY(table<Ipv6Block, uint64_t, int, std::string>({
      {vpc, 0, 48, "a /48 does not fit in 2600:1f18:abc:de00::/56"},
      {vpc, 0, 129, "a /129 does not fit in 2600:1f18:abc:de00::/56"},
      {vpc, 256, 64, "2600:1f18:abc:de00::/56 holds no /64 number 256 (it holds 256)"},
      {unknown, 2, 57, "amazon-provided(a)/56 holds no /57 number 2 (it holds 2)"},
      {unknown, 0, 128, "cannot place a /128 inside the unknown amazon-provided(a)/56 (more than 64 bits deeper)"},
  }));
  CAPTURE(block.str(), index, prefix);
  auto part = block.subblock(index, prefix);
  REQUIRE_FALSE(part.ok());
  CHECK(part.error() == message);
}

TEST_CASE("Ipv6Block::parse reads back what str prints", "[ip][ipv6]") {
  auto text = GENERATE(as<std::string>{}, "::/0", "2001:db8::/32", "amazon-provided(vpc-cidr-assoc-1)/56",
                       "amazon-provided(vpc-cidr-assoc-1)/56#0/64", "amazon-provided(Ipv6Block)/56#255/64",
                       "ipam-pool-0abc(vpc-cidr-assoc-9)/52#7/60");
  CAPTURE(text);
  auto parsed = Ipv6Block::parse(text);
  REQUIRE(parsed.ok());
  CHECK(parsed->str() == text);
}

TEST_CASE("Ipv6Block::parse rejects malformed text with a message naming the input", "[ip][ipv6]") {
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"2001:db8::1/64", "'2001:db8::1/64' has host bits set (did you mean 2001:db8::/64?)"},
      {"10.0.0.0/8", "'10.0.0.0/8' is not an IPv6 CIDR block"},
      {"amazon-provided()/56", "'amazon-provided()/56' is not an IPv6 block (a CIDR block, POOL(ANCHOR)/N or POOL(ANCHOR)/N#I/M)"},
      {"(x)/56", "'(x)/56' is not an IPv6 block (a CIDR block, POOL(ANCHOR)/N or POOL(ANCHOR)/N#I/M)"},
      {"amazon-provided(x)", "'amazon-provided(x)' is not an IPv6 block (a CIDR block, POOL(ANCHOR)/N or POOL(ANCHOR)/N#I/M)"},
      {"amazon-provided(x)/129", "'amazon-provided(x)/129' is not an IPv6 block (a CIDR block, POOL(ANCHOR)/N or POOL(ANCHOR)/N#I/M)"},
      {"amazon-provided(x)/56#3", "'amazon-provided(x)/56#3' is not an IPv6 block (a CIDR block, POOL(ANCHOR)/N or POOL(ANCHOR)/N#I/M)"},
      {"amazon-provided(x)/56#03/64", "'amazon-provided(x)/56#03/64' is not an IPv6 block (a CIDR block, POOL(ANCHOR)/N or POOL(ANCHOR)/N#I/M)"},
      {"amazon-provided(x)/56#1/56", "'amazon-provided(x)/56#1/56' is not an IPv6 block (a CIDR block, POOL(ANCHOR)/N or POOL(ANCHOR)/N#I/M)"},
      {"amazon provided(x)/56", "'amazon provided(x)/56' is not an IPv6 block (a CIDR block, POOL(ANCHOR)/N or POOL(ANCHOR)/N#I/M)"},
      {"amazon-provided(x)/56#256/64", "amazon-provided(x)/56 holds no /64 number 256 (it holds 256)"},
  }));
  CAPTURE(text);
  auto parsed = Ipv6Block::parse(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error() == message);
}

}  // namespace
}  // namespace vpcsim::topology
