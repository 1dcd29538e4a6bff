// Url: parsing, resolving and canonicalising http(s) URLs (RFC 3986), the way crawlers need it.
//
// The canonical form is the store's key for a page, so two spellings of one page must meet:
// scheme and host lower-cased, default ports dropped, the fragment dropped, dot segments
// removed, percent-escapes normalised (unreserved characters decoded, hex upper-cased, raw
// non-ASCII percent-encoded as UTF-8), tracking parameters (utm_*, spm, from, share, …, and any
// configured) removed, an empty path made "/". Query parameter order is kept: some CMSes give it
// meaning.
//
// Thread safety: Url is a value type; functions are reentrant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"

namespace sluice::common {

class Url {
 public:
  // Parses an absolute http or https URL. Returns InvalidArgument for anything else (relative
  // references, other schemes, empty host, bad port).
  static Status Parse(std::string_view text, Url* out);

  // Resolves a reference (relative or absolute, as found in an href) against this URL (RFC 3986
  // §5.2). Returns InvalidArgument for javascript:, mailto:, data: and other non-http targets.
  Status Resolve(std::string_view reference, Url* out) const;

  // The URL as a string (as parsed, not canonicalised).
  std::string ToString() const;
  // The canonical form described above. `extra_drop_params` are removed too (exact names, or
  // prefixes ending in '*').
  std::string Canonical(const std::vector<std::string>& extra_drop_params = {}) const;

  const std::string& scheme() const { return scheme_; }
  const std::string& host() const { return host_; }    // lower-case; IPv6 without brackets
  int port() const { return port_; }                   // explicit or default (80/443)
  const std::string& path() const { return path_; }    // "/" at least
  const std::string& query() const { return query_; }  // without '?'
  bool has_query() const { return has_query_; }
  const std::string& fragment() const { return fragment_; }
  // "host" or "host:port" when the port is not the default.
  std::string Authority() const;
  // scheme://authority
  std::string Origin() const;

 private:
  std::string scheme_, userinfo_, host_, path_, query_, fragment_;
  int port_ = 0;
  bool has_query_ = false, has_fragment_ = false, explicit_port_ = false;
};

// Convenience: Resolve `reference` against `base` and return the result's string, or "" when
// either fails to parse.
std::string ResolveUrl(std::string_view base, std::string_view reference);
// Convenience: the canonical form of `url`, or "" when it does not parse.
std::string CanonicalUrl(std::string_view url);

// Removes "." and ".." segments from a path (RFC 3986 §5.2.4).
std::string RemoveDotSegments(std::string_view path);

}  // namespace sluice::common
