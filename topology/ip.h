// IPv4 and IPv6 addresses, CIDR blocks and port ranges as value types that cannot be invalid.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "topology/result.h"

namespace vpcsim::topology {

/// An IPv4 address; built only by parse() or from a host-order integer.
class Ipv4 {
 public:
  constexpr Ipv4() = default;
  constexpr explicit Ipv4(uint32_t value) : value_(value) {}

  /// Parses dotted-quad text ("10.0.0.1"); rejects leading zeros, missing or
  /// extra octets and octets above 255.
  static Result<Ipv4> parse(std::string_view text);

  [[nodiscard]] constexpr uint32_t value() const { return value_; }
  [[nodiscard]] std::string str() const;
  /// True for addresses routable on the public internet: outside every
  /// range of kSpecialPurposeRanges.
  [[nodiscard]] bool isPublic() const;

  constexpr auto operator<=>(const Ipv4&) const = default;

 private:
  uint32_t value_ = 0;
};

class IpAddress;

/// A normalised IPv4 CIDR block (host bits are zero).
class Cidr {
 public:
  constexpr Cidr() = default;

  /// Parses "A.B.C.D/N"; a bare address is a /32. Host bits set below the
  /// prefix are an error ("10.0.0.1/8 has host bits set"), as AWS rejects them.
  static Result<Cidr> parse(std::string_view text);
  /// Like parse() but silently clears host bits (for AWS fields that accept them).
  static Result<Cidr> parseLoose(std::string_view text);
  /// Builds the block of `prefix` bits around `address`, clearing host bits.
  static Cidr of(Ipv4 address, int prefix);

  [[nodiscard]] constexpr Ipv4 base() const { return base_; }
  [[nodiscard]] constexpr int prefix() const { return prefix_; }
  [[nodiscard]] constexpr uint32_t mask() const {
    return prefix_ == 0 ? 0U : ~0U << (32 - prefix_);
  }
  [[nodiscard]] constexpr Ipv4 first() const { return base_; }
  [[nodiscard]] constexpr Ipv4 last() const { return Ipv4(base_.value() | ~mask()); }
  /// Number of addresses, 1 (/32) to 2^32 (/0).
  [[nodiscard]] constexpr uint64_t size() const { return uint64_t{1} << (32 - prefix_); }
  [[nodiscard]] constexpr bool contains(Ipv4 address) const {
    return (address.value() & mask()) == base_.value();
  }
  /// An IPv4 block holds no IPv6 address.
  [[nodiscard]] bool contains(const IpAddress& address) const;
  [[nodiscard]] constexpr bool contains(const Cidr& other) const {
    return other.prefix_ >= prefix_ && contains(other.base_);
  }
  [[nodiscard]] constexpr bool overlaps(const Cidr& other) const {
    return contains(other.base_) || other.contains(base_);
  }
  [[nodiscard]] std::string str() const;

  constexpr auto operator<=>(const Cidr&) const = default;

 private:
  Ipv4 base_;
  int prefix_ = 0;
};

/// An IPv6 address as two host-order 64-bit halves; built only by parse()
/// or from its halves. Ordered numerically.
class Ipv6 {
 public:
  constexpr Ipv6() = default;
  constexpr Ipv6(uint64_t high, uint64_t low) : high_(high), low_(low) {}

  /// Parses RFC 4291 text: eight groups of one to four hex digits (either
  /// case), one `::` standing for one or more zero groups, and an optional
  /// dotted-quad IPv4 address as the last 32 bits ("::ffff:1.2.3.4").
  /// Rejects zone IDs ("fe80::1%eth0"), brackets, spaces, a second `::`,
  /// groups of five digits and too many or too few groups.
  static Result<Ipv6> parse(std::string_view text);

  [[nodiscard]] constexpr uint64_t high() const { return high_; }
  [[nodiscard]] constexpr uint64_t low() const { return low_; }
  /// Group `index` (0-7, most significant first).
  [[nodiscard]] constexpr uint16_t group(int index) const {
    uint64_t half = index < 4 ? high_ : low_;
    return static_cast<uint16_t>(half >> (16 * (3 - index % 4)));
  }
  /// RFC 5952 canonical text: lowercase, no leading zeros, the longest run
  /// of two or more zero groups (the first of equal runs) as `::`, and
  /// IPv4-mapped addresses (::ffff:0:0/96) with a dotted quad.
  [[nodiscard]] std::string str() const;

  constexpr auto operator<=>(const Ipv6&) const = default;

 private:
  uint64_t high_ = 0;
  uint64_t low_ = 0;
};

/// The address a packet carries: IPv4 or IPv6. Built implicitly from
/// either; ordered IPv4 before IPv6, then numerically.
class IpAddress {
 public:
  constexpr IpAddress() = default;  ///< 0.0.0.0
  constexpr IpAddress(Ipv4 address) : v4_(address) {}  // NOLINT(google-explicit-constructor): a widening
  constexpr IpAddress(Ipv6 address) : is_v6_(true), v6_(address) {}  // NOLINT(google-explicit-constructor)

  /// Parses either family: text with a ':' is IPv6 (Ipv6::parse), else IPv4.
  static Result<IpAddress> parse(std::string_view text);

  [[nodiscard]] constexpr bool isV6() const { return is_v6_; }
  /// The IPv4 address; 0.0.0.0 for an IPv6 one (check isV6() first).
  [[nodiscard]] constexpr Ipv4 v4() const { return v4_; }
  /// The IPv6 address; :: for an IPv4 one.
  [[nodiscard]] constexpr Ipv6 v6() const { return v6_; }
  [[nodiscard]] std::string str() const;
  /// IPv4: Ipv4::isPublic(). IPv6: a global unicast address (2000::/3),
  /// which AWS never translates: an interface's IPv6 address is the one the
  /// internet sees (VPC User Guide, "IPv6 addresses": "IPv6 addresses are
  /// globally unique and can be configured to remain private or reachable
  /// over the internet").
  [[nodiscard]] bool isPublic() const;

  constexpr auto operator<=>(const IpAddress&) const = default;

 private:
  // Field order makes the defaulted ordering IPv4 first.
  bool is_v6_ = false;
  Ipv4 v4_;
  Ipv6 v6_;
};

/// A normalised IPv6 CIDR block (host bits are zero), prefix length 0-128.
/// The same host-bits policy as Cidr: parse() refuses them, parseLoose()
/// clears them.
class Cidr6 {
 public:
  constexpr Cidr6() = default;

  /// Parses "ADDRESS/N"; a bare address is a /128. Host bits set below the
  /// prefix are an error ("2001:db8::1/64 has host bits set").
  static Result<Cidr6> parse(std::string_view text);
  /// Like parse() but silently clears host bits.
  static Result<Cidr6> parseLoose(std::string_view text);
  /// Builds the block of `prefix` bits (0-128) around `address`, clearing host bits.
  static Cidr6 of(Ipv6 address, int prefix);

  [[nodiscard]] constexpr Ipv6 base() const { return base_; }
  [[nodiscard]] constexpr int prefix() const { return prefix_; }
  [[nodiscard]] constexpr Ipv6 first() const { return base_; }
  [[nodiscard]] constexpr Ipv6 last() const {
    return Ipv6(base_.high() | ~maskHigh(prefix_), base_.low() | ~maskLow(prefix_));
  }
  /// log2 of the number of addresses: 0 (/128) to 128 (/0). A count would
  /// not fit in 64 bits.
  [[nodiscard]] constexpr int hostBits() const { return 128 - prefix_; }
  [[nodiscard]] constexpr bool contains(Ipv6 address) const {
    return (address.high() & maskHigh(prefix_)) == base_.high() && (address.low() & maskLow(prefix_)) == base_.low();
  }
  /// An IPv6 block holds no IPv4 address.
  [[nodiscard]] constexpr bool contains(const IpAddress& address) const {
    return address.isV6() && contains(address.v6());
  }
  [[nodiscard]] constexpr bool contains(const Cidr6& other) const {
    return other.prefix_ >= prefix_ && contains(other.base_);
  }
  [[nodiscard]] constexpr bool overlaps(const Cidr6& other) const {
    return contains(other.base_) || other.contains(base_);
  }
  [[nodiscard]] std::string str() const;

  constexpr auto operator<=>(const Cidr6&) const = default;

 private:
  static constexpr uint64_t maskHigh(int prefix) {
    return prefix <= 0 ? 0U : prefix >= 64 ? ~uint64_t{0} : ~uint64_t{0} << (64 - prefix);
  }
  static constexpr uint64_t maskLow(int prefix) {
    return prefix <= 64 ? 0U : prefix >= 128 ? ~uint64_t{0} : ~uint64_t{0} << (128 - prefix);
  }

  Ipv6 base_;
  int prefix_ = 0;
};

/// An IPv6 block whose address may be known only once deployed. A template
/// asking for an Amazon-provided block (CloudFormation AWS::EC2::VPCCidrBlock
/// AmazonProvidedIpv6CidrBlock, or Ipv6IpamPoolId with a netmask length)
/// learns the address at deployment: such a block is kept as its place inside
/// that unknown block (the "anchor"), never as an invented address.
/// Text form: a CIDR block when known; "POOL(ANCHOR)/N" for a whole unknown
/// block of N bits and "POOL(ANCHOR)/N#I/M" for the I-th /M inside it (as
/// Fn::Cidr numbers them, from 0).
class Ipv6Block {
 public:
  Ipv6Block() = default;  ///< the known block ::/0
  explicit Ipv6Block(Cidr6 block) : cidr_(block) {}
  /// The whole block of `prefix` bits (0-128) that `pool` ("amazon-provided",
  /// an IPAM pool ID) assigns at deployment; `anchor` names that assignment
  /// (an association ID) and must be non-empty without "()/#".
  static Ipv6Block assigned(std::string pool, std::string anchor, int prefix);
  /// Parses either text form; errors name the input.
  static Result<Ipv6Block> parse(std::string_view text);

  /// Whether the address is known.
  [[nodiscard]] bool known() const { return anchor_.empty(); }
  /// Known: the block. Unknown: its offset inside the anchor block (the top
  /// anchorPrefix() bits are zero) and its own prefix length.
  [[nodiscard]] const Cidr6& cidr() const { return cidr_; }
  [[nodiscard]] int prefix() const { return cidr_.prefix(); }
  [[nodiscard]] const std::string& pool() const { return pool_; }
  [[nodiscard]] const std::string& anchor() const { return anchor_; }
  [[nodiscard]] int anchorPrefix() const { return anchor_prefix_; }
  /// The `index`-th block of `prefix` bits inside this one (Fn::Cidr counts
  /// from 0). Errors when `prefix` is shorter than this block's, when `index`
  /// is past the last such block, or when an unknown block would be split
  /// more than 64 bits deep.
  [[nodiscard]] Result<Ipv6Block> subblock(uint64_t index, int prefix) const;
  [[nodiscard]] std::string str() const;

  auto operator<=>(const Ipv6Block&) const = default;

 private:
  Cidr6 cidr_;
  std::string pool_;
  std::string anchor_;
  int anchor_prefix_ = 0;
};

/// IP protocol numbers as AWS writes them; -1 means every protocol.
inline constexpr int kProtocolAll = -1;
inline constexpr int kProtocolIcmp = 1;
inline constexpr int kProtocolTcp = 6;
inline constexpr int kProtocolUdp = 17;
inline constexpr int kProtocolIcmpv6 = 58;

/// Parses an AWS protocol field: "-1", "all", "tcp", "udp", "icmp", "icmpv6" or
/// a number 0-255.
Result<int> parseProtocol(std::string_view text);
/// "tcp", "udp", "icmp", "all" or the number.
std::string protocolName(int protocol);

/// An inclusive port range; 0-65535 is "all ports".
/// RFC 6890 special-purpose IPv4 ranges (base, prefix length), never
/// reachable on the internet.
inline constexpr std::array<std::pair<uint32_t, int>, 15> kSpecialPurposeRanges = {{
    {0x00000000, 8},   // 0.0.0.0/8 this network
    {0x0A000000, 8},   // 10.0.0.0/8 private
    {0x64400000, 10},  // 100.64.0.0/10 shared (CGNAT)
    {0x7F000000, 8},   // 127.0.0.0/8 loopback
    {0xA9FE0000, 16},  // 169.254.0.0/16 link-local
    {0xAC100000, 12},  // 172.16.0.0/12 private
    {0xC0000000, 24},  // 192.0.0.0/24 IETF protocol assignments
    {0xC0000200, 24},  // 192.0.2.0/24 TEST-NET-1
    {0xC0A80000, 16},  // 192.168.0.0/16 private
    {0xC6120000, 15},  // 198.18.0.0/15 benchmarking
    {0xC6336400, 24},  // 198.51.100.0/24 TEST-NET-2
    {0xCB007100, 24},  // 203.0.113.0/24 TEST-NET-3
    {0xE0000000, 4},   // 224.0.0.0/4 multicast
    {0xF0000000, 4},   // 240.0.0.0/4 reserved
    {0xFFFFFFFF, 32},  // broadcast
}};

struct PortRange {
  int from = 0;
  int to = 65535;
  [[nodiscard]] constexpr bool contains(int port) const { return port >= from && port <= to; }
  [[nodiscard]] constexpr bool all() const { return from <= 0 && to >= 65535; }
  [[nodiscard]] std::string str() const;
  constexpr auto operator<=>(const PortRange&) const = default;
};

}  // namespace vpcsim::topology
